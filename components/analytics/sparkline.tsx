"use client";
// A tiny per-day line for a table row (error groups): drawn with Recharts like the other charts, decorative (its
// figures are in the row's text and in the accessible name its caller gives it).
import { Line, LineChart, ResponsiveContainer, YAxis } from "recharts";

export function Sparkline({ values, color = "var(--chart-1)" }: { values: number[]; color?: string }) {
  const data = values.map((v, i) => ({ i, v }));
  return (
    <div className="h-7 w-24" aria-hidden>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
          <YAxis hide domain={[0, "dataMax"]} />
          <Line type="monotone" dataKey="v" stroke={color} strokeWidth={1.5} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
