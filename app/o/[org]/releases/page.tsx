import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { ReleaseStatusBadge } from "@/components/releases/badges";
import { ButtonLink } from "@/components/ui/button";
import { DateTime } from "@/components/ui/datetime";
import { EmptyState, PageHeader, Table } from "@/components/ui/layout";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { can } from "@/lib/authz/context";
import { titled } from "@/lib/i18n/metadata";
import { listReleases } from "@/lib/services/releases";

export default async function ReleasesPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "catalog.read");
  const t = await getTranslations("releases");
  const { items } = await listReleases(ctx, { limit: 100 });
  const canManage = can(ctx, "assignments.manage");
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          canManage ? (
            <ButtonLink href={`/o/${org}/releases/new`} variant="primary">
              {t("new")}
            </ButtonLink>
          ) : undefined
        }
      />
      {items.length === 0 ? (
        <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState>
      ) : (
        <Table caption={t("title")}>
          <thead>
            <tr>
              <th scope="col">{t("columns.miniProgram")}</th>
              <th scope="col">{t("columns.version")}</th>
              <th scope="col">{t("columns.status")}</th>
              <th scope="col">{t("columns.ring")}</th>
              <th scope="col">{t("columns.createdBy")}</th>
              <th scope="col">{t("columns.createdAt")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-testid="release-row" data-release-id={r.id}>
                <td>
                  <Link href={`/o/${org}/releases/${r.id}`} className="font-medium text-primary hover:underline">
                    {r.appId}
                  </Link>
                </td>
                <td className="font-mono">{r.version}</td>
                <td>
                  <ReleaseStatusBadge status={r.status} />
                </td>
                <td className="text-muted-fg">{t("ringOf", { current: r.currentRing + 1, total: r.rings.length, name: r.rings[r.currentRing]?.name ?? "" })}</td>
                <td className="text-muted-fg">{r.createdBy ?? "—"}</td>
                <td className="text-muted-fg">
                  <DateTime value={r.createdAt} preset="relative" />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("releases", "title");
