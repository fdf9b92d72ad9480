// Stores a batch of validated events and folds the newly stored ones into every rollup, in ONE statement:
// data-modifying CTEs run atomically, so a failure keeps none of the batch and a success leaves raw rows and
// rollups agreeing. Only rows the INSERT actually returns (not duplicates) reach the rollups, which is what
// makes a resent batch count nothing twice. One round trip and one multi-row write per table, whatever the
// batch size; the batch travels as one JSON parameter. The same statement reads which mini-programs the host
// runs and keeps only their events (the first of each id), so a batch costs one round trip, not two.
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { errorFingerprint } from "../fingerprint";
import { selectRows } from "../sql";
import type { ValidEvent } from "../validate";

export type InsertResult = {
  /** Events newly stored (neither a duplicate within the batch nor already stored). */
  inserted: number;
  /** The mini-programs assigned to the host as the statement saw them: events of any other were not stored. */
  assignedAppIds: Set<string>;
  /** User-days this batch added to daily_users (and to pending_user_days, for the background fold). */
  newUserDays: number;
};

/**
 * `batch`: the events that passed validation, in request order, possibly with repeated ids and unassigned
 * mini-programs. Stored: of the events whose mini-program is assigned to the host, the first of each id.
 */
export async function insertEvents(db: DbOrTx, orgId: string, hostId: string, batch: ValidEvent[]): Promise<InsertResult> {
  if (batch.length === 0) return { inserted: 0, assignedAppIds: new Set(), newUserDays: 0 };
  const payload = JSON.stringify(
    batch.map((e, i) => ({
      i,
      id: e.id,
      type: e.type,
      app_id: e.appId,
      version: e.version,
      user_id: e.userId,
      platform: e.platform,
      ts: e.ts,
      duration_ms: e.durationMs,
      page: e.page,
      name: e.name,
      message: e.message,
      fingerprint: e.type === "error" ? errorFingerprint(e.message) : null,
    })),
  );
  // Every table is written in key order, so concurrent batches (a retry racing its original, two devices
  // reporting the same day) take their row locks in the same order instead of deadlocking.
  const rows = await selectRows<{ inserted: number; assigned: string; new_user_days: number }>(
    db,
    sql`
    WITH assigned AS (
      SELECT DISTINCT app_id FROM assignments WHERE org_id = ${orgId} AND host_id = ${hostId}
    ),
    input AS (
      SELECT DISTINCT ON (id) * FROM jsonb_to_recordset(${payload}::jsonb) AS x(
        i integer, id text, type text, app_id text, version text, user_id text, platform text, ts timestamptz,
        duration_ms integer, page text, name text, message text, fingerprint text)
      WHERE app_id IN (SELECT app_id FROM assigned)
      ORDER BY id, i
    ),
    ins AS (
      INSERT INTO events (org_id, host_id, id, type, app_id, version, user_id, platform, ts, duration_ms, page, name, message, fingerprint)
      SELECT ${orgId}, ${hostId}, id, type, app_id, version, user_id, platform, ts, duration_ms, page, name, message, fingerprint FROM input
      ORDER BY id
      ON CONFLICT DO NOTHING
      RETURNING id, type, app_id, version, user_id, platform, ts, duration_ms, page, name, message, fingerprint
    ),
    fresh AS (
      SELECT ins.*, (ts AT TIME ZONE 'UTC')::date AS day FROM ins
    ),
    stats AS (
      INSERT INTO daily_stats AS s (org_id, day, app_id, host_id, version, platform, events, launches, page_views, sessions, session_ms, errors)
      SELECT ${orgId}, day, app_id, ${hostId}, version, platform,
        count(*),
        count(*) FILTER (WHERE type = 'launch'),
        count(*) FILTER (WHERE type = 'page_view'),
        count(*) FILTER (WHERE type = 'session_end'),
        coalesce(sum(duration_ms) FILTER (WHERE type = 'session_end'), 0),
        count(*) FILTER (WHERE type = 'error')
      FROM fresh
      GROUP BY day, app_id, version, platform
      ORDER BY day, app_id, version, platform
      ON CONFLICT (org_id, day, app_id, host_id, version, platform) DO UPDATE SET
        events = s.events + excluded.events,
        launches = s.launches + excluded.launches,
        page_views = s.page_views + excluded.page_views,
        sessions = s.sessions + excluded.sessions,
        session_ms = s.session_ms + excluded.session_ms,
        errors = s.errors + excluded.errors
    ),
    users AS (
      INSERT INTO daily_users (org_id, day, app_id, host_id, version, platform, user_id)
      SELECT DISTINCT ${orgId}, day, app_id, ${hostId}, version, platform, user_id FROM fresh
      ORDER BY 2, 3, 5, 6, 7
      ON CONFLICT DO NOTHING
      RETURNING day, app_id, host_id, version, platform, user_id
    ),
    -- The distinct-set rollups' delta: the user-days just added, appended for the background fold
    -- (lib/analytics/user-set-folder.ts). An append takes no lock on any shared row, so batches never wait on each
    -- other here; readers union these rows with the day bitmaps until the fold has moved them in.
    pending AS (
      INSERT INTO pending_user_days (org_id, day, app_id, host_id, version, platform, user_id)
      SELECT ${orgId}, day, app_id, host_id, version, platform, user_id FROM users
    ),
    firsts AS (
      INSERT INTO first_launches AS f (org_id, app_id, user_id, ts, day, host_id, event_id, version, platform)
      SELECT DISTINCT ON (app_id, user_id) ${orgId}, app_id, user_id, ts, day, ${hostId}, id, version, platform
      FROM fresh WHERE type = 'launch'
      ORDER BY app_id, user_id, ts, id
      ON CONFLICT (org_id, app_id, user_id) DO UPDATE SET
        ts = excluded.ts, day = excluded.day, host_id = excluded.host_id, event_id = excluded.event_id,
        version = excluded.version, platform = excluded.platform
      -- Only an earlier launch (ties broken by host, then event id) replaces the first one.
      WHERE (excluded.ts, excluded.host_id, excluded.event_id) < (f.ts, f.host_id, f.event_id)
    ),
    ${foldKeys(orgId, sql`${hostId}::text`, sql`fresh`)}
    SELECT (SELECT count(*) FROM ins)::int AS inserted,
      (SELECT coalesce(json_agg(app_id), '[]'::json) FROM assigned)::text AS assigned,
      (SELECT count(*) FROM users)::int AS new_user_days`,
  );
  const row = rows[0];
  return {
    inserted: row?.inserted ?? 0,
    assignedAppIds: new Set(row ? (JSON.parse(row.assigned) as string[]) : []),
    newUserDays: row?.new_user_days ?? 0,
  };
}

