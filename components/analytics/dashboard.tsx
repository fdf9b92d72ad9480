"use client";
// The analytics dashboard (CONTRACT §7 figures): one component for the organization's page and for the views
// scoped to a host, a mini-program or a version, which pass their scope as fixed filters. Range and filters
// live in the URL; data comes through React Query from the session-authenticated data route.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/form";
import { EmptyState } from "@/components/ui/layout";
import { PLATFORMS } from "@/db/enums";
import { breakdownCsv, daysCsv } from "@/lib/analytics/csv";
import { utcDay } from "@/lib/analytics/dates";
import type { AnalyticsFilters, FilterOptions, Overview, Totals, VersionAdoption } from "@/lib/analytics/types";
import Link from "next/link";
import { BarList, ChartCard, chartColor, DataTable, Donut, SeriesTable, SoFar, TimeChart, type Point, type Series } from "./charts";
import { MAX_DAYS, rangeProblem, RANGES, readState, spanDays, writeState, type DashboardState, type RangeKey } from "./range";
import { AnalyticsRequestError, useAnalyticsAnomalies, useAnalyticsFilterOptions, useAnalyticsOverview, useAnalyticsPrevious, useVersionAdoption } from "./use-analytics";
import { previousDaysCsv, previousTotalsCsv, type PreviousPeriod } from "@/lib/analytics/comparison-shared";
import { describeDelta, type DeltaFormatters, type DeltaKind } from "./delta";
import { download } from "./download";
import { VersionCompareCard } from "./version-compare";
import { AnomalyList, useAnomalyLabel, type AnomalyLike } from "@/components/insights/anomalies";
import type { ChartMarker } from "./plots";

export type AnalyticsDashboardProps = {
  org: string;
  /** Filters the page decides (a host's, a mini-program's or a version's view); the user cannot change them. */
  fixed?: AnalyticsFilters;
  /** Shown above the filters in embedded views. */
  heading?: ReactNode;
};

export type Formats = {
  /** For the deltas of cards and comparisons (./delta.ts). */
  deltas: DeltaFormatters;
  count: (n: number | null) => string;
  percent: (n: number | null) => string;
  duration: (ms: number | null) => string;
  /** m:ss, for axes. */
  durationShort: (ms: number) => string;
  day: (day: string) => string;
  dayLong: (day: string) => string;
};

export function useFormats(): Formats {
  const format = useFormatter();
  const t = useTranslations("analytics");
  return useMemo(() => {
    const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
    const duration = (ms: number) => {
      const s = Math.round(ms / 1000);
      return s < 60 ? t("seconds", { s }) : t("minutesSeconds", { m: Math.floor(s / 60), s: s % 60 });
    };
    return {
      deltas: {
        count: (n) => format.number(n, { maximumFractionDigits: n < 10 && !Number.isInteger(n) ? 1 : 0 }),
        duration,
        percent: (n) => format.number(n, { style: "percent", maximumFractionDigits: 1 }),
        points: (n) => t("percentPoints", { n: format.number(n, { maximumFractionDigits: 1 }) }),
      },
      count: (n) => (n === null ? "—" : format.number(n, { maximumFractionDigits: n < 10 && !Number.isInteger(n) ? 1 : 0 })),
      percent: (n) => (n === null ? "—" : format.number(n, { style: "percent", maximumFractionDigits: 1 })),
      duration: (ms) => {
        if (ms === null) return "—";
        const s = Math.round(ms / 1000);
        return s < 60 ? t("seconds", { s }) : t("minutesSeconds", { m: Math.floor(s / 60), s: s % 60 });
      },
      durationShort: (ms) => {
        const s = Math.round(ms / 1000);
        return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
      },
      day: (day) => format.dateTime(toDate(day), "utcDay"),
      dayLong: (day) => format.dateTime(toDate(day), "utcDayLong"),
    };
  }, [format, t]);
}


