import { getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { isCollaboratorScoped } from "@/lib/authz/context";
import { listMiniPrograms } from "@/lib/services/catalog";
import { EmptyState, PageHeader, Table } from "@/components/ui/layout";

export default async function MiniProgramsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  const t = await getTranslations("miniPrograms");
  const { items } = await listMiniPrograms(ctx, { limit: 200 });
  return (
    <>
      <PageHeader title={t("title")} description={isCollaboratorScoped(ctx) ? t("descriptionDeveloper") : t("description", { org: ctx.org.name })} />
      {items.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <Table caption={t("title")}>
          <thead>
            <tr>
              <th scope="col">{t("name")}</th>
              <th scope="col">{t("appId")}</th>
              <th scope="col">{t("category")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id}>
                <td className="font-medium">{m.name}</td>
                <td className="font-mono text-xs">{m.appId}</td>
                <td>{m.category}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
