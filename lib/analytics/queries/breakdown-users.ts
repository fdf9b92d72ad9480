// Distinct users over a range, by host, mini-program, version and platform: each row counts a user once
// however many days, versions or platforms they used within it.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { Platform } from "@/db/schema";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";
import type { BreakdownDimension } from "./breakdown-stats";

/** Which grouping set a row belongs to. */
const DIMENSION_LABEL = sql.raw(`CASE
      WHEN GROUPING(host_id) = 0 THEN 'host'
      WHEN GROUPING(version) = 0 THEN 'version'
      WHEN GROUPING(app_id) = 0 THEN 'miniProgram'
      ELSE 'platform' END`);

/** The breakdowns' grouping sets, in the order DIMENSION_LABEL tells them apart. */
const DIMENSION_SETS = sql.raw("GROUPING SETS ((host_id), (app_id), (app_id, version), (platform))");

export type BreakdownUsers = {
  dim: BreakdownDimension;
  hostId: string | null;
  appId: string | null;
  version: string | null;
  platform: Platform | null;
  activeUsers: number;
};

export async function getBreakdownUsers(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<BreakdownUsers[]> {
  return selectRows<BreakdownUsers>(
    db,
    sql`
    SELECT ${DIMENSION_LABEL} AS dim, host_id AS "hostId", app_id AS "appId", version, platform,
      count(DISTINCT user_id)::int AS "activeUsers"
    FROM daily_users
    WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date AND ${to}::date
    GROUP BY ${DIMENSION_SETS}`,
  );
}
