// Pages, custom events and error groups from the keyed rollups (daily_keys, daily_key_users): counts add up
// exactly, distinct users are counted from the user set, never summed. One mini-program at a time: the keys'
// primary key starts (org, app, kind, day), so each query reads one contiguous slice.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { EventKeyKind } from "@/db/schema";
import { list, selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

const ISO = sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`);

export type KeyTotals = { key: string; count: number; users: number; sample: string | null };

/**
 * Count and distinct users per key over the range, most first; for errors the least message (in the database's
 * collation). Counts are summed from daily_keys (a few rows per key and day); distinct users, the costly part,
 * are counted from daily_key_users only for the keys that can be listed: those counted at least as often as the
 * limit-th key (ties on the count are ordered by users, so every tied key needs its users). Distinct pairs are
 * taken first and then counted, which both databases can hash instead of sorting every (key, user) row as
 * count(DISTINCT …) does.
 */
export async function getKeyTotals(db: DbOrTx, scope: Scope, f: AnalyticsFilters, kind: EventKeyKind, from: string, to: string, limit: number): Promise<KeyTotals[]> {
  return selectRows<KeyTotals>(
    db,
    sql`
    WITH c AS MATERIALIZED (
      SELECT key, sum(count)::int AS count, min(sample) AS sample FROM daily_keys
      WHERE ${whereDimensions(scope, f)} AND kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY key
    ),
    top AS MATERIALIZED (
      SELECT * FROM c WHERE c.count >= coalesce((SELECT count FROM c ORDER BY count DESC OFFSET ${limit - 1} LIMIT 1), 0)
    ),
    u AS (
      SELECT p.key, count(*)::int AS users FROM (
        SELECT DISTINCT key, user_id FROM daily_key_users
        WHERE ${whereDimensions(scope, f)} AND kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date
          AND key IN (SELECT key FROM top)
      ) p
      GROUP BY p.key
    )
    SELECT top.key, top.count, top.sample, coalesce(u.users, 0)::int AS users FROM top LEFT JOIN u ON u.key = top.key
    ORDER BY top.count DESC, users DESC, top.key COLLATE "C"
    LIMIT ${limit}`,
  );
}

export type ErrorDetailRow = { key: string; day: string; version: string; count: number; firstSeen: string; lastSeen: string };

/** Per error group, day and version: the sparkline, the versions and first/last seen, for the given groups. */
export async function getErrorDetails(db: DbOrTx, scope: Scope, f: AnalyticsFilters, keys: string[], from: string, to: string): Promise<ErrorDetailRow[]> {
  if (keys.length === 0) return [];
  return selectRows<ErrorDetailRow>(
    db,
    sql`
    SELECT key, day::text AS day, version, sum(count)::int AS count,
      to_char(min(first_ts) AT TIME ZONE 'UTC', ${ISO}) AS "firstSeen",
      to_char(max(last_ts) AT TIME ZONE 'UTC', ${ISO}) AS "lastSeen"
    FROM daily_keys
    WHERE ${whereDimensions(scope, f)} AND kind = 'error' AND day BETWEEN ${from}::date AND ${to}::date AND key IN (${list(keys)})
    GROUP BY key, day, version`,
  );
}

/** Every version of the mini-program that ever had each of these error groups (all stored days, any host or platform). */
export async function getErrorVersions(db: DbOrTx, scope: Scope, appId: string, keys: string[]): Promise<{ key: string; version: string }[]> {
  if (keys.length === 0) return [];
  return selectRows<{ key: string; version: string }>(
    db,
    sql`
    SELECT DISTINCT key, version FROM daily_keys
    WHERE ${whereDimensions(scope, { appId })} AND kind = 'error' AND key IN (${list(keys)})`,
  );
}
