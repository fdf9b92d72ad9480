// Stores batches of validated events (one request's, or several of one organization's: ./coalesce.ts) and folds the
// newly stored ones into every rollup, in ONE statement:
// data-modifying CTEs run atomically, so a failure keeps none of the batch and a success leaves raw rows and
// rollups agreeing. Only rows the INSERT actually returns (not duplicates) reach the rollups, which is what
// makes a resent batch count nothing twice. One round trip and one multi-row write per table, whatever the
// batch size; the events travel as one JSON parameter, and so do the hosts, so the statement's text is one whatever
// the batch and is prepared once (selectRowsPrepared). The same statement reads which mini-programs each host
// runs and keeps only their events (the first of each host and id), so a batch costs one round trip, not two.
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { errorFingerprint } from "../fingerprint";
import { selectRowsPrepared } from "../sql";
import type { ValidEvent } from "../validate";

export type InsertPart = { hostId: string; events: ValidEvent[] };

/**
 * An event as a row of the JSON parameter that ingestion and bulk loads (./bulk-insert-events.ts) read with
 * jsonb_to_recordset: the events table's columns by name, with the error fingerprint computed here.
 */
export function eventColumns(
  e: Pick<ValidEvent, "id" | "type" | "appId" | "version" | "userId" | "platform" | "ts"> & Partial<Pick<ValidEvent, "durationMs" | "page" | "name" | "message">>,
) {
  return {
    id: e.id,
    type: e.type,
    app_id: e.appId,
    version: e.version,
    user_id: e.userId,
    platform: e.platform,
    ts: e.ts,
    duration_ms: e.durationMs ?? null,
    page: e.page ?? null,
    name: e.name ?? null,
    message: e.message ?? null,
    fingerprint: e.type === "error" ? errorFingerprint(e.message ?? null) : null,
  };
}

export type InsertResult = {
  /** Per part, in order: its events newly stored (neither a duplicate within the statement nor already stored). */
  inserted: number[];
  /** Per host of the parts: the mini-programs assigned to it as the statement saw them. Events of any other were not stored. */
  assignedAppIds: Map<string, Set<string>>;
  /** User-days the statement added to daily_users (and to pending_user_days, for the background fold). */
  newUserDays: number;
};

/**
 * Stores the batches of one organization (`parts`: one per request, possibly of several hosts; see ./coalesce.ts).
 * Each part's events passed validation, in request order, possibly with repeated ids and unassigned mini-programs.
 * Stored: of the events whose mini-program is assigned to their host, the first of each (host, id), earlier parts
 * first; a later part's copy of it counts as that part's duplicate, as when it had come after.
 */
export async function insertEvents(db: DbOrTx, orgId: string, parts: InsertPart[]): Promise<InsertResult> {
  const result: InsertResult = { inserted: parts.map(() => 0), assignedAppIds: new Map(), newUserDays: 0 };
  const hostIds = [...new Set(parts.map((p) => p.hostId))];
  for (const h of hostIds) result.assignedAppIds.set(h, new Set());
  if (parts.every((p) => p.events.length === 0)) return result;
  const payload = JSON.stringify(
    parts.flatMap((p, r) =>
      p.events.map((e, i) => ({ r, i, h: p.hostId, ...eventColumns(e) })),
    ),
  );
  // Every table is written in key order, so concurrent statements (a retry racing its original, two devices
  // reporting the same day) take their row locks in the same order instead of deadlocking.
  const rows = await selectRowsPrepared<{ inserted: string; assigned: string; new_user_days: number }>(
    db,
    sql`
    WITH assigned AS (
      SELECT DISTINCT host_id, app_id FROM assignments
      WHERE org_id = ${orgId} AND host_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(hostIds)}::jsonb))
    ),
    input AS (
      SELECT DISTINCT ON (h, id) * FROM jsonb_to_recordset(${payload}::jsonb) AS x(
        r integer, i integer, h text, id text, type text, app_id text, version text, user_id text, platform text, ts timestamptz,
        duration_ms integer, page text, name text, message text, fingerprint text)
      WHERE (h, app_id) IN (SELECT host_id, app_id FROM assigned)
      ORDER BY h, id, r, i
    ),
    ins AS (
      INSERT INTO events (org_id, host_id, id, type, app_id, version, user_id, platform, ts, duration_ms, page, name, message, fingerprint)
      SELECT ${orgId}, h, id, type, app_id, version, user_id, platform, ts, duration_ms, page, name, message, fingerprint FROM input
      ORDER BY h, id
      ON CONFLICT DO NOTHING
      RETURNING host_id, id
    ),
    -- What was stored, with the part it came from (input holds one row per host and id).
    fresh AS (
      SELECT input.r, input.h AS host_id, input.id, input.type, input.app_id, input.version, input.user_id, input.platform,
        input.ts, input.duration_ms, input.page, input.name, input.message, input.fingerprint,
        (input.ts AT TIME ZONE 'UTC')::date AS day
      FROM ins JOIN input ON input.h = ins.host_id AND input.id = ins.id
    ),
    stats AS (
      INSERT INTO daily_stats AS s (org_id, day, app_id, host_id, version, platform, events, launches, page_views, sessions, session_ms, errors)
      SELECT ${orgId}, day, app_id, host_id, version, platform,
        count(*),
        count(*) FILTER (WHERE type = 'launch'),
        count(*) FILTER (WHERE type = 'page_view'),
        count(*) FILTER (WHERE type = 'session_end'),
        coalesce(sum(duration_ms) FILTER (WHERE type = 'session_end'), 0),
        count(*) FILTER (WHERE type = 'error')
      FROM fresh
      GROUP BY day, app_id, host_id, version, platform
      ORDER BY day, app_id, host_id, version, platform
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
      SELECT DISTINCT ${orgId}, day, app_id, host_id, version, platform, user_id FROM fresh
      ORDER BY 2, 3, 4, 5, 6, 7
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
      SELECT DISTINCT ON (app_id, user_id) ${orgId}, app_id, user_id, ts, day, host_id, id, version, platform
      FROM fresh WHERE type = 'launch'
      ORDER BY app_id, user_id, ts, host_id, id
      ON CONFLICT (org_id, app_id, user_id) DO UPDATE SET
        ts = excluded.ts, day = excluded.day, host_id = excluded.host_id, event_id = excluded.event_id,
        version = excluded.version, platform = excluded.platform
      -- Only an earlier launch (ties broken by host, then event id) replaces the first one.
      WHERE (excluded.ts, excluded.host_id, excluded.event_id) < (f.ts, f.host_id, f.event_id)
    ),
    ${foldKeys(orgId, sql`host_id`, sql`fresh`)}
    SELECT (SELECT coalesce(json_object_agg(r, n), '{}'::json) FROM (SELECT r, count(*) AS n FROM fresh GROUP BY r) c)::text AS inserted,
      (SELECT coalesce(json_agg(json_build_array(host_id, app_id)), '[]'::json) FROM assigned)::text AS assigned,
      (SELECT count(*) FROM users)::int AS new_user_days`,
    // A page or a dashboard waiting on PGlite's thread goes first: a combined batch can take tens of milliseconds.
    { background: true },
  );
  const row = rows[0];
  if (!row) return result;
  for (const [r, n] of Object.entries(JSON.parse(row.inserted) as Record<string, number>)) result.inserted[Number(r)] = n;
  for (const [h, app] of JSON.parse(row.assigned) as [string, string][]) result.assignedAppIds.get(h)?.add(app);
  result.newUserDays = row.new_user_days;
  return result;
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
