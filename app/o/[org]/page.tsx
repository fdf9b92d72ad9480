import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { can, type OrgContext } from "@/lib/authz/context";
import { overviewNumbers } from "@/lib/services/catalog";
import { listHaltedRollouts } from "@/lib/services/release-control-reads";
import { pendingRequestsByHost } from "@/lib/services/permission-requests";
import { listAudit } from "@/lib/services/audit";
import { auditObjectKey, describeAuditObjects } from "@/lib/services/audit-objects";
import { getOverviewTotals } from "@/lib/analytics/service";
import { addDays, utcDay } from "@/lib/analytics/dates";
import type { Totals } from "@/lib/analytics/types";
import { change, deltaTone, previousPeriod } from "@/components/analytics/range";
import { Card, PageHeader, Stat } from "@/components/ui/layout";
import { SkeletonLines, SkeletonStats } from "@/components/ui/skeleton";
import { StreamedCard } from "@/components/ui/streamed-card";
import { DateTime } from "@/components/ui/datetime";
import { ActorName, ObjectRef, useAuditLabels } from "@/components/audit/entry-parts";
import { HaltIcon } from "@/components/assignments/halt-icon";
import { HaltReason } from "@/components/assignments/halt-reason";
import { AnomalyList } from "@/components/insights/anomalies";
import { getAnomalies } from "@/lib/insights/anomaly-service";

type AuditItem = Awaited<ReturnType<typeof listAudit>>["items"][number];
import type { Metadata } from "next";
import { orgTitle } from "@/lib/i18n/metadata";

const USAGE_DAYS = 7;
/** The overview lists the strongest anomalies of the last two weeks. */
const ANOMALY_DAYS = 14;
const ANOMALY_TOP = 5;

/** The last `days` UTC days up to today, and the same number of days before them. */
async function recentUsage(ctx: OrgContext, days: number): Promise<[Totals, Totals]> {
  const to = utcDay(Date.now());
  const from = addDays(to, -(days - 1));
  const [now, before] = await Promise.all([getOverviewTotals(ctx, { from, to }), getOverviewTotals(ctx, previousPeriod(from, to))]);
  return [now.totals, before.totals];
}

/** The anomalies of the last `days` UTC days, strongest first. */
async function recentAnomalies(ctx: OrgContext, days: number) {
  const to = utcDay(Date.now());
  return (await getAnomalies(ctx, { from: addDays(to, -(days - 1)), to })).items;
}

