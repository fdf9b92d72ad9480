// Distinct users over a whole range: the totals' activeUsers (never a sum of daily counts).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

export async function getRangeUsers(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<number> {
  const rows = await selectRows<{ n: number }>(
    db,
    sql`
    SELECT count(DISTINCT user_id)::int AS n FROM daily_users
    WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${from}::date AND ${to}::date`,
  );
  return rows[0]?.n ?? 0;
}
