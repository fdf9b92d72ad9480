// Active users per day and MAU (distinct users over the 30 days ending on each day), from the distinct
// user-day set. MAU is not a sum of daily counts: each user-day "covers" the 30 days from it, up to the user's
// next active day, so the spans of one user never overlap; a running sum of span starts and ends then counts
// every user once on each day they are within 30 days of activity. One pass, however long the range.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

export type DailyUsers = { day: string; activeUsers: number; mau: number };

export const MAU_WINDOW_DAYS = 30;

export async function getDailyUsers(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<DailyUsers[]> {
  const lookback = MAU_WINDOW_DAYS - 1;
  return selectRows<DailyUsers>(
    db,
    sql`
    WITH ud AS (
      SELECT DISTINCT user_id, day FROM daily_users
      WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date - ${lookback}::int AND ${to}::date
    ),
    spans AS (
      SELECT day, least(day + ${MAU_WINDOW_DAYS}::int, lead(day) OVER (PARTITION BY user_id ORDER BY day)) AS ends FROM ud
    ),
    deltas AS (
      SELECT d, sum(delta) AS delta FROM (
        SELECT day AS d, 1 AS delta FROM spans
        UNION ALL
        SELECT ends, -1 FROM spans
      ) x GROUP BY d
    ),
    series AS (
      SELECT generate_series(${from}::date - ${lookback}::int, ${to}::date, interval '1 day')::date AS d
    ),
    running AS (
      SELECT s.d, sum(coalesce(deltas.delta, 0)) OVER (ORDER BY s.d) AS mau
      FROM series s LEFT JOIN deltas ON deltas.d = s.d
    ),
    dau AS (
      SELECT day, count(*) AS n FROM ud WHERE day >= ${from}::date GROUP BY day
    )
    SELECT r.d::text AS day, coalesce(dau.n, 0)::int AS "activeUsers", r.mau::int AS mau
    FROM running r LEFT JOIN dau ON dau.day = r.d
    WHERE r.d >= ${from}::date
    ORDER BY r.d`,
  );
}
