"use client";
// Recharts wrappers in the console's look: colours from the --chart-N variables (light and dark), and every
// chart paired with a text summary (its accessible name) and its data as a real table, for screen readers,
// keyboard users and anyone who wants the exact numbers.
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

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
          <span aria-hidden className="size-3 rounded-sm" style={{ background: s.color }} />
          <span>{s.label}</span>
        </li>
      ))}
    </ul>
  );
}

export type Series = { key: string; label: string; color: string };
export type Point = Record<string, string | number | null>;

const AXIS_TICK = { fill: "var(--muted-fg)", fontSize: 11 };
const TOOLTIP = {
  contentStyle: { background: "var(--card)", border: "1px solid var(--border)", borderRadius: 8, color: "var(--fg)", fontSize: 12 },
  labelStyle: { color: "var(--fg)", fontWeight: 600 },
  itemStyle: { color: "var(--fg)" },
  cursor: { stroke: "var(--border)" },
};

/** A chart in a card: title, the chart (its summary as accessible name), and its data behind a disclosure. */
export function ChartCard({
  title,
  summary,
  actions,
  table,
  children,
  testId,
}: {
  title: ReactNode;
  summary: string;
  actions?: ReactNode;
  table?: ReactNode;
  children: ReactNode;
  testId?: string;
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
        <figure role="img" aria-label={summary} className="m-0">
          {children}
        </figure>
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
export function SeriesTable({ caption, data, series, dayLabel, format }: { caption: string; data: Point[]; series: Series[]; dayLabel: (day: string) => string; format: (n: number | null) => string }) {
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

export function TimeChart({
  data,
  series,
  kind = "line",
  format,
  axisFormat,
  dayLabel,
  height = 220,
}: {
  data: Point[];
  series: Series[];
  kind?: "line" | "area" | "share";
  /** For tooltips: the full value. */
  format: (n: number) => string;
  /** For the value axis, where space is short; defaults to `format`. */
  axisFormat?: (n: number) => string;
  dayLabel: (day: string) => string;
  height?: number;
}) {
  const common = {
    data,
    margin: { top: 8, right: 8, bottom: 0, left: 0 },
  };
  const axes = (
    <>
      <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="day" tickFormatter={dayLabel} tick={AXIS_TICK} tickLine={false} axisLine={{ stroke: "var(--border)" }} minTickGap={24} />
      <YAxis
        tick={AXIS_TICK}
        tickLine={false}
        axisLine={false}
        width={48}
        tickFormatter={(v: number) => (kind === "share" ? `${Math.round(v * 100)}%` : (axisFormat ?? format)(v))}
      />
      <Tooltip
        {...TOOLTIP}
        labelFormatter={(label) => dayLabel(String(label))}
        formatter={(value, name) => [value === null || value === undefined ? "—" : format(Number(value)), name]}
      />
    </>
  );
  return (
    <>
      <div style={{ height }} className="w-full">
        <ResponsiveContainer width="100%" height="100%">
          {kind === "line" ? (
            <LineChart {...common}>
              {axes}
              {series.map((s) => (
                <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
              ))}
            </LineChart>
          ) : (
            <AreaChart {...common} stackOffset={kind === "share" ? "expand" : undefined}>
              {axes}
              {series.map((s) => (
                <Area
                  key={s.key}
                  type="monotone"
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  fill={s.color}
                  fillOpacity={kind === "share" ? 0.75 : 0.15}
                  strokeWidth={2}
                  stackId={kind === "share" ? "share" : undefined}
                  isAnimationActive={false}
                />
              ))}
            </AreaChart>
          )}
        </ResponsiveContainer>
      </div>
      {series.length > 1 && <Legend series={series} />}
    </>
  );
}

/** Horizontal bars, longest first: top lists read best this way on a phone. */
export function BarList({ rows, format, height }: { rows: { label: string; value: number }[]; format: (n: number) => string; height?: number }) {
  return (
    <div style={{ height: height ?? Math.max(120, rows.length * 36 + 16) }} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={AXIS_TICK} tickLine={false} axisLine={false} tickFormatter={(v: number) => format(v)} />
          <YAxis type="category" dataKey="label" tick={AXIS_TICK} tickLine={false} axisLine={false} width={96} />
          <Tooltip {...TOOLTIP} cursor={{ fill: "var(--muted)" }} formatter={(value) => format(Number(value))} />
          <Bar dataKey="value" radius={[0, 4, 4, 0]} isAnimationActive={false}>
            {rows.map((r, i) => (
              <Cell key={r.label} fill={chartColor(i)} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function Donut({ rows: unsorted, format }: { rows: { label: string; value: number }[]; format: (n: number) => string }) {
  const rows = [...unsorted].sort((a, b) => b.value - a.value);
  const total = rows.reduce((a, r) => a + r.value, 0);
  return (
    <div className="flex flex-col items-center gap-3 sm:flex-row">
      <div className="h-44 w-44 shrink-0">
        <ResponsiveContainer width="100%" height="100%">
          <PieChart>
            <Pie data={rows} dataKey="value" nameKey="label" innerRadius="58%" outerRadius="95%" paddingAngle={1} isAnimationActive={false} stroke="var(--card)">
              {rows.map((r, i) => (
                <Cell key={r.label} fill={chartColor(i)} />
              ))}
            </Pie>
            <Tooltip {...TOOLTIP} formatter={(value) => format(Number(value))} />
          </PieChart>
        </ResponsiveContainer>
      </div>
      <ul className="w-full min-w-0 space-y-1.5 text-sm">
        {rows.map((r, i) => (
          <li key={r.label} className="flex items-center gap-2">
            <span aria-hidden className="size-3 shrink-0 rounded-sm" style={{ background: chartColor(i) }} />
            <span className="min-w-0 flex-1 truncate">{r.label}</span>
            <span className="tabular-nums text-muted-fg">{total > 0 ? `${((r.value / total) * 100).toFixed(1)}%` : "—"}</span>
            <span className="w-16 text-right tabular-nums">{format(r.value)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
