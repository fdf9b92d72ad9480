// Retention cohorts: of the users whose first launch of a mini-program fell on day d (and, under a filter,
// happened on that host, version or platform), how many had any event of that mini-program, within the
// same filter, on day d+1 and on day d+7. Without a mini-program filter a cohort member is a (user,
// mini-program) pair.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

export type CohortRow = { day: string; cohort: number; d1: number; d7: number };

export async function getRetention(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<CohortRow[]> {
  // One hash join of the cohort with the activity two days per member can match, then a count per day: a
  // probe per member (or a join against a materialised CTE) degrades to nested loops on large cohorts.
  return selectRows<CohortRow>(
    db,
    sql`
    WITH member AS (
      SELECT c.day, bool_or(a.day = c.day + 1) AS d1, bool_or(a.day = c.day + 7) AS d7
      FROM first_launches c
      LEFT JOIN daily_users a
        ON a.org_id = c.org_id AND a.app_id = c.app_id AND a.user_id = c.user_id
        AND a.day IN (c.day + 1, c.day + 7) AND ${whereDimensions(scope, f, "a")}
      WHERE ${whereDimensions(scope, f, "c")} AND c.day BETWEEN ${from}::date AND ${to}::date
      GROUP BY c.app_id, c.user_id, c.day
    )
    SELECT day::text AS day, count(*)::int AS cohort,
      count(*) FILTER (WHERE d1)::int AS d1, count(*) FILTER (WHERE d7)::int AS d7
    FROM member
    GROUP BY day
    ORDER BY day`,
  );
}
