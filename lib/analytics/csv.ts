// CSV of what a dashboard shows: the daily figures, and the breakdown rows. RFC 4180 quoting, and a guard
// against spreadsheet formula injection, since names come from users.
import type { Overview, Totals } from "./types";

type Cell = string | number | null | undefined;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "number" ? String(value) : value;
  // A cell starting with = + - @ (or a tab/CR) would run as a formula in Excel and friends.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** What the `note` column says of a day that has not ended: its figures are so far, not final. */
export const PARTIAL_NOTE = "so far";

export function daysCsv(o: Overview): string {
  // A retention figure whose window is still open is null, so its cell stays empty rather than reading 0.
  return toCsv(
    ["day", "launches", "activeUsers", "mau", "sessions", "avgSessionMs", "errors", "errorRate", "newUsers", "retentionD1", "retentionD7", "note"],
    o.days.map((d) => [
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
    ]),
  );
}

const totalsCells = (t: Totals): Cell[] => [t.launches, t.activeUsers, t.sessions, t.avgSessionMs, t.errors, t.errorRate];

export function breakdownCsv(o: Overview): string {
  return toCsv(
    ["dimension", "key", "name", "launches", "activeUsers", "sessions", "avgSessionMs", "errors", "errorRate"],
    [
      ["total", "", "", ...totalsCells(o.totals)],
      ...o.breakdown.host.map((r): Cell[] => ["host", r.hostId, r.name, ...totalsCells(r)]),
      ...o.breakdown.miniProgram.map((r): Cell[] => ["miniProgram", r.appId, r.name, ...totalsCells(r)]),
      ...o.breakdown.version.map((r): Cell[] => ["version", r.key, r.version, ...totalsCells(r)]),
      ...o.breakdown.platform.map((r): Cell[] => ["platform", r.platform, r.platform, ...totalsCells(r)]),
    ],
  );
}