export function AnalyticsDashboard({ org, fixed = {}, heading }: AnalyticsDashboardProps) {
  const t = useTranslations("analytics");
  const f = useFormats();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const queryClient = useQueryClient();
  const [autoRefresh, setAutoRefresh] = useState(true);
  // Today in UTC, like every analytics day; it moves on at midnight so "last 7 days" stays current.
  const [today, setToday] = useState(() => utcDay(Date.now()));
  useEffect(() => {
    const timer = setInterval(() => setToday(utcDay(Date.now())), 60_000);
    return () => clearInterval(timer);
  }, []);
  const { rejected, ...state } = readState(new URLSearchParams(search.toString()), today, fixed);
  const params = { org, from: state.from, to: state.to, hostId: state.hostId, appId: state.appId, platform: state.platform, version: state.version };

  const overview = useAnalyticsOverview(params, { autoRefresh });
  // The previous period (issue 18): the cards' deltas always, the charts' overlay when asked for.
  const previous = useAnalyticsPrevious(params, { autoRefresh });
  const adoption = useVersionAdoption(params, { autoRefresh });
  const anomalies = useAnalyticsAnomalies(params, { autoRefresh });
  const options = useAnalyticsFilterOptions(org);

  const update = (patch: Partial<DashboardState>) => {
    const next = { ...state, ...patch };
    if (patch.appId !== undefined && patch.appId !== state.appId) delete next.version;
    for (const k of ["hostId", "appId", "platform", "version"] as const) if (!next[k]) delete next[k];
    const qs = writeState(new URLSearchParams(search.toString()), next, fixed).toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };

  const data = overview.data;
  const days = data?.days ?? [];
  const rangeDays = days.length || 30;
  const isEmpty = data !== undefined && data.totals.launches === 0 && data.totals.activeUsers === 0;
  // After a change of range or filter, the figures on screen belong to the previous choice until the new ones
  // arrive: dimmed and marked busy, never passed off as the answer (issue 13, item 5).
  const replacing = overview.isPlaceholderData;
  const partialDay = data?.days.find((d) => d.partial)?.day;
  const format = useFormatter();
  const refreshedAt = overview.dataUpdatedAt ? new Date(overview.dataUpdatedAt) : null;
  const fileBase = `analytics-${org}-${state.from}-${state.to}`;

  return (
    <div className="space-y-5" data-testid="analytics-dashboard">
      {heading}
      <Filters state={state} fixed={fixed} update={update} options={options.data} />
      {rejected && (
        <div role="alert" className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-sm text-warning" data-testid="range-rejected">
          {t(`range.rejected.${rejected.problem}`, { from: rejected.from || "—", to: rejected.to || "—", max: MAX_DAYS })}
        </div>
      )}

      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-xs text-muted-fg">
        <span aria-live="polite">
          {replacing ? t("loadingRange") : overview.isFetching ? t("refreshing") : refreshedAt ? t("updatedAt", { time: format.dateTime(refreshedAt, "time") }) : null}
        </span>
        {partialDay && !replacing && (
          <span className="flex items-center" data-testid="partial-note">
            <SoFar />
            <span className="ml-1.5">{t("partialNote", { day: f.dayLong(partialDay) })}</span>
          </span>
        )}
        <label className="flex items-center gap-1.5">
          <input type="checkbox" className="size-4" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.target.checked)} />
          {t("autoRefresh")}
        </label>
        <label className="flex items-center gap-1.5">
          <input type="checkbox" className="size-4" checked={Boolean(state.compare)} onChange={(e) => update({ compare: e.target.checked })} data-testid="compare-toggle" />
          {t("compare.toggle")}
        </label>
        <Button size="sm" variant="ghost" onClick={() => void queryClient.invalidateQueries({ queryKey: ["analytics:overview"] })}>
          {t("refresh")}
        </Button>
        <span className="flex-1" />
        <Button
          size="sm"
          disabled={!data || (state.compare && !previous.data)}
          onClick={() => data && (state.compare && previous.data ? download(`${fileBase}-days-vs-previous.csv`, previousDaysCsv(data, previous.data)) : download(`${fileBase}-days.csv`, daysCsv(data)))}
        >
          {state.compare ? t("compare.exportDays") : t("exportDays")}
        </Button>
        {state.compare && (
          <Button size="sm" disabled={!data || !previous.data} onClick={() => data && previous.data && download(`${fileBase}-totals-vs-previous.csv`, previousTotalsCsv(data, previous.data))} data-testid="export-comparison">
            {t("compare.exportTotals")}
          </Button>
        )}
        <Button size="sm" disabled={!data} onClick={() => data && download(`${fileBase}-breakdown.csv`, breakdownCsv(data))}>
          {t("exportBreakdown")}
        </Button>
      </div>

      {overview.error ? (
        <div role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
          {overview.error instanceof AnalyticsRequestError && overview.error.status === 404 ? t("notFound") : t("loadError")}{" "}
          <button type="button" className="underline" onClick={() => void overview.refetch()}>
            {t("retry")}
          </button>
        </div>
      ) : !data ? (
        <Skeleton />
      ) : (
        <div
          className={`space-y-5 transition-opacity duration-150 ${replacing ? "pointer-events-none opacity-40" : ""}`}
          aria-busy={replacing}
          data-testid="analytics-content"
          data-stale={replacing ? "true" : "false"}
        >
          {isEmpty ? (
            <Empty org={org} state={state} options={options.data} />
          ) : (
            <>
              <Headlines overview={data} previous={previous.data ?? null} rangeDays={rangeDays} f={f} />
              <Charts previous={state.compare ? (previous.data ?? null) : null} overview={data} f={f} state={state} fixed={fixed} adoption={adoption.data ?? null} anomalies={state.platform || state.version ? [] : (anomalies.data?.items ?? [])} org={org} />
            </>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * Nothing in the range: say what to do next. A host app that never sent an event needs its SDK connected (its
 * credentials one click away); a mini-program that never ran needs assigning; otherwise another range may help.
 */
function Empty({ org, state, options }: { org: string; state: DashboardState; options?: FilterOptions }) {
  const t = useTranslations("analytics.empty");
  const host = state.hostId ? options?.hosts.find((h) => h.hostId === state.hostId) : undefined;
  const app = state.appId ? options?.miniPrograms.find((m) => m.appId === state.appId) : undefined;
  const nothingAnywhere = options !== undefined && options.hosts.every((h) => !h.hasData);
  const link = "font-medium text-primary underline-offset-2 hover:underline";
  if (host && !host.hasData) {
    return (
      <EmptyState title={t("hostTitle", { name: host.name })}>
        <span data-testid="empty-next-step" data-kind="host">
          {t("hostHint")}{" "}
          <Link href={`/o/${org}/hosts/${host.hostId}/credentials`} className={link}>
            {t("hostLink", { name: host.name })}
          </Link>
        </span>
      </EmptyState>
    );
  }
  if (app && !app.hasData) {
    return (
      <EmptyState title={t("appTitle", { name: app.name })}>
        <span data-testid="empty-next-step" data-kind="miniProgram">
          {t("appHint")}{" "}
          <Link href={`/o/${org}/mini-programs/${app.appId}`} className={link}>
            {t("appLink", { name: app.name })}
          </Link>
        </span>
      </EmptyState>
    );
  }
  if (nothingAnywhere) {
    return (
      <EmptyState title={t("orgTitle")}>
        <span data-testid="empty-next-step" data-kind="org">
          {t("orgHint")}{" "}
          <Link href={`/o/${org}/hosts`} className={link}>
            {t("orgLink")}
          </Link>
        </span>
      </EmptyState>
    );
  }
  return (
    <EmptyState title={t("rangeTitle")}>
      <span data-testid="empty-next-step" data-kind="range">
        {t("rangeHint")}
      </span>
    </EmptyState>
  );
}

function Filters({ state, fixed, update, options }: { state: DashboardState; fixed: AnalyticsFilters; update: (p: Partial<DashboardState>) => void; options?: FilterOptions }) {
  const t = useTranslations("analytics");
  const [custom, setCustom] = useState({ from: state.from, to: state.to });
  const [customError, setCustomError] = useState<string | null>(null);
  // The form follows the range shown (a preset chosen, the URL changed): "Custom" starts from what is on screen.
  const [shownRange, setShownRange] = useState(`${state.from}/${state.to}`);
  if (shownRange !== `${state.from}/${state.to}`) {
    setShownRange(`${state.from}/${state.to}`);
    setCustom({ from: state.from, to: state.to });
    setCustomError(null);
  }
  const versions = (options?.versions ?? []).filter((v) => v.appId === state.appId);
  // What the URL selects stays selectable even before the options load (or when it has no data yet).
  const withCurrent = <T extends { value: string }>(list: T[], current: string | undefined, make: (v: string) => T) =>
    current && !list.some((o) => o.value === current) ? [make(current), ...list] : list;
  const hostOptions = withCurrent((options?.hosts ?? []).map((h) => ({ value: h.hostId, label: h.name })), state.hostId, (v) => ({ value: v, label: v }));
  const appOptions = withCurrent((options?.miniPrograms ?? []).map((m) => ({ value: m.appId, label: m.name })), state.appId, (v) => ({ value: v, label: v }));
  const versionOptions = withCurrent(versions.map((v) => ({ value: v.version, label: v.version })), state.version, (v) => ({ value: v, label: v }));
  const rangeLabel: Record<RangeKey, string> = { "7": t("range.7"), "30": t("range.30"), "90": t("range.90"), custom: t("range.custom") };
  const hasFilters = (!fixed.hostId && state.hostId) || (!fixed.appId && state.appId) || state.platform || (!fixed.version && state.version);
  return (
    <div className="space-y-3" role="search" aria-label={t("filters.label")}>
      <div className="flex flex-wrap items-end gap-2">
        <div role="group" aria-label={t("range.label")} className="inline-flex rounded-md border border-border bg-card p-0.5">
          {RANGES.map((r) => (
            <button
              key={r}
              type="button"
              aria-pressed={state.range === r}
              onClick={() => (r === "custom" ? update({ range: "custom", from: state.from, to: state.to }) : update({ range: r }))}
              className="rounded px-2.5 py-1 text-sm font-medium text-muted-fg hover:text-fg aria-pressed:bg-primary aria-pressed:text-primary-fg"
            >
              {rangeLabel[r]}
            </button>
          ))}
        </div>
        {state.range === "custom" && (
          <form
            className="flex flex-wrap items-end gap-2"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const problem = rangeProblem(custom.from, custom.to);
              if (problem) {
                setCustomError(t(`range.problem.${problem}`, { max: MAX_DAYS, days: problem === "tooLong" ? spanDays(custom.from, custom.to) : 0 }));
                return;
              }
              setCustomError(null);
              update({ range: "custom", from: custom.from, to: custom.to });
            }}
          >
            <label className="text-xs text-muted-fg">
              {t("range.from")}
              <Input
                type="date"
                value={custom.from}
                max={custom.to}
                onChange={(e) => setCustom({ ...custom, from: e.target.value })}
                className="w-40"
                required
                aria-invalid={customError !== null}
                aria-describedby={customError ? "custom-range-error" : "custom-range-hint"}
              />
            </label>
            <label className="text-xs text-muted-fg">
              {t("range.to")}
              <Input
                type="date"
                value={custom.to}
                min={custom.from}
                onChange={(e) => setCustom({ ...custom, to: e.target.value })}
                className="w-40"
                required
                aria-invalid={customError !== null}
                aria-describedby={customError ? "custom-range-error" : "custom-range-hint"}
              />
            </label>
            <Button type="submit" size="md">
              {t("range.apply")}
            </Button>
            {customError ? (
              <p id="custom-range-error" role="alert" className="w-full text-xs text-danger" data-testid="custom-range-error">
                {customError}
              </p>
            ) : (
              <span id="custom-range-hint" className="w-full text-xs text-muted-fg">
                {t("range.hint", { max: MAX_DAYS })}
              </span>
            )}
          </form>
        )}
      </div>
      <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-end">
        {!fixed.hostId && (
          <FilterSelect label={t("filters.host")} value={state.hostId} options={hostOptions} all={t("filters.allHosts")} onChange={(v) => update({ hostId: v })} />
        )}
        {!fixed.appId && (
          <FilterSelect label={t("filters.miniProgram")} value={state.appId} options={appOptions} all={t("filters.allMiniPrograms")} onChange={(v) => update({ appId: v })} />
        )}
        <FilterSelect
          label={t("filters.platform")}
          value={state.platform}
          options={PLATFORMS.filter((p) => !options || options.platforms.includes(p) || state.platform === p).map((p) => ({ value: p, label: t(`platforms.${p}`) }))}
          all={t("filters.allPlatforms")}
          onChange={(v) => update({ platform: v as DashboardState["platform"] })}
        />
        {!fixed.version && state.appId && (
          <FilterSelect label={t("filters.version")} value={state.version} options={versionOptions} all={t("filters.allVersions")} onChange={(v) => update({ version: v })} />
        )}
        {hasFilters && (
          <Button variant="ghost" onClick={() => update({ hostId: fixed.hostId ?? "", appId: fixed.appId ?? "", platform: undefined, version: fixed.version ?? "" })}>
            {t("filters.clear")}
          </Button>
        )}
      </div>
    </div>
  );
}

function FilterSelect({ label, value, options, all, onChange }: { label: string; value?: string; options: { value: string; label: string }[]; all: string; onChange: (v: string) => void }) {
  return (
    <label className="min-w-0 text-xs text-muted-fg sm:w-48">
      {label}
      <Select value={value ?? ""} onChange={(e) => onChange(e.target.value)} className="mt-0.5">
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    </label>
  );
}

function Skeleton() {
  const t = useTranslations("common");
  return (
    // role="status" announces the loading text; a bare div may not carry aria-label (axe aria-prohibited-attr).
    <div role="status" aria-busy="true" className="space-y-4">
      <span className="sr-only">{t("loading")}</span>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="h-24 animate-pulse rounded-lg border border-border bg-muted" />
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="h-72 animate-pulse rounded-lg border border-border bg-muted" />
        ))}
      </div>
    </div>
  );
}

