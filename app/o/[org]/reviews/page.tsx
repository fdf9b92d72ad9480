import { and, asc, eq } from "drizzle-orm";
import { getFormatter, getTranslations } from "next-intl/server";
import { versions } from "@/db/schema";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { EmptyState, PageHeader, Table } from "@/components/ui/layout";

export default async function ReviewsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "review.decide");
  const t = await getTranslations("reviews");
  const format = await getFormatter();
  const queue = await ctx.db
    .select({ id: versions.id, appId: versions.appId, version: versions.version, submittedAt: versions.submittedAt })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.status, "in_review")))
    .orderBy(asc(versions.submittedAt));
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {queue.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <Table caption={t("title")}>
          <thead>
            <tr>
              <th scope="col">{t("version")}</th>
              <th scope="col">{t("submitted")}</th>
            </tr>
          </thead>
          <tbody>
            {queue.map((v) => (
              <tr key={v.id}>
                <td>
                  <span className="font-mono text-xs">{v.appId}</span> {v.version}
                </td>
                <td>{v.submittedAt ? format.relativeTime(v.submittedAt) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
