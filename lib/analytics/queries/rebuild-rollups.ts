// Rebuilds one organization's rollups from its raw events, set-based (one INSERT … SELECT … GROUP BY per
// table). For bulk loads, and to repair rollups if they were ever in doubt; the result is the same as
// folding every event in through ingestion (analytics tests hold it to that).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { statsRewritten } from "../stats-cache";
import { backfillFingerprints } from "./backfill-fingerprints";
import { rebuildUserSets } from "./user-sets";

export async function rebuildRollups(db: DbOrTx, orgId: string): Promise<void> {
  // Error events from before fingerprints existed get theirs first: the keyed rollups group errors by it.
  await backfillFingerprints(db, orgId);
  await db.execute(sql`DELETE FROM daily_keys WHERE org_id = ${orgId}`);
  await db.execute(sql`DELETE FROM daily_key_users WHERE org_id = ${orgId}`);
  await db.execute(sql`DELETE FROM daily_stats WHERE org_id = ${orgId}`);
  await db.execute(sql`DELETE FROM daily_users WHERE org_id = ${orgId}`);
  await db.execute(sql`DELETE FROM first_launches WHERE org_id = ${orgId}`);
  await db.execute(sql`
    INSERT INTO daily_stats (org_id, day, app_id, host_id, version, platform, events, launches, page_views, sessions, session_ms, errors)
    SELECT org_id, (ts AT TIME ZONE 'UTC')::date, app_id, host_id, version, platform,
      count(*),
      count(*) FILTER (WHERE type = 'launch'),
      count(*) FILTER (WHERE type = 'page_view'),
      count(*) FILTER (WHERE type = 'session_end'),
      coalesce(sum(duration_ms) FILTER (WHERE type = 'session_end'), 0),
      count(*) FILTER (WHERE type = 'error')
    FROM events WHERE org_id = ${orgId}
    GROUP BY 1, 2, 3, 4, 5, 6`);
  await db.execute(sql`
    INSERT INTO daily_users (org_id, day, app_id, host_id, version, platform, user_id)
    SELECT DISTINCT org_id, (ts AT TIME ZONE 'UTC')::date, app_id, host_id, version, platform, user_id
    FROM events WHERE org_id = ${orgId}`);
  await db.execute(sql`
    INSERT INTO first_launches (org_id, app_id, user_id, ts, day, host_id, event_id, version, platform)
    SELECT DISTINCT ON (app_id, user_id) org_id, app_id, user_id, ts, (ts AT TIME ZONE 'UTC')::date, host_id, id, version, platform
    FROM events WHERE org_id = ${orgId} AND type = 'launch'
    ORDER BY app_id, user_id, ts, host_id, id`);
  await db.execute(sql`
    INSERT INTO daily_keys (org_id, app_id, kind, day, key, host_id, version, platform, count, first_ts, last_ts, sample)
    SELECT org_id, app_id, kind, day, key, host_id, version, platform, count(*), min(ts), max(ts), min(message) FILTER (WHERE kind = 'error')
    FROM (${keyedEvents(orgId)}) k
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`);
  await db.execute(sql`
    INSERT INTO daily_key_users (org_id, app_id, kind, day, key, host_id, version, platform, user_id)
    SELECT DISTINCT org_id, app_id, kind, day, key, host_id, version, platform, user_id
    FROM (${keyedEvents(orgId)}) k`);
  // The statistics of what was just replaced in bulk, for the joins that follow (rebuildUserSets).
  await db.execute(sql`ANALYZE daily_users, first_launches, daily_key_users`);
  // The day bitmaps and the user numbering follow from daily_users, the cohort bitmaps from first_launches and the
  // key bitmaps from daily_key_users: after all three (built before first_launches, every cohort would be left to
  // the background fold; before daily_key_users, every key bitmap would be rebuilt again after it).
  await rebuildUserSets(db, orgId);
  // Closed days' sums remembered by server processes (stats-cache.ts) may be of the rows just replaced.
  await statsRewritten(db, orgId);
}

/** Page views by page, custom events by name, errors by fingerprint: the rows the keyed rollups count. */
const keyedEvents = (orgId: string) => sql`
  SELECT org_id, app_id, host_id, version, platform, user_id, ts, message, (ts AT TIME ZONE 'UTC')::date AS day,
    CASE type WHEN 'page_view' THEN 'page' WHEN 'custom' THEN 'event' ELSE 'error' END AS kind,
    CASE type WHEN 'page_view' THEN page WHEN 'custom' THEN name ELSE fingerprint END AS key
  FROM events
  WHERE org_id = ${orgId}
    AND ((type = 'page_view' AND page IS NOT NULL) OR (type = 'custom' AND name IS NOT NULL) OR (type = 'error' AND fingerprint IS NOT NULL))`;