function Headlines({ overview, previous, rangeDays, f }: { overview: Overview; previous: PreviousPeriod | null; rangeDays: number; f: Formats }) {
  const t = useTranslations("analytics");
  const last = overview.days.at(-1);
  const p = previous?.totals ?? null;
  type Card = { key: string; label: string; value: string; current: number | null; base: number | null; kind: DeltaKind; goodWhenUp: boolean; baseText: string; hint?: string };
  const cards: Card[] = [
    { key: "launches", label: t("metrics.launches"), value: f.count(overview.totals.launches), current: overview.totals.launches, base: p?.launches ?? null, kind: "count", goodWhenUp: true, baseText: f.count(p?.launches ?? null) },
    { key: "activeUsers", label: t("metrics.activeUsers"), value: f.count(overview.totals.activeUsers), current: overview.totals.activeUsers, base: p?.activeUsers ?? null, kind: "count", goodWhenUp: true, baseText: f.count(p?.activeUsers ?? null) },
    {
      key: "mau",
      label: t("metrics.mau"),
      value: f.count(last?.mau ?? null),
      // MAU is a figure of one day: the last day of each period.
      current: last?.mau ?? null,
      base: previous?.days.at(-1)?.mau ?? null,
      kind: "count",
      goodWhenUp: true,
      baseText: f.count(previous?.days.at(-1)?.mau ?? null),
      hint: last ? t(last.partial ? "onDaySoFar" : "onDay", { day: f.dayLong(last.day) }) : undefined,
    },
    { key: "avgSession", label: t("metrics.avgSession"), value: f.duration(overview.totals.avgSessionMs), current: overview.totals.avgSessionMs, base: p?.avgSessionMs ?? null, kind: "duration", goodWhenUp: true, baseText: f.duration(p?.avgSessionMs ?? null) },
    { key: "errorRate", label: t("metrics.errorRate"), value: f.percent(overview.totals.errorRate), current: overview.totals.errorRate, base: p?.errorRate ?? null, kind: "ratio", goodWhenUp: false, baseText: f.percent(p?.errorRate ?? null) },
  ];
  const period = previous ? { from: f.dayLong(previous.from), to: f.dayLong(previous.to) } : null;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-5" data-testid="analytics-headlines">
      {cards.map((c) => {
        const d = describeDelta(c.current, c.base, c.kind, c.goodWhenUp, f.deltas);
        return (
          <div key={c.key} className="min-w-0 rounded-lg border border-border bg-card p-3 sm:p-4" data-testid={`headline-${c.key}`}>
            <div className="truncate text-xs font-medium uppercase tracking-wide text-muted-fg">{c.label}</div>
            <div className="mt-1 text-xl font-semibold tabular-nums sm:text-2xl">{c.value}</div>
            <div
              className={`mt-1 text-xs ${d.tone}`}
              data-testid="headline-delta"
              data-delta={d.value ?? ""}
              title={period ? t("compare.previousValue", { value: c.baseText, ...period }) : undefined}
            >
              {previous === null ? (
                t("noComparison")
              ) : d.value === null ? (
                t("compare.noBase", { days: rangeDays })
              ) : (
                <>
                  <span aria-hidden>{d.arrow} </span>
                  {t("compare.delta", { absolute: d.absolute, relative: d.relative, days: rangeDays })}
                </>
              )}
            </div>
            {c.hint && <div className="mt-0.5 truncate text-xs text-muted-fg">{c.hint}</div>}
          </div>
        );
      })}
    </div>
  );
}

