"use client";
// Issue 18's analytics views: error groups, pages and custom events, and a funnel builder. One mini-program at a
// time (its filters in the URL, so a link from a version, review or assignment page opens the right view), exact
// figures from the data route, every table downloadable as CSV.
import dynamic from "next/dynamic";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useId, useMemo, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { DateTime } from "@/components/ui/datetime";
import { Select } from "@/components/ui/form";
import { Badge, Card, EmptyState } from "@/components/ui/layout";
import { PLATFORMS } from "@/db/enums";
import { customEventsCsv, errorGroupsCsv, funnelCsv, pagesCsv } from "@/lib/analytics/csv";
import { addDays, utcDay } from "@/lib/analytics/dates";
import type { FilterOptions } from "@/lib/analytics/types";
import { DataTable } from "./charts";
import { useAnalyticsFilterOptions } from "./use-analytics";
import { useCustomEventStats, useErrorGroups, useFunnel, usePageStats, type FunnelRequest, type InsightParams } from "./use-insights";

const Sparkline = dynamic(() => import("./sparkline").then((m) => m.Sparkline), { ssr: false, loading: () => <div className="h-7 w-24" /> });

const RANGE_DAYS = ["7", "30", "90"] as const;
const MAX_STEPS = 10;

function download(name: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** Overview · Errors · Pages & events, keeping the mini-program and range when switching. */
export function AnalyticsTabs({ org, current }: { org: string; current: "overview" | "errors" | "pages" }) {
  const t = useTranslations("analyticsInsights.tabs");
  const search = useSearchParams();
  const keep = new URLSearchParams();
  for (const k of ["appId", "hostId", "version", "range"]) {
    const v = search.get(k);
    if (v) keep.set(k, v);
  }
  const qs = keep.size ? `?${keep}` : "";
  const tabs = [
    { key: "overview", href: `/o/${org}/analytics${qs}`, label: t("overview") },
    { key: "errors", href: `/o/${org}/analytics/errors${qs}`, label: t("errors") },
    { key: "pages", href: `/o/${org}/analytics/pages${qs}`, label: t("pages") },
  ] as const;
  return (
    <nav aria-label={t("label")} className="mb-4 flex gap-1 overflow-x-auto border-b border-border">
      {tabs.map((tab) => (
        <Link
          key={tab.key}
          href={tab.href}
          aria-current={tab.key === current ? "page" : undefined}
          className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${tab.key === current ? "border-primary text-fg" : "border-transparent text-muted-fg hover:text-fg"}`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}

type Filters = { appId?: string; hostId?: string; version?: string; platform?: string; range: (typeof RANGE_DAYS)[number] };

function useFilters(options: FilterOptions | undefined): [Filters, (patch: Partial<Filters>) => void] {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const rangeParam = search.get("range");
  const range = (RANGE_DAYS as readonly string[]).includes(rangeParam ?? "") ? (rangeParam as Filters["range"]) : "30";
  const apps = options?.miniPrograms ?? [];
  // Without a choice in the URL: the first mini-program with data (or the first at all).
  const appId = search.get("appId") ?? (apps.find((a) => a.hasData) ?? apps[0])?.appId;
  const f: Filters = { range };
  if (appId) f.appId = appId;
  for (const k of ["hostId", "version", "platform"] as const) {
    const v = search.get(k);
    if (v) f[k] = v;
  }
  const set = (patch: Partial<Filters>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    // Another mini-program has other versions.
    if (patch.appId !== undefined && patch.appId !== f.appId) next.delete("version");
    router.replace(`${pathname}?${next}`, { scroll: false });
  };
  return [f, set];
}

function paramsOf(org: string, f: Filters): InsightParams | null {
  if (!f.appId) return null;
  const to = utcDay(Date.now());
  const p: InsightParams = { org, appId: f.appId, from: addDays(to, -(Number(f.range) - 1)), to };
  if (f.hostId) p.hostId = f.hostId;
  if (f.version) p.version = f.version;
  if (f.platform) p.platform = f.platform;
  return p;
}

function FilterBar({ options, f, set, platform }: { options: FilterOptions; f: Filters; set: (p: Partial<Filters>) => void; platform?: boolean }) {
  const t = useTranslations("analyticsInsights.filters");
  const id = useId();
  const versions = options.versions.filter((v) => v.appId === f.appId);
  const field = (key: string, label: string, control: ReactNode) => (
    <div key={key} className="min-w-0 flex-1 basis-40">
      <label htmlFor={`${id}-${key}`} className="mb-1 block text-xs font-medium text-muted-fg">
        {label}
      </label>
      {control}
    </div>
  );
  return (
    <div className="mb-4 flex flex-wrap gap-3">
      {field(
        "app",
        t("miniProgram"),
        <Select id={`${id}-app`} value={f.appId ?? ""} onChange={(e) => set({ appId: e.target.value })}>
          {options.miniPrograms.map((a) => (
            <option key={a.appId} value={a.appId}>
              {a.name}
            </option>
          ))}
        </Select>,
      )}
      {field(
        "version",
        t("version"),
        <Select id={`${id}-version`} value={f.version ?? ""} onChange={(e) => set({ version: e.target.value })}>
          <option value="">{t("allVersions")}</option>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              {v.version}
            </option>
          ))}
          {f.version && !versions.some((v) => v.version === f.version) && <option value={f.version}>{f.version}</option>}
        </Select>,
      )}
      {field(
        "host",
        t("host"),
        <Select id={`${id}-host`} value={f.hostId ?? ""} onChange={(e) => set({ hostId: e.target.value })}>
          <option value="">{t("allHosts")}</option>
          {options.hosts.map((h) => (
            <option key={h.hostId} value={h.hostId}>
              {h.name}
            </option>
          ))}
        </Select>,
      )}
      {platform &&
        field(
          "platform",
          t("platform"),
          <Select id={`${id}-platform`} value={f.platform ?? ""} onChange={(e) => set({ platform: e.target.value })}>
            <option value="">{t("allPlatforms")}</option>
            {PLATFORMS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </Select>,
        )}
      {field(
        "range",
        t("range"),
        <Select id={`${id}-range`} value={f.range} onChange={(e) => set({ range: e.target.value as Filters["range"] })}>
          {RANGE_DAYS.map((n) => (
            <option key={n} value={n}>
              {t("days", { n })}
            </option>
          ))}
        </Select>,
      )}
    </div>
  );
}

function Loading({ error }: { error?: Error | null }) {
  const t = useTranslations("analyticsInsights");
  if (error) return <p className="text-sm text-danger" role="alert">{t("failed", { message: error.message })}</p>;
  return <p className="text-sm text-muted-fg">{t("loading")}</p>;
}

function NoApps() {
  const t = useTranslations("analyticsInsights");
  return (
    <EmptyState title={t("noMiniPrograms")}>
      <p>{t("noMiniProgramsHint")}</p>
    </EmptyState>
  );
}

export function ErrorGroupsView({ org }: { org: string }) {
  const t = useTranslations("analyticsInsights");
  const format = useFormatter();
  const options = useAnalyticsFilterOptions(org);
  const [f, set] = useFilters(options.data);
  const params = paramsOf(org, f);
  const errors = useErrorGroups(params);
  if (!options.data) return <Loading error={options.error} />;
  if (!params) return <NoApps />;
  const data = errors.data;
  return (
    <>
      <FilterBar options={options.data} f={f} set={set} />
      <div className="mb-2 flex justify-end">
        <Button size="sm" disabled={!data} onClick={() => data && download(`errors-${params.appId}-${params.from}-${params.to}.csv`, errorGroupsCsv(data))}>
          {t("downloadCsv")}
        </Button>
      </div>
      {!data ? (
        <Loading error={errors.error} />
      ) : data.items.length === 0 ? (
        <EmptyState title={t("errors.none")}>
          <p>{t("errors.noneHint")}</p>
        </EmptyState>
      ) : (
        <DataTable caption={t("errors.caption")} minWidth="40rem">
          <thead>
            <tr>
              <th scope="col">{t("errors.message")}</th>
              <th scope="col" className="text-right">
                {t("errors.count")}
              </th>
              <th scope="col" className="text-right">
                {t("errors.users")}
              </th>
              <th scope="col">{t("errors.versions")}</th>
              <th scope="col">{t("errors.lastSeen")}</th>
              <th scope="col">{t("errors.trend")}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((g) => (
              <tr key={g.fingerprint} data-testid="error-group">
                <th scope="row" className="max-w-md">
                  <span className="line-clamp-2 break-words font-mono text-xs">{g.message ?? t("errors.noMessage")}</span>
                  <span className="mt-1 flex flex-wrap items-center gap-2">
                    <code className="text-xs text-muted-fg">{g.fingerprint}</code>
                    {g.newInVersion && <Badge tone="warning">{t("errors.newInVersion")}</Badge>}
                  </span>
                </th>
                <td className="text-right tabular-nums">{format.number(g.count)}</td>
                <td className="text-right tabular-nums">{format.number(g.users)}</td>
                <td className="text-xs">{g.versions.join(", ")}</td>
                <td className="whitespace-nowrap text-xs">
                  <DateTime value={g.lastSeen} preset="relative" />
                </td>
                <td>
                  <span className="sr-only">{t("errors.sparkline", { count: g.count, days: g.days.length })}</span>
                  <Sparkline values={g.days.map((d) => d.count)} color={g.newInVersion ? "var(--chart-4)" : "var(--chart-1)"} />
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </>
  );
}

function KeyTable({ caption, head, rows, none }: { caption: string; head: [string, string, string]; rows: [string, number, number][]; none: string }) {
  const format = useFormatter();
  if (rows.length === 0) return <EmptyState title={none} />;
  return (
    <DataTable caption={caption}>
      <thead>
        <tr>
          <th scope="col">{head[0]}</th>
          <th scope="col" className="text-right">
            {head[1]}
          </th>
          <th scope="col" className="text-right">
            {head[2]}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([key, a, b]) => (
          <tr key={key}>
            <th scope="row" className="break-all font-mono text-xs">
              {key}
            </th>
            <td className="text-right tabular-nums">{format.number(a)}</td>
            <td className="text-right tabular-nums">{format.number(b)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

export function PagesEventsView({ org }: { org: string }) {
  const t = useTranslations("analyticsInsights");
  const options = useAnalyticsFilterOptions(org);
  const [f, set] = useFilters(options.data);
  const params = paramsOf(org, f);
  const pages = usePageStats(params);
  const events = useCustomEventStats(params);
  if (!options.data) return <Loading error={options.error} />;
  if (!params) return <NoApps />;
  const csv = (name: string, text: string | null) => (
    <Button size="sm" disabled={text === null} onClick={() => text !== null && download(`${name}-${params.appId}-${params.from}-${params.to}.csv`, text)}>
      {t("downloadCsv")}
    </Button>
  );
  return (
    <>
      <FilterBar options={options.data} f={f} set={set} platform />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={t("pages.caption")} actions={csv("pages", pages.data ? pagesCsv(pages.data) : null)}>
          {pages.data ? (
            <KeyTable caption={t("pages.caption")} head={[t("pages.page"), t("pages.views"), t("pages.users")]} rows={pages.data.items.map((r) => [r.page, r.views, r.users])} none={t("pages.none")} />
          ) : (
            <Loading error={pages.error} />
          )}
        </Card>
        <Card title={t("events.caption")} actions={csv("events", events.data ? customEventsCsv(events.data) : null)}>
          {events.data ? (
            <KeyTable caption={t("events.caption")} head={[t("events.name"), t("events.count"), t("events.users")]} rows={events.data.items.map((r) => [r.name, r.count, r.users])} none={t("events.none")} />
          ) : (
            <Loading error={events.error} />
          )}
        </Card>
      </div>
      {/* Built once the pages and events are known: its first steps are the two most viewed pages. */}
      {pages.data && events.data && (
        <FunnelBuilder
          // A new mini-program or range starts a new funnel: its pages and events differ.
          key={`${params.appId}|${params.hostId ?? ""}|${params.from}`}
          org={org}
          params={params}
          pages={pages.data.items.map((p) => p.page)}
          names={events.data.items.map((e) => e.name)}
        />
      )}
    </>
  );
}

function FunnelBuilder({ org, params, pages, names }: { org: string; params: InsightParams; pages: string[]; names: string[] }) {
  const t = useTranslations("analyticsInsights.funnel");
  const tc = useTranslations("analyticsInsights");
  const format = useFormatter();
  const id = useId();
  const [steps, setSteps] = useState<string[]>(() => (pages.length >= 2 ? [`page:${pages[0]}`, `page:${pages[1]}`] : pages.length ? [`page:${pages[0]}`] : [""]));
  const funnel = useFunnel(org);
  const choices = useMemo(
    () => [...pages.map((p) => ({ key: `page:${p}`, label: t("page", { value: p }) })), ...names.map((n) => ({ key: `event:${n}`, label: t("event", { value: n }) }))],
    [pages, names, t],
  );
  const chosen = steps.filter((s) => s !== "");
  const run = () => {
    const req: FunnelRequest = {
      from: params.from,
      to: params.to,
      appId: params.appId,
      steps: chosen.map((s) => {
        const at = s.indexOf(":");
        return { type: s.slice(0, at) as "page" | "event", value: s.slice(at + 1) };
      }),
    };
    if (params.hostId) req.hostId = params.hostId;
    funnel.mutate(req);
  };
  const result = funnel.data;
  return (
    <Card
      title={t("title")}
      className="mt-4"
      actions={
        result ? (
          <Button size="sm" onClick={() => download(`funnel-${result.appId}-${result.from}-${result.to}.csv`, funnelCsv(result))}>
            {tc("downloadCsv")}
          </Button>
        ) : undefined
      }
    >
      <p className="mb-3 text-sm text-muted-fg">{t("description")}</p>
      <ol className="space-y-2">
        {steps.map((s, i) => (
          <li key={i} className="flex items-end gap-2">
            <div className="min-w-0 flex-1">
              <label htmlFor={`${id}-step-${i}`} className="mb-1 block text-xs font-medium text-muted-fg">
                {t("step", { n: i + 1 })}
              </label>
              <Select id={`${id}-step-${i}`} value={s} onChange={(e) => setSteps(steps.map((x, j) => (j === i ? e.target.value : x)))}>
                <option value="">{t("choose")}</option>
                {choices.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
              </Select>
            </div>
            <Button size="sm" variant="ghost" aria-label={t("remove", { n: i + 1 })} disabled={steps.length === 1} onClick={() => setSteps(steps.filter((_, j) => j !== i))}>
              ×
            </Button>
          </li>
        ))}
      </ol>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <Button size="sm" disabled={steps.length >= MAX_STEPS} onClick={() => setSteps([...steps, ""])}>
          {t("add")}
        </Button>
        <Button size="sm" variant="primary" disabled={chosen.length === 0 || funnel.isPending} onClick={run}>
          {t("run")}
        </Button>
        {/* A funnel reads every event of the mini-program in the range (seconds for the biggest): say it is working. */}
        <span className="text-xs text-muted-fg" role="status">
          {funnel.isPending ? t("running") : steps.length >= MAX_STEPS ? t("max", { max: MAX_STEPS }) : chosen.length === 0 ? t("empty") : null}
        </span>
      </div>
      {funnel.error && (
        <p className="mt-3 text-sm text-danger" role="alert">
          {tc("failed", { message: funnel.error.message })}
        </p>
      )}
      {result && (
        <ol className={`mt-4 space-y-3 ${funnel.isPending ? "opacity-60" : ""}`} aria-label={t("caption")} aria-live="polite" aria-busy={funnel.isPending}>
          {result.steps.map((s, i) => {
            const share = s.conversion ?? 0;
            return (
              <li key={i} data-testid="funnel-step">
                <div className="flex flex-wrap justify-between gap-x-3 text-sm">
                  <span className="min-w-0 break-all font-medium">
                    {i + 1}. {s.type === "page" ? t("page", { value: s.value }) : t("event", { value: s.value })}
                  </span>
                  <span className="tabular-nums text-muted-fg">
                    {t("sessions", { sessions: format.number(s.sessions), users: format.number(s.users) })} ·{" "}
                    {t("conversion", { value: s.conversion === null ? "—" : format.number(s.conversion, { style: "percent", maximumFractionDigits: 1 }) })}
                  </span>
                </div>
                <div className="mt-1 h-3 rounded bg-muted" aria-hidden>
                  <div className="h-3 rounded" style={{ width: `${Math.max(share * 100, s.sessions > 0 ? 1 : 0)}%`, background: "var(--chart-1)" }} />
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
