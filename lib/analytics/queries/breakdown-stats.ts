// Launches, sessions, session time and errors over a range, by host, mini-program, version and platform,
// in one pass over the additive rollup (GROUPING SETS).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { Platform } from "@/db/schema";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

export type BreakdownDimension = "host" | "miniProgram" | "version" | "platform";

export type BreakdownStats = {
  dim: BreakdownDimension;
  hostId: string | null;
  appId: string | null;
  version: string | null;
  platform: Platform | null;
  launches: number;
  sessions: number;
  sessionMs: number;
  errors: number;
};

/** Which grouping set a row belongs to; shared with the distinct-user breakdown. */
export const DIMENSION_LABEL = sql.raw(`CASE
      WHEN GROUPING(host_id) = 0 THEN 'host'
      WHEN GROUPING(version) = 0 THEN 'version'
      WHEN GROUPING(app_id) = 0 THEN 'miniProgram'
      ELSE 'platform' END`);

export const DIMENSION_SETS = sql.raw(`GROUPING SETS ((host_id), (app_id), (app_id, version), (platform))`);

export async function getBreakdownStats(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<BreakdownStats[]> {
  return selectRows<BreakdownStats>(
    db,
    sql`
    SELECT ${DIMENSION_LABEL} AS dim, host_id AS "hostId", app_id AS "appId", version, platform,
      sum(launches)::float8 AS launches,
      sum(sessions)::float8 AS sessions,
      sum(session_ms)::float8 AS "sessionMs",
      sum(errors)::float8 AS errors
    FROM daily_stats
    WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date AND ${to}::date
    GROUP BY ${DIMENSION_SETS}`,
  );
}