function Charts({
  overview,
  previous,
  f,
  state,
  fixed,
  adoption,
  anomalies,
  org,
}: {
  overview: Overview;
  /** When given, every time chart overlays it, dashed and muted, day by day offset. */
  previous: PreviousPeriod | null;
  f: Formats;
  state: DashboardState;
  fixed: AnalyticsFilters;
  adoption: VersionAdoption | null;
  anomalies: AnomalyLike[];
  org: string;
}) {
  const t = useTranslations("analytics");
  const ti = useTranslations("insights.anomalies");
  const anomalyLabel = useAnomalyLabel();
  // Each anomaly marks its day on the chart of its metric: launches and users on the usage chart, error rate on the errors chart.
  const markersFor = (metrics: AnomalyLike["metric"][]): ChartMarker[] =>
    anomalies.filter((a) => metrics.includes(a.metric)).map((a) => ({ day: a.day, key: a.metric, label: anomalyLabel(a) }));
  const days = overview.days;
  // `partial` is a mark, not a series: the charts and tables take the first unfinished day instead.
  // The previous period's day at the same offset rides along as `prev:<figure>` (and `prev:day` for the tooltip).
  const points: Point[] = days.map(({ partial: _partial, ...d }, i) => {
    const p: Point = { ...d };
    const q = previous?.days[i];
    if (q) {
      p["prev:day"] = q.day;
      for (const k of ["launches", "activeUsers", "mau", "avgSessionMs", "errors", "errorRate"] as const) p[`prev:${k}`] = q[k];
    }
    return p;
  });
  const over = (series: Series[]): Series[] =>
    previous ? series.map((s) => ({ key: `prev:${s.key}`, label: t("compare.previousSeries", { label: s.label }), color: `color-mix(in srgb, ${s.color} 55%, var(--muted-fg))`, dashed: true })) : [];
  const partialFrom = days.find((d) => d.partial)?.day;
  const soFar = t("soFar");
  const peak = (key: "launches" | "activeUsers" | "mau") => days.reduce((best, d) => (d[key] > best[key] ? d : best), days[0]!);
  const range = { from: f.dayLong(overview.from), to: f.dayLong(overview.to) };

  const usageSeries: Series[] = [
    { key: "launches", label: t("metrics.launches"), color: chartColor(0) },
    { key: "activeUsers", label: t("metrics.activeUsers"), color: chartColor(1) },
  ];
  const mauSeries: Series[] = [{ key: "mau", label: t("metrics.mau"), color: chartColor(3) }];
  const sessionSeries: Series[] = [{ key: "avgSessionMs", label: t("metrics.avgSession"), color: chartColor(2) }];
  const errorSeries: Series[] = [{ key: "errorRate", label: t("metrics.errorRate"), color: chartColor(4) }];
  const worstErrors = days.reduce<(typeof days)[number] | null>((w, d) => (d.errorRate !== null && (w === null || d.errorRate > (w.errorRate ?? 0)) ? d : w), null);

  const scopedToApp = Boolean(state.appId);
  const top = overview.breakdown.miniProgram.slice(0, 8).map((r) => ({ label: r.name, value: r.launches }));
  const platforms = overview.breakdown.platform.map((r) => ({ label: t(`platforms.${r.platform}`), value: r.activeUsers })).sort((a, b) => b.value - a.value);

  return (
    <div className="space-y-4">
      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard
          testId="chart-usage"
          title={t("charts.usage")}
          summary={t("charts.usageSummary", { ...range, launches: f.count(overview.totals.launches), users: f.count(overview.totals.activeUsers), peakDay: f.dayLong(peak("activeUsers").day), peak: f.count(peak("activeUsers").activeUsers) })}
          table={<SeriesTable partialFrom={partialFrom} caption={t("charts.usage")} data={points} series={[...usageSeries, ...over(usageSeries)]} dayLabel={f.dayLong} format={f.count} />}
        >
          <TimeChart partialFrom={partialFrom} soFarLabel={soFar} data={points} series={usageSeries} overlay={over(usageSeries)} kind="area" format={(n) => f.count(n)} dayLabel={f.day} markers={markersFor(["launches", "activeUsers"])} />
        </ChartCard>
        <ChartCard
          testId="chart-mau"
          title={t("charts.mau")}
          summary={t("charts.mauSummary", { first: f.count(days[0]?.mau ?? 0), last: f.count(days.at(-1)?.mau ?? 0), ...range })}
          table={<SeriesTable partialFrom={partialFrom} caption={t("charts.mau")} data={points} series={[...mauSeries, ...over(mauSeries)]} dayLabel={f.dayLong} format={f.count} />}
        >
          <TimeChart partialFrom={partialFrom} soFarLabel={soFar} data={points} series={mauSeries} overlay={over(mauSeries)} format={(n) => f.count(n)} dayLabel={f.day} />
        </ChartCard>
        <ChartCard
          testId="chart-session"
          title={t("charts.session")}
          summary={t("charts.sessionSummary", { avg: f.duration(overview.totals.avgSessionMs), sessions: f.count(overview.totals.sessions) })}
          table={<SeriesTable partialFrom={partialFrom} caption={t("charts.session")} data={points} series={[...sessionSeries, ...over(sessionSeries)]} dayLabel={f.dayLong} format={f.duration} />}
        >
          <TimeChart partialFrom={partialFrom} soFarLabel={soFar} data={points} series={sessionSeries} overlay={over(sessionSeries)} format={(n) => f.duration(n)} axisFormat={f.durationShort} dayLabel={f.day} />
        </ChartCard>
        <ChartCard
          testId="chart-errors"
          title={t("charts.errors")}
          summary={
            worstErrors
              ? t("charts.errorsSummary", { rate: f.percent(overview.totals.errorRate), errors: f.count(overview.totals.errors), worstDay: f.dayLong(worstErrors.day), worst: f.percent(worstErrors.errorRate) })
              : t("charts.noLaunches")
          }
          table={
            <SeriesTable
              partialFrom={partialFrom}
              caption={t("charts.errors")}
              data={points}
              series={[...errorSeries, { key: "errors", label: t("metrics.errors"), color: chartColor(4) }, { key: "launches", label: t("metrics.launches"), color: chartColor(0) }, ...over(errorSeries)]}
              dayLabel={f.dayLong}
              format={(n) => (n !== null && n <= 1 && !Number.isInteger(n) ? f.percent(n) : f.count(n))}
            />
          }
        >
          <TimeChart partialFrom={partialFrom} soFarLabel={soFar} data={points} series={errorSeries} overlay={over(errorSeries)} format={(n) => f.percent(n)} dayLabel={f.day} markers={markersFor(["errorRate"])} />
        </ChartCard>
      </div>

      {anomalies.length > 0 && (
        <section className="rounded-lg border border-border bg-card p-4" aria-labelledby="range-anomalies-title" data-testid="range-anomalies">
          <h2 id="range-anomalies-title" className="text-sm font-semibold">
            {ti("inRange")}
          </h2>
          <p className="mb-3 text-xs text-muted-fg">{ti("inRangeHint")}</p>
          <AnomalyList items={anomalies} org={org} testId="dashboard-anomalies" />
        </section>
      )}

      {/* Within one version, adoption and the version list would each show a single line. */}
      {scopedToApp && !state.version && adoption && adoption.versions.length > 0 && <AdoptionCard adoption={adoption} f={f} partialFrom={partialFrom} />}
      {scopedToApp && !state.version && overview.breakdown.version.length > 0 && (
        <ChartCard
          testId="chart-versions"
          title={t("charts.versions")}
          summary={t("charts.versionsSummary", { count: overview.breakdown.version.length })}
        >
          <BreakdownTable caption={t("charts.versions")} rows={overview.breakdown.version.map((r) => ({ ...r, label: r.version }))} f={f} />
        </ChartCard>
      )}

      {scopedToApp && !state.version && overview.breakdown.version.length >= 2 && (
        <VersionCompareCard org={org} appId={state.appId!} hostId={state.hostId} from={overview.from} to={overview.to} f={f} />
      )}

      <div className={`grid gap-4 ${scopedToApp ? "" : "lg:grid-cols-2"}`}>
        {!scopedToApp && top.length > 0 && (
          <ChartCard
            testId="chart-top"
            title={t("charts.top")}
            summary={t("charts.topSummary", { name: top[0]!.label, launches: f.count(top[0]!.value) })}
            table={<BreakdownTable caption={t("charts.top")} rows={overview.breakdown.miniProgram.map((r) => ({ ...r, label: r.name, sub: r.appId }))} f={f} />}
          >
            <BarList rows={top} format={(n) => f.count(n)} />
          </ChartCard>
        )}
        {platforms.length > 0 && (
          <ChartCard
            testId="chart-platforms"
            title={t("charts.platforms")}
            summary={t("charts.platformsSummary", { name: platforms[0]!.label, users: f.count(platforms[0]!.value) })}
            table={<BreakdownTable caption={t("charts.platforms")} rows={overview.breakdown.platform.map((r) => ({ ...r, label: t(`platforms.${r.platform}`) }))} f={f} />}
          >
            <Donut rows={platforms} format={(n) => f.count(n)} />
          </ChartCard>
        )}
      </div>

      <RetentionCard overview={overview} f={f} />

      {!fixed.hostId && !state.hostId && overview.breakdown.host.length > 0 && (
        <ChartCard testId="chart-hosts" title={t("charts.hosts")} summary={t("charts.hostsSummary", { count: overview.breakdown.host.length })}>
          <BreakdownTable caption={t("charts.hosts")} rows={overview.breakdown.host.map((r) => ({ ...r, label: r.name }))} f={f} />
        </ChartCard>
      )}
    </div>
  );
}

