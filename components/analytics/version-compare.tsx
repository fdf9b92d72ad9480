"use client";
// Two versions of one mini-program side by side over the dashboard's range (issue 18, item 5): by default the newest
// two with traffic (the service picks them), each choosable; the figures from the same service as
// GET /api/v1/analytics/versions/compare, the deltas b − a coloured by meaning, and the same CSV as ?format=csv.
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/form";
import { versionComparisonCsv, versionComparisonRows } from "@/lib/analytics/comparison-shared";
import { ChartCard, DataTable } from "./charts";
import type { Formats } from "./dashboard";
import { describeDelta, type DeltaKind } from "./delta";
import { download } from "./download";
import { AnalyticsRequestError, useVersionComparison } from "./use-analytics";

type MetricSense = { label: string; kind: DeltaKind; goodWhenUp: boolean; show: (n: number | null) => string };

export function VersionCompareCard({ org, appId, hostId, from, to, f }: { org: string; appId: string; hostId?: string; from: string; to: string; f: Formats }) {
  const t = useTranslations("analytics");
  const [chosen, setChosen] = useState<{ a?: string; b?: string }>({});
  const q = useVersionComparison({ org, appId, hostId, from, to, ...chosen });
  const c = q.data;
  const versions = c?.versions ?? [];
  // A version chosen but without traffic in this range (or named in the URL of another range) stays choosable.
  const optionsWith = (current: string | undefined) => (current && !versions.includes(current) ? [current, ...versions] : versions);

  const sense = (metric: string): MetricSense => {
    if (metric.startsWith("activeUsers:")) {
      const platform = metric.slice("activeUsers:".length);
      return { label: t("compare.usersOn", { platform: t.has(`platforms.${platform}`) ? t(`platforms.${platform}` as "platforms.ios") : platform }), kind: "count", goodWhenUp: true, show: f.count };
    }
    const known: Record<string, MetricSense> = {
      launches: { label: t("metrics.launches"), kind: "count", goodWhenUp: true, show: f.count },
      activeUsers: { label: t("metrics.activeUsers"), kind: "count", goodWhenUp: true, show: f.count },
      sessions: { label: t("metrics.sessions"), kind: "count", goodWhenUp: true, show: f.count },
      avgSessionMs: { label: t("metrics.avgSession"), kind: "duration", goodWhenUp: true, show: f.duration },
      errors: { label: t("metrics.errors"), kind: "count", goodWhenUp: false, show: f.count },
      errorRate: { label: t("metrics.errorRate"), kind: "ratio", goodWhenUp: false, show: f.percent },
      retentionD1: { label: t("compare.retentionD1"), kind: "ratio", goodWhenUp: true, show: f.percent },
      retentionD7: { label: t("compare.retentionD7"), kind: "ratio", goodWhenUp: true, show: f.percent },
    };
    return known[metric] ?? { label: metric, kind: "count", goodWhenUp: true, show: f.count };
  };

  // Choosing on one side the version shown on the other swaps them, rather than asking for a version against itself.
  const pick = (side: "a" | "b", v: string) => {
    const next = { a: c?.a.version ?? chosen.a, b: c?.b.version ?? chosen.b };
    const other = side === "a" ? "b" : "a";
    if (next[other] === v) next[other] = next[side];
    next[side] = v;
    setChosen(next);
  };
  const summary = c ? t("compare.versionsSummary", { a: c.a.version, b: c.b.version, from: f.dayLong(c.from), to: f.dayLong(c.to) }) : t("loading");

  return (
    <ChartCard
      testId="version-compare"
      figure={false}
      title={t("compare.versionsTitle")}
      summary={summary}
      actions={
        <Button size="sm" disabled={!c} onClick={() => c && download(`versions-${c.appId}-${c.a.version}-vs-${c.b.version}-${c.from}-${c.to}.csv`, versionComparisonCsv(c))} data-testid="export-versions">
          {t("compare.exportVersions")}
        </Button>
      }
    >
      <div className="mb-3 grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-end">
        {(["a", "b"] as const).map((side) => (
          <label key={side} className="min-w-0 text-xs text-muted-fg sm:w-48">
            {side === "a" ? t("compare.baseline") : t("compare.comparedWith")}
            <Select value={c?.[side].version ?? chosen[side] ?? ""} onChange={(e) => pick(side, e.target.value)} className="mt-0.5" data-testid={`compare-version-${side}`} disabled={!c}>
              {optionsWith(c?.[side].version ?? chosen[side]).map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </Select>
          </label>
        ))}
      </div>
      {q.error ? (
        <p role="alert" className="text-sm text-danger" data-testid="version-compare-error">
          {q.error instanceof AnalyticsRequestError && q.error.status === 422 ? t("compare.needTwo") : q.error instanceof AnalyticsRequestError && q.error.status === 404 ? t("notFound") : t("loadError")}
        </p>
      ) : !c ? (
        <div className="h-40 animate-pulse rounded-md bg-muted" aria-hidden />
      ) : (
        <div className={q.isPlaceholderData ? "opacity-50" : ""} aria-busy={q.isPlaceholderData}>
          <DataTable caption={t("compare.versionsTitle")} minWidth="20rem">
            <thead>
              <tr>
                <th scope="col">{t("compare.metric")}</th>
                <th scope="col" className="text-right">
                  {c.a.version}
                </th>
                <th scope="col" className="text-right">
                  {c.b.version}
                </th>
                <th scope="col" className="text-right">
                  {t("compare.change")}
                </th>
              </tr>
            </thead>
            <tbody>
              {versionComparisonRows(c).map((r) => {
                const m = sense(r.metric);
                const d = describeDelta(r.b, r.a, m.kind, m.goodWhenUp, f.deltas);
                return (
                  <tr key={r.metric} data-metric={r.metric}>
                    <th scope="row">{m.label}</th>
                    <td className="text-right tabular-nums">{m.show(r.a)}</td>
                    <td className="text-right tabular-nums">{m.show(r.b)}</td>
                    <td className={`text-right tabular-nums ${d.tone}`} data-delta={d.value ?? ""}>
                      {d.value === null ? d.absolute : `${d.absolute} (${d.relative})`}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </DataTable>
        </div>
      )}
    </ChartCard>
  );
}
