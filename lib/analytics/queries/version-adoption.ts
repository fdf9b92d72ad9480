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

/** The approved versions of one mini-program: those a manifest may serve, listed in adoption even with no users. */
export async function getApprovedVersions(db: DbOrTx, orgId: string, appId: string): Promise<string[]> {
  const rows = await selectRows<{ version: string }>(
    db,
    sql`SELECT version FROM versions WHERE org_id = ${orgId} AND app_id = ${appId} AND status = 'approved'`,
  );
  return rows.map((r) => r.version);
}