function BreakdownTable({ caption, rows, f }: { caption: string; rows: (Totals & { key: string; label: string; sub?: string })[]; f: Formats }) {
  const t = useTranslations("analytics");
  return (
    <DataTable caption={caption} minWidth="19rem">
      <thead>
        <tr>
          <th scope="col">{t("name")}</th>
          <th scope="col" className="text-right">
            {t("metrics.launches")}
          </th>
          <th scope="col" className="text-right">
            {t("metrics.activeUsers")}
          </th>
          {/* Four columns fit a phone; the session length waits for a wider screen (and the CSV). */}
          <th scope="col" className="hidden text-right sm:table-cell">
            {t("metrics.avgSession")}
          </th>
          <th scope="col" className="text-right">
            {t("metrics.errorRate")}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row" className="max-w-56">
              <div className="truncate">{r.label}</div>
              {r.sub && <div className="truncate font-mono text-xs text-muted-fg">{r.sub}</div>}
            </th>
            <td className="text-right tabular-nums">{f.count(r.launches)}</td>
            <td className="text-right tabular-nums">{f.count(r.activeUsers)}</td>
            <td className="hidden text-right tabular-nums sm:table-cell">{f.duration(r.avgSessionMs)}</td>
            <td className="text-right tabular-nums">{f.percent(r.errorRate)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

function RetentionCard({ overview, f }: { overview: Overview; f: Formats }) {
  const t = useTranslations("analytics");
  const cohorts = overview.days.filter((d) => d.newUsers > 0).reverse();
  // A cohort row has new users, so a null share means its day d+1 (d+7) has not ended: "not yet", never 0%.
  // The heat never passes 55% of the chart colour: at 70% a full cohort's cell in the dark theme left its text under
  // 4.5:1 (axe, e2e/a11y.spec.ts); at 55% it is 6:1 there and 10:1 in the light theme.
  const cell = (r: number | null) => (
    <td
      className={`text-right tabular-nums ${r === null ? "text-xs text-muted-fg" : ""}`}
      style={r === null ? undefined : { background: `color-mix(in srgb, var(--chart-2) ${Math.round(r * 55)}%, transparent)` }}
      data-testid={r === null ? "retention-not-yet" : undefined}
    >
      {r === null ? t("notYet") : f.percent(r)}
    </td>
  );
  return (
    <ChartCard testId="chart-retention" title={t("charts.retention")} summary={t("charts.retentionSummary", { d1: f.percent(overview.retention.d1), d7: f.percent(overview.retention.d7) })}>
      {cohorts.length === 0 ? (
        <p className="text-sm text-muted-fg">{t("charts.noCohorts")}</p>
      ) : (
        <div className="max-h-96 overflow-y-auto">
          <DataTable caption={t("charts.retention")}>
            <thead>
              <tr>
                <th scope="col">{t("cohort")}</th>
                <th scope="col" className="text-right">
                  {t("metrics.newUsers")}
                </th>
                <th scope="col" className="text-right">
                  {t("metrics.retentionD1")}
                </th>
                <th scope="col" className="text-right">
                  {t("metrics.retentionD7")}
                </th>
              </tr>
            </thead>
            <tbody>
              {cohorts.map((d) => (
                <tr key={d.day} data-day={d.day}>
                  <th scope="row" className="whitespace-nowrap">
                    {f.dayLong(d.day)}
                    {d.partial && <SoFar />}
                  </th>
                  <td className="text-right tabular-nums">{f.count(d.newUsers)}</td>
                  {cell(d.retentionD1)}
                  {cell(d.retentionD7)}
                </tr>
              ))}
            </tbody>
          </DataTable>
        </div>
      )}
    </ChartCard>
  );
}

function AdoptionCard({ adoption, f, partialFrom }: { adoption: VersionAdoption; f: Formats; partialFrom?: string }) {
  const t = useTranslations("analytics");
  const series: Series[] = adoption.versions.map((v, i) => ({ key: `v:${v}`, label: v, color: chartColor(i) }));
  const points: Point[] = adoption.days.map((d) => {
    const p: Point = { day: d.day };
    for (const v of adoption.versions) p[`v:${v}`] = d.users[v] ?? 0;
    return p;
  });
  const lastDay = [...adoption.days].reverse().find((d) => d.activeUsers > 0);
  const leader = lastDay ? adoption.versions.reduce((a, b) => ((lastDay.users[b] ?? 0) > (lastDay.users[a] ?? 0) ? b : a)) : null;
  const share = (d: (typeof adoption.days)[number], v: string) => {
    const total = adoption.versions.reduce((a, x) => a + (d.users[x] ?? 0), 0);
    return total > 0 ? (d.users[v] ?? 0) / total : null;
  };
  // The last complete day from the adoption API's service (CONTRACT §13) when it had users; else the range's last day.
  const latestLeader = adoption.latest?.versions.reduce<{ version: string; users: number; share: number | null } | null>((a, b) => (!a || b.users > a.users ? b : a), null);
  const summary =
    adoption.latest && latestLeader && latestLeader.users > 0
      ? t("charts.adoptionSummary", { version: latestLeader.version, share: f.percent(latestLeader.share), day: f.dayLong(adoption.latest.day), count: adoption.versions.length })
      : lastDay && leader
        ? t("charts.adoptionSummary", { version: leader, share: f.percent(share(lastDay, leader)), day: f.dayLong(lastDay.day), count: adoption.versions.length })
        : t("charts.noLaunches");
  return (
    <ChartCard
      testId="chart-adoption"
      title={t("charts.adoption")}
      summary={summary}
      table={<SeriesTable partialFrom={partialFrom} caption={t("charts.adoption")} data={points} series={series} dayLabel={f.dayLong} format={f.count} />}
    >
      <TimeChart partialFrom={partialFrom} soFarLabel={t("soFar")} data={points} series={series} kind="share" format={(n) => f.count(n)} dayLabel={f.day} height={240} />
    </ChartCard>
  );
}
