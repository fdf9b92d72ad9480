// Comparisons of analytics figures (issue 18, items 5 and 6): the previous period of a range, two versions of one
// mini-program side by side, and their CSV. Pure and free of server imports: the API, the console's data route
// and the console's Download buttons all use these, so a CSV downloaded in the browser and one fetched with
// `?format=csv` carry the same numbers as the JSON.
import { toCsv, type CsvValue } from "@/lib/csv";
import { DAY_COLUMNS, dayCells } from "./csv";
import { addDays, daysBetween } from "./dates";
import type { DayFigures, Overview, PlatformRow, Totals } from "./types";

/** The N days just before a range of N days: what "compare with the previous period" compares against. */
export function previousRange(from: string, to: string): { from: string; to: string } {
  const days = daysBetween(from, to) + 1;
  return { from: addDays(from, -days), to: addDays(from, -1) };
}

/** The previous period as `GET /api/v1/analytics/overview?compare=previous` answers it: the overview's shapes. */
export type PreviousPeriod = {
  from: string;
  to: string;
  totals: Totals;
  days: DayFigures[];
  retention: { d1: number | null; d7: number | null };
};

export type OverviewWithPrevious = Overview & { previous?: PreviousPeriod };

/** The figures of one version over the range, as `GET /api/v1/analytics/versions/compare` answers them. */
export type VersionFigures = {
  version: string;
  totals: Totals;
  /** Retention over the range (cohorts whose first launch was on this version), weighted by cohort size. */
  retention: { d1: number | null; d7: number | null };
  /** Users (and the other totals) of this version by platform. */
  platforms: PlatformRow[];
};

export type VersionComparison = {
  appId: string;
  hostId?: string;
  from: string;
  to: string;
  /** Versions of the mini-program with any event in the range (and on the host), newest first. */
  versions: string[];
  /** The baseline (by default the second newest version with traffic). */
  a: VersionFigures;
  /** Compared with the baseline (by default the newest version with traffic); deltas are b − a. */
  b: VersionFigures;
};

export const TOTAL_METRICS = ["launches", "activeUsers", "sessions", "avgSessionMs", "errors", "errorRate"] as const satisfies readonly (keyof Totals)[];

/** Absolute difference, or null when either side is unknown. */
export function delta(current: number | null, previous: number | null): number | null {
  return current === null || previous === null ? null : current - previous;
}

/** Relative change, or null when there is nothing to compare against (previous 0 or unknown). */
export function relativeChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

/**
 * The daily figures of the range and of its previous period, one row per day, `period` saying which and `offset`
 * the day's position within its period (0 for the first day): rows of the same offset are the ones the charts'
 * overlay draws over each other.
 */
export function previousDaysCsv(o: Overview, previous: PreviousPeriod): string {
  return toCsv(
    ["period", "offset", ...DAY_COLUMNS],
    [
      ...o.days.map((d, i): CsvValue[] => ["current", i, ...dayCells(d)]),
      ...previous.days.map((d, i): CsvValue[] => ["previous", i, ...dayCells(d)]),
    ],
  );
}

/** The totals of the range against its previous period: what the headline cards show. */
export function previousTotalsCsv(o: Overview, previous: PreviousPeriod): string {
  return toCsv(
    ["metric", "current", "previous", "delta", "change"],
    [
      ["from", o.from, previous.from, "", ""],
      ["to", o.to, previous.to, "", ""],
      ...TOTAL_METRICS.map((m): CsvValue[] => [m, o.totals[m], previous.totals[m], delta(o.totals[m], previous.totals[m]), relativeChange(o.totals[m], previous.totals[m])]),
      ["retentionD1", o.retention.d1, previous.retention.d1, delta(o.retention.d1, previous.retention.d1), relativeChange(o.retention.d1, previous.retention.d1)],
      ["retentionD7", o.retention.d7, previous.retention.d7, delta(o.retention.d7, previous.retention.d7), relativeChange(o.retention.d7, previous.retention.d7)],
    ],
  );
}

/** The totals of a range alone, one metric a row. */
export function totalsCsv(o: Overview): string {
  return toCsv(
    ["metric", "value"],
    [...TOTAL_METRICS.map((m): CsvValue[] => [m, o.totals[m]]), ["retentionD1", o.retention.d1], ["retentionD7", o.retention.d7]],
  );
}

/** The rows of a version comparison, metric by metric, then users by platform; used by the CSV and the console alike. */
export function versionComparisonRows(c: VersionComparison): { metric: string; a: number | null; b: number | null }[] {
  const rows: { metric: string; a: number | null; b: number | null }[] = TOTAL_METRICS.map((m) => ({ metric: m, a: c.a.totals[m], b: c.b.totals[m] }));
  rows.push({ metric: "retentionD1", a: c.a.retention.d1, b: c.b.retention.d1 }, { metric: "retentionD7", a: c.a.retention.d7, b: c.b.retention.d7 });
  const platforms = [...new Set([...c.a.platforms, ...c.b.platforms].map((p) => p.platform))].sort();
  for (const p of platforms) {
    rows.push({
      metric: `activeUsers:${p}`,
      a: c.a.platforms.find((r) => r.platform === p)?.activeUsers ?? 0,
      b: c.b.platforms.find((r) => r.platform === p)?.activeUsers ?? 0,
    });
  }
  return rows;
}

export function versionComparisonCsv(c: VersionComparison): string {
  return toCsv(
    ["metric", "a", "b", "delta", "change"],
    [
      ["version", c.a.version, c.b.version, "", ""],
      ["from", c.from, c.from, "", ""],
      ["to", c.to, c.to, "", ""],
      ...versionComparisonRows(c).map((r): CsvValue[] => [r.metric, r.a, r.b, delta(r.b, r.a), relativeChange(r.b, r.a)]),
    ],
  );
}
