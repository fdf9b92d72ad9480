import { getFormatter, getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { can } from "@/lib/authz/context";
import { overviewNumbers } from "@/lib/services/catalog";
import { listAudit } from "@/lib/services/audit";
import { Card, PageHeader, Stat } from "@/components/ui/layout";

export default async function OverviewPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  const t = await getTranslations("overview");
  const tr = await getTranslations("roles");
  const format = await getFormatter();
  const n = await overviewNumbers(ctx);
  const activity = can(ctx, "audit.view") ? (await listAudit(ctx, {}, { limit: 8 })).items : null;
  const inReview = n.versionsByStatus.in_review ?? 0;
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { org: ctx.org.name })} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label={t("hosts")} value={n.hosts} hint={t("activeHosts", { count: n.activeHosts })} />
        <Stat label={t("miniPrograms")} value={n.miniPrograms} />
        <Stat
          label={t("inReview")}
          value={inReview}
          hint={
            n.oldestInReview?.submittedAt
              ? t("oldest", { app: n.oldestInReview.appId, version: n.oldestInReview.version, age: format.relativeTime(n.oldestInReview.submittedAt) })
              : t("queueEmpty")
          }
        />
        <Stat label={t("yourRole")} value={tr(ctx.role)} hint={`${t("approved")}: ${n.versionsByStatus.approved ?? 0} · ${t("revoked")}: ${n.versionsByStatus.revoked ?? 0}`} />
      </div>
      {activity && (
        <Card title={t("recentActivity")} className="mt-6">
          {activity.length === 0 ? (
            <p className="text-sm text-muted-fg">{t("noActivity")}</p>
          ) : (
            <ul className="divide-y divide-border text-sm">
              {activity.map((a) => (
                <li key={a.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                  <span>
                    <span className="font-medium">{a.actor.label}</span> <code className="rounded bg-muted px-1 text-xs">{a.action}</code>{" "}
                    <span className="text-muted-fg">{a.objectId}</span>
                  </span>
                  <time className="text-xs text-muted-fg" dateTime={a.at}>
                    {format.relativeTime(new Date(a.at))}
                  </time>
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
    </>
  );
}
