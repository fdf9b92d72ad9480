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

/** Count and distinct users per key over the range, most first; for errors the least message (in the database's collation). */
export async function getKeyTotals(db: DbOrTx, scope: Scope, f: AnalyticsFilters, kind: EventKeyKind, from: string, to: string, limit: number): Promise<KeyTotals[]> {
  return selectRows<KeyTotals>(
    db,
    sql`
    WITH c AS (
      SELECT key, sum(count)::int AS count, min(sample) AS sample FROM daily_keys
      WHERE ${whereDimensions(scope, f)} AND kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY key
    ),
    u AS (
      SELECT key, count(DISTINCT user_id)::int AS users FROM daily_key_users
      WHERE ${whereDimensions(scope, f)} AND kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY key
    )
    SELECT c.key, c.count, c.sample, coalesce(u.users, 0)::int AS users FROM c LEFT JOIN u ON u.key = c.key
    ORDER BY c.count DESC, users DESC, c.key COLLATE "C"
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
