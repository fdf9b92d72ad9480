// CSV of what a dashboard shows: the daily figures, and the breakdown rows, through the console's one encoder
// (lib/csv.ts: RFC 4180 quoting and the formula-injection guard, since names come from users).
import { toCsv, type CsvValue } from "@/lib/csv";
import type { CustomEventStats, DayFigures, ErrorGroups, Funnel, Overview, PageStats, Totals } from "./types";

/** What the `note` column says of a day that has not ended: its figures are so far, not final. */
export const PARTIAL_NOTE = "so far";

/**
 * The columns of one day's figures, and a day's cells in that order: the daily CSV, and the comparison's. A retention
 * figure whose window is still open is null, so its cell stays empty rather than reading 0.
 */
export const DAY_COLUMNS = ["day", "launches", "activeUsers", "mau", "sessions", "avgSessionMs", "errors", "errorRate", "newUsers", "retentionD1", "retentionD7", "note"];
export const dayCells = (d: DayFigures): CsvValue[] => [
  d.day,
  d.launches,
  d.activeUsers,
  d.mau,
  d.sessions,
  d.avgSessionMs,
  d.errors,
  d.errorRate,
  d.newUsers,
  d.retentionD1,
  d.retentionD7,
  d.partial ? PARTIAL_NOTE : "",
];

export function daysCsv(o: Overview): string {
  return toCsv(DAY_COLUMNS, o.days.map(dayCells));
}

const totalsCells = (t: Totals): CsvValue[] => [t.launches, t.activeUsers, t.sessions, t.avgSessionMs, t.errors, t.errorRate];

export function breakdownCsv(o: Overview): string {
  return toCsv(
    ["dimension", "key", "name", "launches", "activeUsers", "sessions", "avgSessionMs", "errors", "errorRate"],
    [
      ["total", "", "", ...totalsCells(o.totals)],
      ...o.breakdown.host.map((r): CsvValue[] => ["host", r.hostId, r.name, ...totalsCells(r)]),
      ...o.breakdown.miniProgram.map((r): CsvValue[] => ["miniProgram", r.appId, r.name, ...totalsCells(r)]),
      ...o.breakdown.version.map((r): CsvValue[] => ["version", r.key, r.version, ...totalsCells(r)]),
      ...o.breakdown.platform.map((r): CsvValue[] => ["platform", r.platform, r.platform, ...totalsCells(r)]),
    ],
  );
}

// Issue 18's views, as the API's `?format=csv` and the console's download buttons answer them.
export function errorGroupsCsv(g: ErrorGroups): string {
  return toCsv(
    ["fingerprint", "message", "count", "users", "firstSeen", "lastSeen", "versions", "newInVersion"],
    g.items.map((i) => [i.fingerprint, i.message, i.count, i.users, i.firstSeen, i.lastSeen, i.versions.join(" "), i.newInVersion]),
  );
}

export function pagesCsv(p: PageStats): string {
  return toCsv(["page", "views", "users"], p.items.map((i) => [i.page, i.views, i.users]));
}

export function customEventsCsv(e: CustomEventStats): string {
  return toCsv(["name", "count", "users"], e.items.map((i) => [i.name, i.count, i.users]));
}

export function funnelCsv(f: Funnel): string {
  return toCsv(["step", "type", "value", "sessions", "users", "conversion"], f.steps.map((s, i) => [i + 1, s.type, s.value, s.sessions, s.users, s.conversion]));
}
