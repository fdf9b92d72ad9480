// Who uses what on the organization's other host apps, from the user-day rollup (never raw events): per
// mini-program its distinct users, per pair of mini-programs the users of both, and where each is used.
// A person is their end-user id: one who uses A and B, on one host app or across two, counts for the pair.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { list, selectRows } from "@/lib/analytics/sql";

export type CoUsage = {
  /** Distinct users of each mini-program over the window, on hosts other than the target. */
  users: { appId: string; users: number }[];
  /** Distinct users of both, for every anchor × candidate pair with any. */
  pairs: { anchor: string; candidate: string; users: number }[];
  /** Distinct users of each candidate on each host running it. */
  byHost: { appId: string; hostId: string; users: number }[];
  /** Distinct users of anything on those hosts. */
  total: number;
};

export async function getCoUsage(
  db: DbOrTx,
  orgId: string,
  target: { hostId: string; anchors: string[]; candidates: string[]; appIds: string[] | null },
  from: string,
  to: string,
): Promise<CoUsage> {
  const scope = target.appIds === null ? sql`` : target.appIds.length ? sql`AND app_id IN (${list(target.appIds)})` : sql`AND false`;
  const base = sql`org_id = ${orgId} AND host_id <> ${target.hostId} AND day BETWEEN ${from}::date AND ${to}::date ${scope}`;
  const none = sql`NULL::text`;
  const anchors = target.anchors.length ? list(target.anchors) : none;
  const candidates = target.candidates.length ? list(target.candidates) : none;
  const [users, pairs, byHost, total] = await Promise.all([
    selectRows<{ appId: string; users: number }>(db, sql`SELECT app_id AS "appId", count(DISTINCT user_id)::int AS users FROM daily_users WHERE ${base} GROUP BY app_id`),
    selectRows<{ anchor: string; candidate: string; users: number }>(
      db,
      sql`
      WITH a AS (SELECT DISTINCT app_id, user_id FROM daily_users WHERE ${base} AND app_id IN (${anchors})),
      b AS (SELECT DISTINCT app_id, user_id FROM daily_users WHERE ${base} AND app_id IN (${candidates}))
      SELECT a.app_id AS anchor, b.app_id AS candidate, count(*)::int AS users
      FROM a JOIN b ON b.user_id = a.user_id AND b.app_id <> a.app_id
      GROUP BY a.app_id, b.app_id`,
    ),
    selectRows<{ appId: string; hostId: string; users: number }>(
      db,
      sql`SELECT app_id AS "appId", host_id AS "hostId", count(DISTINCT user_id)::int AS users FROM daily_users WHERE ${base} AND app_id IN (${candidates}) GROUP BY app_id, host_id`,
    ),
    selectRows<{ n: number }>(db, sql`SELECT count(DISTINCT user_id)::int AS n FROM daily_users WHERE ${base}`),
  ]);
  return { users, pairs, byHost, total: total[0]?.n ?? 0 };
}
