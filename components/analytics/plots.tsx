"use client";
// The Recharts drawings of the analytics charts, split from charts.tsx so that Recharts (about 140 KB gzipped)
// loads after the page, only where a chart is drawn: charts.tsx loads these with next/dynamic. Colours come from
// the --chart-N variables (light and dark).
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
  ReferenceArea,
  ReferenceDot,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { chartColor, Legend, type Point, type Series } from "./charts";

const AXIS_TICK = { fill: "var(--muted-fg)", fontSize: 11 };
const TOOLTIP = {
  contentStyle: { background: "var(--card)", border: "1px solid var(--border)", borderRadius: 8, color: "var(--fg)", fontSize: 12 },
  labelStyle: { color: "var(--fg)", fontWeight: 600 },
  itemStyle: { color: "var(--fg)" },
  cursor: { stroke: "var(--border)" },
};

/** The key of a series' dashed tail over the days that have not ended. */
const tailKey = (key: string) => `${key}~sofar`;

/**
 * Splits each series at the last complete day: solid up to it, dashed from it on over the days that have not ended
 * (issue 13: today's partial figures are not a cliff). The two meet at the last complete day, so the line is unbroken.
 */
export function splitPartial(data: Point[], series: Series[], partialFrom: string | undefined): { data: Point[]; lastComplete: number } {
  const first = partialFrom === undefined ? -1 : data.findIndex((p) => String(p.day) >= partialFrom);
  if (first < 0) return { data, lastComplete: data.length - 1 };
  const lastComplete = first - 1;
  return {
    lastComplete,
    data: data.map((p, i) => {
      const q: Point = { ...p };
      for (const s of series) {
        q[tailKey(s.key)] = i >= Math.max(lastComplete, 0) ? (p[s.key] ?? null) : null;
        if (i > lastComplete) q[s.key] = null;
      }
      return q;
    }),
  };
}

export type ChartMarker = { day: string; key: string; label: string };

export function TimeChart({
  data: rawData,
  series,
  kind = "line",
  format,
  axisFormat,
  dayLabel,
  height = 220,
  partialFrom,
  soFarLabel,
  markers = [],
  overlay = [],
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
  /** The first day that has not ended (UTC): from there on the figures are so far. */
  partialFrom?: string;
  /** "so far", for the tooltip and the shaded days. */
  soFarLabel?: string;
  /** Days to mark with a dot on one series' line (anomalies), each with the words the tooltip adds for that day. */
  markers?: ChartMarker[];
  /**
   * Series drawn dashed and muted over the others, aligned by position (the previous period, issue 18): their keys
   * are in `data`, and each point may carry `prev:day`, the day the overlay's value belongs to.
   */
  overlay?: Series[];
}) {
  // A stacked share chart cannot be split per series; it shades the days that have not ended instead.
  const split = kind !== "share";
  const { data, lastComplete } = split ? splitPartial(rawData, series, partialFrom) : { data: rawData, lastComplete: rawData.length - 1 };
  const partialDays = partialFrom === undefined ? [] : rawData.filter((p) => String(p.day) >= partialFrom).map((p) => String(p.day));
  const isPartial = (day: unknown) => partialFrom !== undefined && String(day) >= partialFrom;
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
        content={({ active, payload, label }) => {
          if (!active || !payload?.length) return null;
          // Where solid and dashed meet both carry the value: each series shows once.
          const seen = new Set<string>();
          const rows = payload.filter((p) => {
            const key = String(p.dataKey).replace(/~sofar$/, "");
            if (p.value === null || p.value === undefined || seen.has(key)) return false;
            seen.add(key);
            return true;
          });
          return (
            <div style={TOOLTIP.contentStyle} className="px-2.5 py-1.5">
              <p style={TOOLTIP.labelStyle}>
                {dayLabel(String(label))}
                {isPartial(label) && soFarLabel ? ` · ${soFarLabel}` : ""}
              </p>
              <ul>
                {rows.map((p) => (
                  <li key={String(p.dataKey)} className="flex items-center gap-1.5">
                    <span aria-hidden className="size-2 rounded-sm" style={{ background: p.color }} />
                    {p.name}
                    {String(p.dataKey).startsWith("prev:") && (p.payload as Point | undefined)?.["prev:day"] ? ` (${dayLabel(String((p.payload as Point)["prev:day"]))})` : ""}: {format(Number(p.value))}
                  </li>
                ))}
              </ul>
              {markers.some((m) => m.day === String(label)) && (
                <ul className="mt-1 max-w-72 border-t border-border pt-1" data-testid="chart-marker-tooltip">
                  {markers
                    .filter((m) => m.day === String(label))
                    .map((m) => (
                      <li key={m.label} className="flex items-start gap-1.5 text-danger">
                        <span aria-hidden className="mt-1 size-2 shrink-0 rounded-full bg-danger" />
                        <span className="whitespace-normal">{m.label}</span>
                      </li>
                    ))}
                </ul>
              )}
            </div>
          );
        }}
      />
      {markers.map((m) => {
        const y = rawData.find((p) => String(p.day) === m.day)?.[m.key];
        return typeof y === "number" ? (
          <ReferenceDot key={`${m.day}|${m.key}|${m.label}`} x={m.day} y={y} r={5} fill="var(--danger)" stroke="var(--card)" strokeWidth={2} ifOverflow="extendDomain" className="anomaly-marker" />
        ) : null;
      })}
      {partialDays.length > 0 && (
        <ReferenceArea
          x1={rawData[Math.max(lastComplete, 0)]?.day ?? partialDays[0]}
          x2={partialDays.at(-1)}
          fill="var(--muted)"
          fillOpacity={0.5}
          ifOverflow="extendDomain"
          label={soFarLabel ? { value: soFarLabel, position: "insideTopRight", fill: "var(--muted-fg)", fontSize: 10 } : undefined}
        />
      )}
    </>
  );
  const tails = split && lastComplete < rawData.length - 1;
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
              {tails &&
                series.map((s) => (
                  <Line
                    key={tailKey(s.key)}
                    type="monotone"
                    dataKey={tailKey(s.key)}
                    name={s.label}
                    stroke={s.color}
                    strokeWidth={2}
                    strokeDasharray="4 4"
                    dot={false}
                    legendType="none"
                    isAnimationActive={false}
                  />
                ))}
              {overlay.map((s) => (
                <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={1.5} strokeDasharray="6 4" strokeOpacity={0.85} dot={false} connectNulls isAnimationActive={false} className="previous-period" />
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
              {tails &&
                series.map((s) => (
                  <Area
                    key={tailKey(s.key)}
                    type="monotone"
                    dataKey={tailKey(s.key)}
                    name={s.label}
                    stroke={s.color}
                    strokeDasharray="4 4"
                    fill={s.color}
                    fillOpacity={0.05}
                    strokeWidth={2}
                    legendType="none"
                    isAnimationActive={false}
                  />
                ))}
              {overlay.map((s) => (
                <Area key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={1.5} strokeDasharray="6 4" strokeOpacity={0.85} fill="none" fillOpacity={0} connectNulls isAnimationActive={false} className="previous-period" />
              ))}
            </AreaChart>
          )}
        </ResponsiveContainer>
      </div>
      {series.length + overlay.length > 1 && <Legend series={[...series, ...overlay]} />}
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
