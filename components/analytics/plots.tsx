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
