// The distinct-set rollups (db/schema.ts: org_users, org_user_counters, daily_user_sets): numbering users,
// folding newly active user-days into the day bitmaps, reading them, and rebuilding them from daily_users.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { BitmapScope, encodeBitmap, withBitmaps, writeBitmap } from "../bitmaps";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

/** A user newly active on a day at one dimension combination (a row ingestion added to daily_users). */
export type NewUserDay = { day: string; app_id: string; host_id: string; version: string; platform: string; user_id: string };

export type SetKey = { day: string; appId: string; hostId: string; version: string; platform: string };
export type SetRow = SetKey & { users: Uint8Array };

const keyString = (k: { day: string; appId: string; hostId: string; version: string; platform: string }) =>
  JSON.stringify([k.day, k.appId, k.hostId, k.version, k.platform]);

/**
 * The dense number of each of these users in the organization, numbering the new ones. Safe under concurrent
 * batches: new numbers come from the organization's counter row (whose lock orders the batches that bring new
 * users), and a user numbered meanwhile by another batch keeps that number (ON CONFLICT … DO UPDATE returns the
 * committed row even when this statement's snapshot could not see it).
 */
export async function assignUserIds(db: DbOrTx, orgId: string, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await selectRows<{ user_id: string; uid: number }>(
    db,
    sql`
    WITH want AS (
      SELECT DISTINCT u FROM jsonb_array_elements_text(${JSON.stringify(userIds)}::jsonb) AS u
    ),
    have AS (
      SELECT user_id, uid FROM org_users WHERE org_id = ${orgId} AND user_id IN (SELECT u FROM want)
    ),
    missing AS (
      SELECT u, (row_number() OVER (ORDER BY u))::int AS rn FROM want WHERE u NOT IN (SELECT user_id FROM have)
    ),
    bump AS (
      INSERT INTO org_user_counters AS c (org_id, next)
      SELECT ${orgId}, count(*)::int FROM missing HAVING count(*) > 0
      ON CONFLICT (org_id) DO UPDATE SET next = c.next + excluded.next
      RETURNING next
    ),
    ins AS (
      INSERT INTO org_users AS o (org_id, user_id, uid)
      SELECT ${orgId}, u, (SELECT next FROM bump) - (SELECT count(*) FROM missing)::int + rn - 1 FROM missing
      ORDER BY u
      ON CONFLICT (org_id, user_id) DO UPDATE SET uid = o.uid
      RETURNING user_id, uid
    )
    SELECT user_id, uid FROM have UNION ALL SELECT user_id, uid FROM ins`,
  );
  return new Map(rows.map((r) => [r.user_id, Number(r.uid)]));
}

/** The five rows a user-day at (app, host, version, platform) belongs to: the finest one and the coarse grains. */
export function grainsOf(day: string, appId: string, hostId: string, version: string, platform: string): SetKey[] {
  return [
    { day, appId, hostId, version, platform },
    { day, appId, hostId: "", version, platform: "" },
    { day, appId: "", hostId, version: "", platform: "" },
    { day, appId: "", hostId: "", version: "", platform },
    { day, appId: "", hostId: "", version: "", platform: "" },
  ];
}

/**
 * Adds newly active user-days to the day bitmaps. Must run in the transaction that stored them. Rows are
 * created with the new users, or locked (in key order, as every batch locks them, so batches do not deadlock),
 * read, merged and written back: a concurrent batch waits on the lock and then merges into the result.
 */
