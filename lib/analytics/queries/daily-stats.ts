// Launches, sessions, session time and errors per UTC day: sums of the additive rollup.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

/** The additive rollup's figures, summed over some of its rows. */
export type Sums = { launches: number; sessions: number; sessionMs: number; errors: number };

export type DailyStats = { day: string } & Sums;

/** Adds `r`'s figures to `into`'s. */
export function addSums(into: Sums, r: Sums): void {
  into.launches += r.launches;
  into.sessions += r.sessions;
  into.sessionMs += r.sessionMs;
  into.errors += r.errors;
}

export async function getDailyStats(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<DailyStats[]> {
  return selectRows<DailyStats>(
    db,
    sql`
    SELECT day::text AS day,
      sum(launches)::float8 AS launches,
      sum(sessions)::float8 AS sessions,
      sum(session_ms)::float8 AS "sessionMs",
      sum(errors)::float8 AS errors
    FROM daily_stats
    WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date AND ${to}::date
    GROUP BY day
    ORDER BY day`,
  );
}