/**
 * The keyed rollups' part of a fold (pages, custom events, error groups), as CTEs over `source`: rows with
 * app_id, type, day, version, platform, user_id, ts, page, name, message and fingerprint (and host_id when
 * `hostId` names that column). Shared by ingestion and the fingerprint backfill so both fold alike.
 */
export function foldKeys(orgId: string, hostId: SQL, source: SQL): SQL {
  return sql`
    keyed AS (
      SELECT app_id, version, platform, user_id, ts, day, message, ${hostId} AS host_id,
        CASE type WHEN 'page_view' THEN 'page' WHEN 'custom' THEN 'event' ELSE 'error' END AS kind,
        CASE type WHEN 'page_view' THEN page WHEN 'custom' THEN name ELSE fingerprint END AS key
      FROM ${source}
      WHERE (type = 'page_view' AND page IS NOT NULL) OR (type = 'custom' AND name IS NOT NULL) OR (type = 'error' AND fingerprint IS NOT NULL)
    ),
    keys AS (
      INSERT INTO daily_keys AS k (org_id, app_id, kind, day, key, host_id, version, platform, count, first_ts, last_ts, sample)
      SELECT ${orgId}, app_id, kind, day, key, host_id, version, platform, count(*), min(ts), max(ts), min(message) FILTER (WHERE kind = 'error')
      FROM keyed
      GROUP BY app_id, kind, day, key, host_id, version, platform
      ORDER BY app_id, kind, day, key, host_id, version, platform
      ON CONFLICT (org_id, app_id, kind, day, key, host_id, version, platform) DO UPDATE SET
        count = k.count + excluded.count,
        first_ts = least(k.first_ts, excluded.first_ts),
        last_ts = greatest(k.last_ts, excluded.last_ts),
        sample = least(k.sample, excluded.sample)
    ),
    key_users AS (
      INSERT INTO daily_key_users (org_id, app_id, kind, day, key, host_id, version, platform, user_id)
      SELECT DISTINCT ${orgId}, app_id, kind, day, key, host_id, version, platform, user_id FROM keyed
      ORDER BY 2, 3, 4, 5, 6, 7, 8, 9
      ON CONFLICT DO NOTHING
      RETURNING app_id, kind, day, key, user_id
    ),
    -- Key-users new at some combination wait for the background fold into daily_key_sets (a user already in the
    -- day's set comes again now and then, at another host or version: the fold's OR makes that harmless).
    pending_keys AS (
      INSERT INTO pending_key_users (org_id, app_id, kind, day, key, user_id)
      SELECT DISTINCT ${orgId}, app_id, kind, day, key, user_id FROM key_users
    )`;
}