export async function foldUserSets(db: DbOrTx, orgId: string, fresh: NewUserDay[]): Promise<void> {
  if (fresh.length === 0) return;
  const uids = await assignUserIds(
    db,
    orgId,
    fresh.map((r) => r.user_id),
  );
  const delta = new Map<string, { key: SetKey; uids: number[] }>();
  for (const r of fresh) {
    const uid = uids.get(r.user_id)!;
    for (const key of grainsOf(r.day, r.app_id, r.host_id, r.version, r.platform)) {
      const k = keyString(key);
      (delta.get(k) ?? delta.set(k, { key, uids: [] }).get(k)!).uids.push(uid);
    }
  }
  const payload = (entries: { key: SetKey; users?: Uint8Array }[]) =>
    JSON.stringify(
      entries.map(({ key, users }) => ({
        day: key.day,
        app_id: key.appId,
        host_id: key.hostId,
        version: key.version,
        platform: key.platform,
        users: users ? Buffer.from(users).toString("base64") : null,
      })),
    );
  const input = (json: string) => sql`jsonb_to_recordset(${json}::jsonb) AS x(day date, app_id text, host_id text, version text, platform text, users text)`;

  const all = [...delta.values()];
  const created = await selectRows<{ day: string; app_id: string; host_id: string; version: string; platform: string }>(
    db,
    sql`
    INSERT INTO daily_user_sets (org_id, day, app_id, host_id, version, platform, users)
    SELECT ${orgId}, day, app_id, host_id, version, platform, decode(users, 'base64') FROM ${input(payload(all.map((d) => ({ key: d.key, users: encodeBitmap(d.uids) }))))}
    ORDER BY day, app_id, host_id, version, platform
    ON CONFLICT DO NOTHING
    RETURNING day::text AS day, app_id, host_id, version, platform`,
  );
  for (const c of created) delta.delete(keyString({ day: c.day, appId: c.app_id, hostId: c.host_id, version: c.version, platform: c.platform }));
  if (delta.size === 0) return;

  const existing = await selectRows<{ day: string; app_id: string; host_id: string; version: string; platform: string; users: Uint8Array }>(
    db,
    sql`
    SELECT s.day::text AS day, s.app_id, s.host_id, s.version, s.platform, s.users FROM daily_user_sets s
    WHERE s.org_id = ${orgId} AND (s.day, s.app_id, s.host_id, s.version, s.platform) IN (
      SELECT day, app_id, host_id, version, platform FROM ${input(payload([...delta.values()]))})
    ORDER BY s.day, s.app_id, s.host_id, s.version, s.platform
    FOR UPDATE`,
  );
  const changed = withBitmaps((s: BitmapScope) => {
    const out: { key: SetKey; users: Uint8Array }[] = [];
    for (const row of existing) {
      const key = { day: row.day, appId: row.app_id, hostId: row.host_id, version: row.version, platform: row.platform };
      const d = delta.get(keyString(key));
      if (!d) continue;
      const b = s.read(row.users);
      const before = b.size;
      b.addMany(Uint32Array.from(d.uids));
      if (b.size !== before) out.push({ key, users: writeBitmap(b) });
    }
    return out;
  });
  if (changed.length === 0) return;
  await db.execute(sql`
    UPDATE daily_user_sets s SET users = decode(x.users, 'base64')
    FROM ${input(payload(changed))}
    WHERE s.org_id = ${orgId} AND s.day = x.day AND s.app_id = x.app_id AND s.host_id = x.host_id
      AND s.version = x.version AND s.platform = x.platform`);
}

/**
 * The day bitmaps over [from, to]. Unfiltered and unscoped, the coarse rows (a few per day); otherwise the finest
 * rows that match the filters, whose unions answer any filter exactly.
 */
export async function readUserSets(
  db: DbOrTx,
  scope: Scope,
  f: AnalyticsFilters,
  from: string,
  to: string,
  /** Before this day only the whole organization's coarse row is read (the MAU look-back needs no breakdown). */
  breakdownFrom = from,
): Promise<{ coarse: boolean; rows: SetRow[] }> {
  const coarse = scope.appIds === null && f.hostId === undefined && f.appId === undefined && f.version === undefined && f.platform === undefined;
  const grain = coarse
    ? sql`(app_id = '' OR host_id = '') AND (day >= ${breakdownFrom}::date OR (app_id = '' AND host_id = '' AND platform = ''))`
    : sql`app_id <> '' AND host_id <> ''`;
  const rows = await selectRows<SetRow>(
    db,
    sql`
    SELECT day::text AS day, app_id AS "appId", host_id AS "hostId", version, platform, users FROM daily_user_sets
    WHERE ${whereDimensions(scope, f)} AND ${grain} AND day BETWEEN ${from}::date AND ${to}::date`,
  );
  return { coarse, rows };
}

