// How a change between two figures reads on a card or in a comparison table (issue 18): the absolute difference in
// the figure's own unit (a count, a duration, percentage points for a rate), the relative change, an arrow, and a
// tone that respects meaning (more errors is bad). "—" when there is no base to compare against (0 or unknown).
// Pure: the dashboard passes its locale's number formatters in.
import { delta, relativeChange } from "@/lib/analytics/comparison-shared";
import { deltaTone } from "./range";

export type DeltaKind = "count" | "duration" | "ratio";

export type DeltaFormatters = {
  count: (n: number) => string;
  duration: (ms: number) => string;
  /** A relative change, unsigned: 0.123 → "12.3%". */
  percent: (n: number) => string;
  /** Percentage points, unsigned: 0.004 → "0.4 pp". */
  points: (n: number) => string;
};

export type DeltaView = {
  /** "+1,234", "−12s", "+0.4 pp"; "—" without a base. */
  absolute: string;
  /** "+12.3%"; "—" without a base. */
  relative: string;
  arrow: "▲" | "▼" | "";
  tone: ReturnType<typeof deltaTone>;
  /** b − a (current − previous), or null without a base. */
  value: number | null;
};

export const NO_BASE = "—";
const MINUS = "−";

const signed = (n: number, text: string) => (n > 0 ? `+${text}` : n < 0 ? `${MINUS}${text}` : text);

/** The change from `base` to `value` (previous → current, or version a → b). */
export function describeDelta(value: number | null, base: number | null, kind: DeltaKind, goodWhenUp: boolean, f: DeltaFormatters): DeltaView {
  const rel = relativeChange(value, base);
  const abs = delta(value, base);
  // Without a base (0 or unknown) there is no change to speak of, not an infinite one.
  if (rel === null || abs === null) return { absolute: NO_BASE, relative: NO_BASE, arrow: "", tone: "text-muted-fg", value: null };
  const magnitude = Math.abs(abs);
  const shown = kind === "count" ? f.count(magnitude) : kind === "duration" ? f.duration(magnitude) : f.points(magnitude * 100);
  // A change that rounds to nothing ("0 s", "0 pp") carries no sign.
  const absolute = /[1-9]/.test(shown) ? signed(abs, shown) : shown;
  return {
    absolute,
    relative: signed(rel, f.percent(Math.abs(rel))),
    arrow: abs > 0 ? "▲" : abs < 0 ? "▼" : "",
    tone: deltaTone(rel, goodWhenUp),
    value: abs,
  };
}
