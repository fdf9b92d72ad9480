"use client";
// The analytics charts in the console's look: every chart paired with a text summary (its accessible name) and
// its data as a real table, for screen readers, keyboard users and anyone who wants the exact numbers. The
// drawings themselves (Recharts) are in plots.tsx, loaded on demand.
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

export const CHART_COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"] as const;
/** Five distinct colours, then a neutral one: repeating a colour would make two slices look like one. */
export const chartColor = (i: number) => CHART_COLORS[i] ?? "var(--muted-fg)";

/**
 * The console's table look, narrower than the kit's: these tables have a few numeric columns and must fit
 * a 390 px screen without sideways scrolling. Row headers keep normal case (they are names and dates).
 */
export function DataTable({ caption, children, minWidth = "18rem" }: { caption: string; children: ReactNode; minWidth?: string }) {
  return (
    <div className="relative overflow-x-auto rounded-lg border border-border bg-card" tabIndex={0} role="region" aria-label={caption}>
      <table
        style={{ minWidth }}
        className="w-full text-left text-sm [&_td]:px-3 [&_td]:py-2 [&_tbody_th]:px-3 [&_tbody_th]:py-2 [&_tbody_th]:font-normal [&_thead]:border-b [&_thead]:border-border [&_thead_th]:px-3 [&_thead_th]:py-2 [&_thead_th]:text-xs [&_thead_th]:font-medium [&_thead_th]:uppercase [&_thead_th]:tracking-wide [&_thead_th]:text-muted-fg [&_tbody_tr]:border-b [&_tbody_tr]:border-border [&_tbody_tr:last-child]:border-0"
      >
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs">
      {series.map((s) => (
        <li key={s.key} className="flex items-center gap-1.5">
          {s.dashed ? (
            <span aria-hidden className="h-0 w-4 border-t-2 border-dashed" style={{ borderColor: s.color }} />
          ) : (
            <span aria-hidden className="size-3 rounded-sm" style={{ background: s.color }} />
          )}
          <span>{s.label}</span>
        </li>
      ))}
    </ul>
  );
}

export type Series = {
  key: string;
  label: string;
  color: string;
  /** Drawn dashed and muted: the previous period's overlay. */
  dashed?: boolean;
};
export type Point = Record<string, string | number | null>;

/** A chart in a card: title, the chart (its summary as accessible name), and its data behind a disclosure. */
export function ChartCard({
  title,
  summary,
  actions,
  table,
  children,
  testId,
  figure = true,
}: {
  title: ReactNode;
  summary: string;
  actions?: ReactNode;
  table?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** The children are a chart, read as one image by its summary. False for a card of controls and tables, which
   *  must stay reachable as they are (an image role hides them, and axe refuses controls inside one). */
  figure?: boolean;
}) {
  const t = useTranslations("analytics");
  return (
    <section className="min-w-0 rounded-lg border border-border bg-card" data-testid={testId}>
      <div className="flex items-start justify-between gap-2 border-b border-border px-4 py-3">
        <div className="min-w-0">
          <h2 className="text-sm font-semibold">{title}</h2>
          <p className="mt-0.5 text-xs text-muted-fg">{summary}</p>
        </div>
        {actions}
      </div>
      <div className="p-3 sm:p-4">
        {figure ? (
          <figure role="img" aria-label={summary} className="m-0">
            {children}
          </figure>
        ) : (
          children
        )}
        {table && (
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer select-none text-xs font-medium text-muted-fg hover:text-fg">{t("showData")}</summary>
            <div className="mt-2 max-h-80 overflow-y-auto">{table}</div>
          </details>
        )}
      </div>
    </section>
  );
}

/** Days down, series across: the data of a time chart as a table. */
export function SeriesTable({
  caption,
  data,
  series,
  dayLabel,
  format,
  partialFrom,
}: {
  caption: string;
  data: Point[];
  series: Series[];
  dayLabel: (day: string) => string;
  format: (n: number | null) => string;
  /** The first day that has not ended (UTC): its row says "so far". */
  partialFrom?: string;
}) {
  const t = useTranslations("analytics");
  return (
    <DataTable caption={caption}>
      <thead>
        <tr>
          <th scope="col">{t("day")}</th>
          {series.map((s) => (
            <th key={s.key} scope="col" className="text-right">
              {s.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.map((p) => (
          <tr key={String(p.day)}>
            <th scope="row" className="whitespace-nowrap">
              {dayLabel(String(p.day))}
              {partialFrom !== undefined && String(p.day) >= partialFrom && <SoFar />}
            </th>
            {series.map((s) => (
              <td key={s.key} className="text-right tabular-nums">
                {format(p[s.key] === null || p[s.key] === undefined ? null : Number(p[s.key]))}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

/** The mark of a day that has not ended: its figures are so far, not final. */
export function SoFar() {
  const t = useTranslations("analytics");
  return (
    <span className="ml-1.5 rounded bg-muted px-1 py-px text-[11px] font-normal text-muted-fg" data-testid="so-far">
      {t("soFar")}
    </span>
  );
}

/** Where a chart will be drawn, while its code loads: the same height, so nothing moves when it arrives. */
function PlotPlaceholder({ height }: { height: number }) {
  return <div style={{ height }} className="w-full animate-pulse rounded-md bg-muted" aria-hidden />;
}

// Recharts loads after the page and only on pages that draw a chart (next/dynamic, client only: the charts
// measure their container). The text summary and the data table of each chart render at once without it.
export const TimeChart = dynamic(() => import("./plots").then((m) => m.TimeChart), { ssr: false, loading: () => <PlotPlaceholder height={220} /> });
export const BarList = dynamic(() => import("./plots").then((m) => m.BarList), { ssr: false, loading: () => <PlotPlaceholder height={160} /> });
export const Donut = dynamic(() => import("./plots").then((m) => m.Donut), { ssr: false, loading: () => <PlotPlaceholder height={176} /> });