/**
 * Rebuilds one organization's dictionary and day bitmaps from daily_users (after a bulk load, a rollup rebuild,
 * or the migration that introduced them). Users are numbered in user_id order.
 */
export async function rebuildUserSets(db: DbOrTx, orgId: string): Promise<void> {
  await db.execute(sql`DELETE FROM daily_user_sets WHERE org_id = ${orgId}`);
  await db.execute(sql`DELETE FROM org_users WHERE org_id = ${orgId}`);
  await db.execute(sql`DELETE FROM org_user_counters WHERE org_id = ${orgId}`);
  await db.execute(sql`
    INSERT INTO org_users (org_id, user_id, uid)
    SELECT ${orgId}, user_id, (row_number() OVER (ORDER BY user_id) - 1)::int
    FROM (SELECT DISTINCT user_id FROM daily_users WHERE org_id = ${orgId}) u`);
  await db.execute(sql`
    INSERT INTO org_user_counters (org_id, next)
    SELECT ${orgId}, count(*)::int FROM org_users WHERE org_id = ${orgId} HAVING count(*) > 0`);
  const days = await selectRows<{ day: string }>(db, sql`SELECT DISTINCT day::text AS day FROM daily_users WHERE org_id = ${orgId} ORDER BY 1`);
  // A day at a time keeps memory flat however large the organization.
  for (const { day } of days) {
    const sets = await selectRows<{ app_id: string; host_id: string; version: string; platform: string; uids: number[] | string }>(
      db,
      sql`
      SELECT coalesce(d.app_id, '') AS app_id, coalesce(d.host_id, '') AS host_id, coalesce(d.version, '') AS version,
        coalesce(d.platform, '') AS platform, array_agg(DISTINCT o.uid)::text AS uids
      FROM daily_users d JOIN org_users o ON o.org_id = d.org_id AND o.user_id = d.user_id
      WHERE d.org_id = ${orgId} AND d.day = ${day}::date
      GROUP BY GROUPING SETS ((d.app_id, d.host_id, d.version, d.platform), (d.app_id, d.version), (d.host_id), (d.platform), ())`,
    );
    const json = JSON.stringify(
      sets.map((r) => ({
        app_id: r.app_id,
        host_id: r.host_id,
        version: r.version,
        platform: r.platform,
        users: Buffer.from(encodeBitmap(String(r.uids).slice(1, -1).split(",").map(Number))).toString("base64"),
      })),
    );
    await db.execute(sql`
      INSERT INTO daily_user_sets (org_id, day, app_id, host_id, version, platform, users)
      SELECT ${orgId}, ${day}::date, app_id, host_id, version, platform, decode(users, 'base64')
      FROM jsonb_to_recordset(${json}::jsonb) AS x(app_id text, host_id text, version text, platform text, users text)`);
  }
}

/** Organizations with user-days but no bitmaps yet: what backfillUserSets() builds. */
export async function backfillUserSets(db: DbOrTx): Promise<number> {
  const orgs = await selectRows<{ org_id: string }>(
    db,
    sql`
    SELECT c.org_id FROM org_user_counters c
    WHERE NOT EXISTS (SELECT 1 FROM daily_user_sets s WHERE s.org_id = c.org_id)
      AND EXISTS (SELECT 1 FROM daily_users d WHERE d.org_id = c.org_id)`,
  );
  for (const { org_id } of orgs) await rebuildUserSets(db, org_id);
  return orgs.length;
}

/** Retention cohorts over [from, to]: per mini-program and day of first launch, the numbers of those users. */
export async function readCohorts(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string): Promise<{ appId: string; day: string; uids: number[] }[]> {
  const rows = await selectRows<{ appId: string; day: string; uids: string }>(
    db,
    sql`
    SELECT c.app_id AS "appId", c.day::text AS day, array_agg(o.uid)::text AS uids
    FROM first_launches c JOIN org_users o ON o.org_id = c.org_id AND o.user_id = c.user_id
    WHERE ${whereDimensions(scope, f, "c")} AND c.day BETWEEN ${from}::date AND ${to}::date
    GROUP BY c.app_id, c.day`,
  );
  return rows.map((r) => ({ appId: r.appId, day: r.day, uids: r.uids.slice(1, -1).split(",").map(Number) }));
}
