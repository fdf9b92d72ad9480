// Launches, sessions, session time and errors over a range, by host, mini-program, version and platform, and per
// day, in one pass over the additive rollup (GROUPING SETS).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { Platform } from "@/db/schema";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";
import { addSums, type DailyStats, type Sums } from "./daily-stats";

export type BreakdownDimension = "host" | "miniProgram" | "version" | "platform";

export type BreakdownStats = {
  dim: BreakdownDimension;
  hostId: string | null;
  appId: string | null;
  version: string | null;
  platform: Platform | null;
} & Sums;

/**
 * The overview's additive figures in ONE pass over the rollup: per day (the daily series) and per host, mini-program,
 * version and platform over the range (the breakdowns). Two statements read the same rows twice: on PGlite, whose
 * one thread runs them one after the other, 51 + 33 ms on the 1 M-event bench database against 38 ms for this one.
 * The pass groups by day and by whole combination (host, mini-program, version, platform) only; the four breakdowns
 * are sums of those combinations, added up here. The biggest bench organization's 90 days are 56 k rows but 1,350
 * combinations: hashing every row under two keys rather than five took the statement from 58 to 39 ms (PostgreSQL).
 */
export async function getStatsByDayAndBreakdown(
  db: DbOrTx,
  scope: Scope,
  f: AnalyticsFilters,
  from: string,
  to: string,
): Promise<{ daily: DailyStats[]; breakdown: BreakdownStats[] }> {
  type Combination = { hostId: string; appId: string; version: string; platform: Platform };
  const rows = await selectRows<Sums & Partial<Combination> & { day: string | null }>(
    db,
    sql`
    SELECT day::text AS day, host_id AS "hostId", app_id AS "appId", version, platform,
      sum(launches)::float8 AS launches,
      sum(sessions)::float8 AS sessions,
      sum(session_ms)::float8 AS "sessionMs",
      sum(errors)::float8 AS errors
    FROM daily_stats
    WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date AND ${to}::date
    GROUP BY GROUPING SETS ((day), (app_id, host_id, version, platform))`,
  );
  const daily: DailyStats[] = [];
  const byKey = new Map<string, BreakdownStats>();
  const addTo = (key: string, row: Omit<BreakdownStats, keyof Sums>, r: Sums) => {
    addSums(byKey.get(key) ?? byKey.set(key, { ...row, launches: 0, sessions: 0, sessionMs: 0, errors: 0 }).get(key)!, r);
  };
  const none = { hostId: null, appId: null, version: null, platform: null };
  for (const { day, hostId, appId, version, platform, ...r } of rows) {
    if (day !== null) {
      daily.push({ day, ...r });
      continue;
    }
    addTo(`h\n${hostId}`, { dim: "host", ...none, hostId: hostId! }, r);
    addTo(`a\n${appId}`, { dim: "miniProgram", ...none, appId: appId! }, r);
    addTo(`v\n${appId}\n${version}`, { dim: "version", ...none, appId: appId!, version: version! }, r);
    addTo(`p\n${platform}`, { dim: "platform", ...none, platform: platform! }, r);
  }
  daily.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return { daily, breakdown: [...byKey.values()] };
}