export default async function OverviewPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  const t = await getTranslations("overview");
  const tr = await getTranslations("roles");
  const format = await getFormatter();
  const tc = await getTranslations("releaseControl");
  const tp = await getTranslations("permissionRequests");
  const ti = await getTranslations("insights.anomalies");
  const [n, recent, halted, pendingRequests] = await Promise.all([
    overviewNumbers(ctx),
    can(ctx, "audit.view")
      ? listAudit(ctx, {}, { limit: 8 }).then(async (p) => ({ activity: p.items, objects: await describeAuditObjects(ctx, p.items) }))
      : null,
    listHaltedRollouts(ctx),
    can(ctx, "hosts.manage") ? pendingRequestsByHost(ctx) : [],
  ]);
  // The usage and anomaly cards read the analytics rollups, by far the slowest part (issue 19 item 4): they stream in
  // behind the rest of the page (StreamedCard below), their reads started after the reads above and the shell's head
  // start (PGlite runs one query at a time: queued first they would hold back the rest).
  const analytics = can(ctx, "analytics.view");
  const activity = recent?.activity ?? null;
  const objects = recent?.objects ?? new Map();
  const pendingTotal = pendingRequests.reduce((sum, h) => sum + h.count, 0);
  const inReview = n.versionsByStatus.in_review ?? 0;


  return (
    <>
      <PageHeader title={t("title")} description={t("description", { org: ctx.org.name })} />
      {halted.length > 0 && (
        <section
          role="alert"
          aria-labelledby="halted-title"
          data-testid="halted-rollouts"
          className="mb-6 rounded-lg border-2 border-danger/60 bg-danger-bg px-4 py-3 text-sm text-danger"
        >
          <h2 id="halted-title" className="flex items-center gap-2 text-base font-semibold">
            <HaltIcon className="size-5" />
            {tc("overview.title", { count: halted.length })}
          </h2>
          <p className="mt-0.5 text-xs text-fg">{tc("overview.body")}</p>
          <ul className="mt-3 divide-y divide-danger/20">
            {halted.map((h) => (
              <li key={h.assignmentId} className="space-y-1 py-2.5 first:pt-0 last:pb-0" data-testid="halted-rollout">
                <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                  <Link href={`/o/${org}/hosts/${h.hostId}/assignments/${h.assignmentId}`} className="min-w-0 break-words font-medium underline underline-offset-2">
                    {tc("overview.item", { app: h.miniProgramName, version: h.candidate ?? "—", host: h.hostName })}
                  </Link>
                  {h.haltedAt && <DateTime value={h.haltedAt} preset="relative" className="text-xs" />}
                </div>
                <HaltReason figures={h.figures} reason={h.haltReason} className="break-words text-xs text-fg" />
              </li>
            ))}
          </ul>
        </section>
      )}
      {pendingTotal > 0 && (
        <section
          aria-labelledby="pending-requests-title"
          data-testid="overview-pending-requests"
          className="mb-6 rounded-lg border border-warning/50 bg-warning-bg px-4 py-3 text-sm"
        >
          <h2 id="pending-requests-title" className="font-semibold text-warning">
            {tp("overview.title", { count: pendingTotal })}
          </h2>
          <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
            {pendingRequests.map((h) => (
              <li key={h.hostId}>
                <Link href={`/o/${org}/hosts/${h.hostId}#requests`} className="break-words font-medium underline underline-offset-2">
                  {tp("overview.item", { host: h.hostName, count: h.count })}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
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
      {analytics && (
        <StreamedCard title={t("usage.title", { days: USAGE_DAYS })} testId="overview-usage-loading" className="mt-6" skeleton={<SkeletonStats count={4} />}>
          <UsageCard ctx={ctx} org={org} />
        </StreamedCard>
      )}
      {analytics && (
        <StreamedCard title={ti("title")} testId="overview-anomalies-loading" className="mt-6" skeleton={<SkeletonLines lines={10} className="h-[244px] lg:h-[180px]" />}>
          <AnomaliesCard ctx={ctx} org={org} />
        </StreamedCard>
      )}
      {activity && (
        <Card
          title={t("recentActivity")}
          className="mt-6"
          actions={
            <Link href={`/o/${org}/audit`} className="text-sm font-medium text-primary hover:underline">
              {t("allActivity")}
            </Link>
          }
        >
          {activity.length === 0 ? (
            <p className="text-sm text-muted-fg">{t("noActivity")}</p>
          ) : (
            <ul className="divide-y divide-border text-sm" data-testid="recent-activity">
              {activity.map((a) => {
                const ref = a.objectId ? objects.get(auditObjectKey(a.objectType, a.objectId)) : undefined;
                return (
                  <li key={a.id} className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 py-2">
                    <span className="min-w-0 break-words">
                      <RecentActivityLine entry={a} refInfo={ref} />
                    </span>
                    <DateTime value={a.at} preset="relative" className="text-xs text-muted-fg" />
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
      )}
    </>
  );
}

// The organization layout's title template applies to pages below it, not to this one beside it.
export async function generateMetadata({ params }: { params: Promise<{ org: string }> }): Promise<Metadata> {
  return orgTitle((await params).org, await getTranslations("nav").then((t) => t("overview")));
}

/** "owner@demo.test approved a version · Coupons 1.2.0": the action in words, the object by name and link. */
function RecentActivityLine({ entry, refInfo }: { entry: AuditItem; refInfo: { label: string; href: string | null } | undefined }) {
  const labels = useAuditLabels();
  return (
    <>
      <span className="font-medium">
        <ActorName actor={entry.actor} />
      </span>
      <span className="text-muted-fg"> · </span>
      <span>{labels.action(entry.action)}</span>
      <span className="text-muted-fg"> · </span>
      <ObjectRef entry={entry} refInfo={refInfo} showType={false} />
    </>
  );
}

/** The last seven days against the seven before, streamed in after the rest of the page. */
async function UsageCard({ ctx, org }: { ctx: OrgContext; org: string }) {
  const [[now, before], t, format] = await Promise.all([recentUsage(ctx, USAGE_DAYS), getTranslations("overview"), getFormatter()]);
  const usageCards = (now: Totals, before: Totals) => [
    { key: "launches", label: t("usage.launches"), value: format.number(now.launches), delta: change(now.launches, before.launches), goodWhenUp: true },
    { key: "activeUsers", label: t("usage.activeUsers"), value: format.number(now.activeUsers), delta: change(now.activeUsers, before.activeUsers), goodWhenUp: true },
    {
      key: "errorRate",
      label: t("usage.errorRate"),
      value: now.errorRate === null ? "—" : format.number(now.errorRate, { style: "percent", maximumFractionDigits: 1 }),
      delta: change(now.errorRate, before.errorRate),
      goodWhenUp: false,
    },
    { key: "errors", label: t("usage.errors"), value: format.number(now.errors), delta: change(now.errors, before.errors), goodWhenUp: false },
  ];
  return (
    <Card
      title={t("usage.title", { days: USAGE_DAYS })}
      className="mt-6"
      actions={
        <Link href={`/o/${org}/analytics`} className="text-sm font-medium text-primary hover:underline">
          {t("usage.open")}
        </Link>
      }
    >
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="overview-usage">
        {usageCards(now, before).map((c) => {
          const tone = deltaTone(c.delta, c.goodWhenUp);
          return (
            <div key={c.key} className="min-w-0" data-testid={`usage-${c.key}`}>
              <dt className="truncate text-xs font-medium uppercase tracking-wide text-muted-fg">{c.label}</dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums">{c.value}</dd>
              <dd className={`text-xs ${tone}`}>
                {c.delta === null
                  ? t("usage.noComparison")
                  : t("usage.vsPrevious", {
                      change: `${c.delta > 0 ? "▲" : c.delta < 0 ? "▼" : ""} ${format.number(Math.abs(c.delta), { style: "percent", maximumFractionDigits: 1 })}`.trim(),
                      days: USAGE_DAYS,
                    })}
              </dd>
            </div>
          );
        })}
      </dl>
    </Card>
  );
}

/** The strongest anomalies of the last two weeks, streamed in after the rest of the page. */
async function AnomaliesCard({ ctx, org }: { ctx: OrgContext; org: string }) {
  const [anomalies, ti] = await Promise.all([recentAnomalies(ctx, ANOMALY_DAYS), getTranslations("insights.anomalies")]);
  return (
    <Card
      title={ti("title")}
      className="mt-6"
      actions={
        <Link href={`/o/${org}/analytics`} className="text-sm font-medium text-primary hover:underline">
          {anomalies.length > ANOMALY_TOP ? ti("more", { count: anomalies.length - ANOMALY_TOP }) : ti("open")}
        </Link>
      }
    >
      <p className="-mt-1 mb-3 text-xs text-muted-fg">{ti("description")}</p>
      {anomalies.length === 0 ? (
        <p className="text-sm text-muted-fg" data-testid="anomalies-none">
          {ti("none", { days: ANOMALY_DAYS })}
        </p>
      ) : (
        <AnomalyList items={anomalies.slice(0, ANOMALY_TOP)} org={org} testId="overview-anomalies" />
      )}
    </Card>
  );
}
