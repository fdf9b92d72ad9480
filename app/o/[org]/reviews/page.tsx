import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { listReviewQueue, queueFilterInput, RISK_LEVELS, type QueueFilter } from "@/lib/services/reviews";
import { AgeBadge, RiskBadge } from "@/components/reviews/badges";
import { durationParts } from "@/components/reviews/format";
import { ButtonLink, buttonClass } from "@/components/ui/button";
import { Select } from "@/components/ui/form";
import { EmptyState, PageHeader } from "@/components/ui/layout";
import { ClaimControl } from "./claim-control";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (typeof v === "string" && v ? v : undefined);

export default async function ReviewsPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Search> }) {
  const { org } = await params;
  const sp = await searchParams;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "review.decide");
  const t = await getTranslations("reviews");
  const format = await getFormatter();
  const parsed = queueFilterInput.safeParse({ appId: one(sp.app), risk: one(sp.risk), claimedBy: one(sp.claimed) });
  const filter: QueueFilter = parsed.success ? parsed.data : {};
  const requested = Number(one(sp.page) ?? "1");
  const q = await listReviewQueue(ctx, filter, new Date(), { page: Number.isSafeInteger(requested) && requested > 0 ? requested : 1 });
  const pageHref = (page: number) => {
    const qs = new URLSearchParams();
    if (filter.appId) qs.set("app", filter.appId);
    if (filter.risk) qs.set("risk", filter.risk);
    if (filter.claimedBy) qs.set("claimed", filter.claimedBy);
    if (page > 1) qs.set("page", String(page));
    const query = qs.toString();
    return query ? `?${query}` : `/o/${org}/reviews`;
  };
  const firstShown = (q.page - 1) * q.pageSize + 1;
  const filtered = Boolean(filter.appId || filter.risk || filter.claimedBy);
  const age = (ms: number) => {
    const p = durationParts(ms);
    return t(`age.${p.unit}`, { days: p.days, hours: p.hours, minutes: p.minutes });
  };
  const mayReleaseOthers = ctx.role === "owner" || ctx.role === "admin";
  return (
    <>
      <PageHeader
        title={t("title")}
        description={
          <>
            {t("description")}
            {q.total > 0 && (
              <span data-testid="queue-summary">
                {" · "}
                {t("summary", { total: q.total })}
                {(filtered || q.pages > 1) && ` · ${q.pages > 1 ? t("showingRange", { from: firstShown, to: firstShown + q.items.length - 1, matched: q.matched }) : t("showing", { shown: q.matched })}`}
              </span>
            )}
          </>
        }
      />

      {q.total > 0 && (
        <form method="get" className="mb-4 grid grid-cols-1 gap-3 rounded-lg border border-border bg-card p-3 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end" aria-label={t("filters.label")}>
          <div className="space-y-1">
            <label htmlFor="f-app" className="block text-xs font-medium text-muted-fg">
              {t("filters.miniProgram")}
            </label>
            <Select id="f-app" name="app" defaultValue={filter.appId ?? ""}>
              <option value="">{t("filters.allMiniPrograms")}</option>
              {q.facets.miniPrograms.map((m) => (
                <option key={m.appId} value={m.appId}>
                  {m.name} ({m.appId})
                </option>
              ))}
            </Select>
          </div>
          <div className="space-y-1">
            <label htmlFor="f-risk" className="block text-xs font-medium text-muted-fg">
              {t("filters.risk")}
            </label>
            <Select id="f-risk" name="risk" defaultValue={filter.risk ?? ""}>
              <option value="">{t("filters.anyRisk")}</option>
              {RISK_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`riskLevel.${l}`)}
                </option>
              ))}
            </Select>
          </div>
          <div className="space-y-1">
            <label htmlFor="f-claimed" className="block text-xs font-medium text-muted-fg">
              {t("filters.reviewer")}
            </label>
            <Select id="f-claimed" name="claimed" defaultValue={filter.claimedBy ?? ""}>
              <option value="">{t("filters.anyone")}</option>
              <option value="unclaimed">{t("filters.unclaimed")}</option>
              <option value="me">{t("filters.me")}</option>
              {q.facets.reviewers
                .filter((r) => r.userId !== ctx.actor.userId)
                .map((r) => (
                  <option key={r.userId} value={r.userId}>
                    {r.name} ({r.email})
                  </option>
                ))}
            </Select>
          </div>
          <div className="flex gap-2">
            <button type="submit" className={buttonClass("primary")}>
              {t("filters.apply")}
            </button>
            {filtered && (
              <Link href={`/o/${org}/reviews`} className={buttonClass("ghost")}>
                {t("filters.clear")}
              </Link>
            )}
          </div>
        </form>
      )}

      {q.total === 0 ? (
        <EmptyState title={t("empty")} />
      ) : q.items.length === 0 ? (
        <EmptyState title={t("emptyFiltered")} />
      ) : (
        <ol className="divide-y divide-border overflow-hidden rounded-lg border border-border bg-card" data-testid="review-queue" aria-label={t("title")}>
          {q.items.map((item) => {
            const holder = item.claim ? (item.claim.name ?? item.claim.email ?? t("unknownUser")) : null;
            return (
              <li
                key={item.id}
                className="grid grid-cols-1 gap-3 p-4 sm:grid-cols-[minmax(0,1fr)_9rem_10rem] sm:items-center lg:grid-cols-[minmax(0,1fr)_10rem_10rem_14rem]"
                data-testid="queue-item"
                data-version-id={item.id}
                data-age-mark={item.ageMark ?? "none"}
              >
                <div className="min-w-0">
                  <Link href={`/o/${org}/reviews/${item.id}`} className="font-medium hover:underline">
                    {item.miniProgramName} <span className="font-mono">{item.version}</span>
                  </Link>
                  <div className="mt-0.5 font-mono text-xs break-all text-muted-fg">{item.appId}</div>
                  <div className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-muted-fg">
                    <span>{t("uploadedBy", { email: item.uploadedBy ?? t("unknownUser") })}</span>
                    <span>{item.baselineVersion ? t("comparedWith", { version: item.baselineVersion }) : item.hasEarlierVersion ? t("noApprovedBaseline") : t("firstVersion")}</span>
                    <span>{t("warnings", { count: item.warningCount })}</span>
                  </div>
                </div>
                <div className="flex flex-wrap items-center gap-2 sm:flex-col sm:items-start sm:gap-1">
                  <span className="text-sm tabular-nums" title={item.submittedAt ? format.dateTime(new Date(item.submittedAt), "dateTimeZone") : undefined}>
                    {t("waitingFor", { age: age(item.waitingMs) })}
                  </span>
                  <AgeBadge mark={item.ageMark} />
                </div>
                <div>
                  <RiskBadge level={item.risk.level} score={item.risk.score} />
                </div>
                <div className="sm:col-span-3 lg:col-span-1">
                  {item.uploadedByViewer ? (
                    <span className="text-sm text-muted-fg">{t("yourUpload")}</span>
                  ) : (
                    <ClaimControl org={org} versionId={item.id} holder={holder} mine={item.claim?.userId === ctx.actor.userId} canRelease={mayReleaseOthers} />
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {q.pages > 1 && (
        <nav className="mt-4 flex flex-wrap items-center gap-2" aria-label={t("pages.label")} data-testid="queue-pages">
          {q.page > 1 && (
            <ButtonLink href={pageHref(q.page - 1)} variant="ghost" rel="prev">
              {t("pages.previous")}
            </ButtonLink>
          )}
          <span className="text-sm text-muted-fg tabular-nums" aria-current="page">
            {t("pages.position", { page: Math.min(q.page, q.pages), pages: q.pages })}
          </span>
          {q.page < q.pages && (
            <ButtonLink href={pageHref(q.page + 1)} variant="ghost" rel="next">
              {t("pages.next")}
            </ButtonLink>
          )}
        </nav>
      )}
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "reviews");
