// Pages, custom events and error groups from the keyed rollups (daily_keys, daily_key_users, daily_key_sets): counts add up
// exactly, distinct users are counted from the user set, never summed. One mini-program at a time: the keys'
// primary key starts (org, app, kind, day), so each query reads one contiguous slice.
import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { EventKeyKind } from "@/db/schema";
import { list, selectRows, whereDimensions, type Scope } from "../sql";
import { countKeyUsers, type KeyUserParts } from "./key-sets";
import type { AnalyticsFilters } from "../types";

const ISO = sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`);

export type KeyTotals = { key: string; count: number; users: number; sample: string | null };

/**
 * Count and distinct users per key over the range, most first; for errors the least message (in the database's
 * collation). Counts are summed from daily_keys (a few rows per key and day); distinct users, the costly part,
 * are counted only for the keys that can be listed: those counted at least as often as the limit-th key (ties on the
 * count are ordered by users, so every tied key needs its users).
 *
 * A mini-program's whole audience (no host, version or platform filter) is counted from the day key bitmaps
 * (daily_key_sets) and the key-users still pending, read in the same statement as the counts, so in one snapshot:
 * about 90 small bitmaps per key for 90 days. A filtered read counts daily_key_users rows of that combination:
 * distinct pairs taken first and then counted, which both databases can hash instead of sorting every (key, user)
 * row as count(DISTINCT …) does.
 */
export async function getKeyTotals(db: DbOrTx, scope: Scope, f: AnalyticsFilters, kind: EventKeyKind, from: string, to: string, limit: number): Promise<KeyTotals[]> {
  const counted = sql`
    c AS MATERIALIZED (
      SELECT key, sum(count)::int AS count, min(sample) AS sample FROM daily_keys
      WHERE ${whereDimensions(scope, f)} AND kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY key
    ),
    top AS MATERIALIZED (
      SELECT * FROM c WHERE c.count >= coalesce((SELECT count FROM c ORDER BY count DESC OFFSET ${limit - 1} LIMIT 1), 0)
    )`;
  if (f.appId !== undefined && f.hostId === undefined && f.version === undefined && f.platform === undefined) {
    return fromKeySets(db, scope, f.appId, kind, from, to, limit, counted);
  }
  return selectRows<KeyTotals>(
    db,
    sql`
    WITH ${counted},
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

async function fromKeySets(db: DbOrTx, scope: Scope, appId: string, kind: EventKeyKind, from: string, to: string, limit: number, counted: SQL): Promise<KeyTotals[]> {
  const rows = await selectRows<{ part: number; key: string; count: number | null; sample: string | null; users: string | null; uid: number | null; user_id: string | null }>(
    db,
    sql`
    WITH ${counted}
    SELECT 0 AS part, key, count, sample, NULL::text AS users, NULL::int AS uid, NULL::text AS user_id FROM top
    UNION ALL
    -- A key's day bitmaps in one row (base64, space-separated): PGlite prices each result row at about 10 µs, and a
    -- 90-day read is 90 rows per key.
    SELECT 1, s.key, NULL, NULL, string_agg(encode(s.users, 'base64'), ' '), NULL, NULL FROM daily_key_sets s
    WHERE ${whereDimensions(scope, { appId }, "s")} AND s.kind = ${kind} AND s.day BETWEEN ${from}::date AND ${to}::date
      AND s.key IN (SELECT key FROM top)
    GROUP BY s.key
    UNION ALL
    -- A lookup per pending key-user, not a hash of every numbered user; the name only where there is no number.
    SELECT 2, q.key, NULL, NULL, NULL, q.uid, CASE WHEN q.uid IS NULL THEN q.user_id END FROM (
      SELECT p.key, p.user_id, (SELECT o.uid FROM org_users o WHERE o.org_id = p.org_id AND o.user_id = p.user_id) AS uid
      FROM pending_key_users p
      WHERE ${whereDimensions(scope, { appId }, "p")} AND p.kind = ${kind} AND p.day BETWEEN ${from}::date AND ${to}::date
        AND p.key IN (SELECT key FROM top)
    ) q`,
  );
  const parts = new Map<string, KeyUserParts>();
  const top: Omit<KeyTotals, "users">[] = [];
  for (const r of rows) {
    if (r.part === 0) {
      top.push({ key: r.key, count: Number(r.count), sample: r.sample });
      continue;
    }
    const p = parts.get(r.key) ?? parts.set(r.key, { sets: [], uids: [], names: [] }).get(r.key)!;
    if (r.users !== null) for (const b64 of r.users.split(" ")) p.sets.push(Buffer.from(b64, "base64"));
    else if (r.uid !== null) p.uids.push(Number(r.uid));
    else if (r.user_id !== null) p.names.push(r.user_id);
  }
  const users = countKeyUsers(parts);
  return top
    .map((t) => ({ ...t, users: users.get(t.key) ?? 0 }))
    .sort((a, b) => b.count - a.count || b.users - a.users || Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
    .slice(0, limit);
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
