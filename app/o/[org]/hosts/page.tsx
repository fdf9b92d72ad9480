import { getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { listHosts } from "@/lib/services/catalog";
import { Badge, EmptyState, PageHeader, Table } from "@/components/ui/layout";

export default async function HostsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  const t = await getTranslations("hosts");
  const tc = await getTranslations("common");
  const { items } = await listHosts(ctx, { limit: 200 });
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {items.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <Table caption={t("title")}>
          <thead>
            <tr>
              <th scope="col">{t("name")}</th>
              <th scope="col">{t("platforms")}</th>
              <th scope="col">{t("status")}</th>
              <th scope="col">{t("sdkKey")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((h) => (
              <tr key={h.id}>
                <td className="font-medium">{h.name}</td>
                <td className="space-x-1">
                  {h.platforms.map((p) => (
                    <Badge key={p.platform}>{p.platform}</Badge>
                  ))}
                </td>
                <td>{h.status === "active" ? <Badge tone="success">{tc("statusActive")}</Badge> : <Badge tone="warning">{tc("statusDisabled")}</Badge>}</td>
                <td className="font-mono text-xs">{h.sdkKey}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
