// Every mini-program × host series of an organization, per UTC day: launches and errors summed from the additive
// rollup, active users counted distinct from the user-day set (a user on two versions or platforms in one day
// counts once). Exact, and never a raw event.
// Both group by (day, app_id, host_id): the order of the rollups' primary keys, so the user-days come off the index
// already in their groups and only each group's users are sorted for the distinct count, not all of the rows. The
// organization home's anomaly card reads 70 days: on the 10 M-event bench database (493 k user-days), grouped as
// (day, host_id, app_id) the statement took 630–960 ms on PostgreSQL, sorting every user-day first; now 350–500 ms.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { selectRows, whereDimensions, type Scope } from "@/lib/analytics/sql";
import type { AnalyticsFilters } from "@/lib/analytics/types";

export type SeriesRow = { hostId: string; appId: string; day: string; launches: number; activeUsers: number; errors: number };

export async function getDailySeries(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<SeriesRow[]> {
  return selectRows<SeriesRow>(
    db,
    sql`
    WITH s AS (
      SELECT day, host_id, app_id, sum(launches) AS launches, sum(errors) AS errors
      FROM daily_stats
      WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY day, app_id, host_id
    ),
    u AS (
      SELECT day, host_id, app_id, count(DISTINCT user_id) AS users
      FROM daily_users
      WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY day, app_id, host_id
    )
    SELECT host_id AS "hostId", app_id AS "appId", day::text AS day,
      coalesce(s.launches, 0)::float8 AS launches, coalesce(u.users, 0)::int AS "activeUsers", coalesce(s.errors, 0)::float8 AS errors
    FROM s FULL JOIN u USING (day, host_id, app_id)
    ORDER BY host_id, app_id, day`,
  );
}
