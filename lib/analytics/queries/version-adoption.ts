// Distinct users per day and version of one mini-program: which versions people actually run.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

export type VersionUsers = { day: string; version: string; users: number };

export async function getVersionUsers(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<VersionUsers[]> {
  return selectRows<VersionUsers>(
    db,
    sql`
    SELECT day::text AS day, version, count(DISTINCT user_id)::int AS users
    FROM daily_users
    WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date AND ${to}::date
    GROUP BY day, version
    ORDER BY day, version`,
  );
}
