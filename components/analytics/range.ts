// The dashboard's state as it lives in the URL (range and filters), so a view can be bookmarked and shared.
// Pure functions: the component reads and writes the URL through them.
import { PLATFORMS, type Platform } from "@/db/enums";
import { addDays, daysBetween, isDay } from "@/lib/analytics/dates";
import { previousRange } from "@/lib/analytics/comparison-shared";
import type { AnalyticsFilters } from "@/lib/analytics/types";

export const RANGES = ["7", "30", "90", "custom"] as const;
export type RangeKey = (typeof RANGES)[number];
export const MAX_DAYS = 366;

export type DashboardState = AnalyticsFilters & {
  range: RangeKey;
  from: string;
  to: string;
  /** The charts overlay the previous period (`?compare=previous`). */
  compare?: boolean;
};

/** Why a custom range cannot be used as given. */
export type RangeProblem = "invalid" | "order" | "tooLong";

/** Checks a custom range; null when it can be used. */
export function rangeProblem(from: string, to: string): RangeProblem | null {
  if (!isDay(from) || !isDay(to)) return "invalid";
  const span = daysBetween(from, to) + 1;
  if (span < 1) return "order";
  return span > MAX_DAYS ? "tooLong" : null;
}

/** Days in a range, both ends included. */
export const spanDays = (from: string, to: string) => daysBetween(from, to) + 1;

const platforms: readonly string[] = PLATFORMS;

/**
 * Reads the URL; anything malformed falls back to the last 30 days and no filter, and a custom range that
 * cannot be used says why (`rejected`), so the dashboard can tell the reader instead of silently showing
 * something else. Fixed filters win.
 */
export function readState(
  sp: URLSearchParams,
  today: string,
  fixed: AnalyticsFilters = {},
): DashboardState & { rejected?: { from: string; to: string; problem: RangeProblem } } {
  const rangeParam = sp.get("range");
  let range: RangeKey = (RANGES as readonly string[]).includes(rangeParam ?? "") ? (rangeParam as RangeKey) : "30";
  let from = addDays(today, -29);
  let to = today;
  let problem: RangeProblem | null = null;
  let rejected: { from: string; to: string; problem: RangeProblem } | undefined;
  if (range === "custom") {
    const f = sp.get("from") ?? "";
    const t = sp.get("to") ?? "";
    problem = rangeProblem(f, t);
    if (!problem) {
      from = f;
      to = t;
    } else {
      range = "30";
      rejected = { from: f.slice(0, 10), to: t.slice(0, 10), problem };
    }
  } else {
    from = addDays(today, -(Number(range) - 1));
  }
  const state: DashboardState & { rejected?: { from: string; to: string; problem: RangeProblem } } = { range, from, to };
  if (rejected) state.rejected = rejected;
  const text = (k: string) => {
    const v = sp.get(k);
    return v && v.length <= 100 ? v : undefined;
  };
  const hostId = fixed.hostId ?? text("hostId");
  const appId = fixed.appId ?? text("appId");
  const platform = fixed.platform ?? (platforms.includes(sp.get("platform") ?? "") ? (sp.get("platform") as Platform) : undefined);
  // A version only means something within one mini-program.
  const version = fixed.version ?? (appId ? text("version") : undefined);
  if (hostId) state.hostId = hostId;
  if (appId) state.appId = appId;
  if (platform) state.platform = platform;
  if (version) state.version = version;
  if (sp.get("compare") === "previous") state.compare = true;
  return state;
}

/** The URL for a state, leaving out what is fixed by the page and what is the default. */
export function writeState(base: URLSearchParams, state: DashboardState, fixed: AnalyticsFilters = {}): URLSearchParams {
  const sp = new URLSearchParams(base);
  for (const k of ["range", "from", "to", "hostId", "appId", "platform", "version", "compare"]) sp.delete(k);
  if (state.range !== "30") sp.set("range", state.range);
  if (state.range === "custom") {
    sp.set("from", state.from);
    sp.set("to", state.to);
  }
  for (const k of ["hostId", "appId", "platform", "version"] as const) {
    const v = state[k];
    if (v && fixed[k] === undefined) sp.set(k, v);
  }
  if (state.compare) sp.set("compare", "previous");
  return sp;
}

/** The period of the same length just before this one: what the headline changes compare against (the API's own definition). */
export const previousPeriod = previousRange;

/** Relative change, or null when there is nothing to compare against. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

/** The colour class of a change: muted when there is none to speak of, else good or bad by the figure's sense. */
export function deltaTone(delta: number | null, goodWhenUp: boolean): "text-muted-fg" | "text-success" | "text-danger" {
  if (delta === null || Math.abs(delta) < 0.005) return "text-muted-fg";
  return delta > 0 === goodWhenUp ? "text-success" : "text-danger";
}
