// The distinct-set rollups (db/schema.ts: org_users, org_user_counters, daily_user_sets, pending_user_days):
// numbering users, folding pending user-days into the day bitmaps, reading bitmaps and pending rows in one
// snapshot, and rebuilding them from daily_users.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { BitmapScope, encodeBitmap, withBitmaps, writeBitmap } from "../bitmaps";
import { selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

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

/** Advisory-lock class of the per-organization fold lock (the key is hashtext(org_id)): "US", user sets. */
const FOLD_LOCK_CLASS = 0x5553;
const foldLock = (orgId: string) => sql`${FOLD_LOCK_CLASS}::int, hashtext(${orgId})`;

export type FoldResult = {
  /** Pending user-days moved into the day bitmaps. */
  folded: number;
  /** False when another connection held the organization's fold lock: nothing was done. */
  locked: boolean;
  /** More pending rows were left than this fold took. */
  more: boolean;
};

/**
 * The background fold (compaction) of one organization: takes up to `limit` of its pending user-days, oldest first,
 * numbers their new users, ORs them into the day bitmaps (each touched row read, merged and written once) and
 * deletes them, all in one transaction, so a reader sees them either pending or in the bitmaps, never both or
 * neither. Guarded by a per-organization advisory lock: a second process (or connection) skips the organization
 * instead of waiting, and rebuilds wait for it.
 */
export async function foldPendingUserDays(db: DbOrTx, orgId: string, limit = 5_000): Promise<FoldResult> {
  return db.transaction(async (tx) => {
    const [lock] = await selectRows<{ ok: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${foldLock(orgId)}) AS ok`);
    if (!lock?.ok) return { folded: 0, locked: false, more: true };
    const rows = await selectRows<{ seq: string; day: string; app_id: string; host_id: string; version: string; platform: string; user_id: string }>(
      tx,
      sql`
      SELECT seq::text AS seq, day::text AS day, app_id, host_id, version, platform, user_id FROM pending_user_days
      WHERE org_id = ${orgId} ORDER BY seq LIMIT ${limit}`,
    );
    if (rows.length === 0) return { folded: 0, locked: true, more: false };
    const uids = await assignUserIds(tx, orgId, [...new Set(rows.map((r) => r.user_id))]);
    const delta = new Map<string, { key: SetKey; uids: number[] }>();
    for (const r of rows) {
      const uid = uids.get(r.user_id)!;
      for (const key of grainsOf(r.day, r.app_id, r.host_id, r.version, r.platform)) {
        const k = keyString(key);
        (delta.get(k) ?? delta.set(k, { key, uids: [] }).get(k)!).uids.push(uid);
      }
    }
    await mergeIntoSets(tx, orgId, delta);
    // By the exact seqs read: a row with a lower seq committed since (sequences are not commit-ordered) stays pending.
    await tx.execute(sql`
      DELETE FROM pending_user_days WHERE org_id = ${orgId}
        AND seq IN (SELECT jsonb_array_elements_text(${JSON.stringify(rows.map((r) => r.seq))}::jsonb)::bigint)`);
    return { folded: rows.length, locked: true, more: rows.length === limit };
  });
}

/**
 * Organizations with pending user-days or unfolded first launches (both reads are of small sets: a queue, and a
 * partial index of the first launches not folded yet).
 */
export async function orgsWithPendingUserDays(db: DbOrTx): Promise<string[]> {
  return (
    await selectRows<{ org_id: string }>(
      db,
      sql`SELECT org_id FROM pending_user_days UNION SELECT org_id FROM first_launches WHERE folded_day IS DISTINCT FROM day`,
    )
  ).map((r) => r.org_id);
}

/**
 * The background fold of the retention cohorts: takes up to `limit` first launches whose day differs from the day
 * they were folded under (new ones, and ones a late event moved earlier), locks them, numbers their users, moves
 * each into its day's cohort bitmap (out of the old day's) and records the day folded, in one transaction under the
 * organization's fold lock. Readers see a row either unfolded (and correct the bitmaps with it) or folded, never
 * half of it. Ingestion writing a locked row waits for this transaction, then compares with what it committed.
 */
export async function foldFirstLaunches(db: DbOrTx, orgId: string, limit = 5_000): Promise<FoldResult> {
  return db.transaction(async (tx) => {
    const [lock] = await selectRows<{ ok: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${foldLock(orgId)}) AS ok`);
    if (!lock?.ok) return { folded: 0, locked: false, more: true };
    // In key order, as ingestion's upsert locks them, so the two never wait on each other in a cycle.
    const rows = await selectRows<{ app_id: string; user_id: string; day: string; folded_day: string | null }>(
      tx,
      sql`
      SELECT app_id, user_id, day::text AS day, folded_day::text AS folded_day FROM first_launches
      WHERE org_id = ${orgId} AND folded_day IS DISTINCT FROM day
      ORDER BY app_id, user_id LIMIT ${limit} FOR UPDATE`,
    );
    if (rows.length === 0) return { folded: 0, locked: true, more: false };
    const uids = await assignUserIds(tx, orgId, [...new Set(rows.map((r) => r.user_id))]);
    const delta = new Map<string, { day: string; appId: string; add: number[]; remove: number[] }>();
    const at = (day: string, appId: string) => {
      const k = `${day}\n${appId}`;
      return delta.get(k) ?? delta.set(k, { day, appId, add: [], remove: [] }).get(k)!;
    };
    for (const r of rows) {
      const uid = uids.get(r.user_id)!;
      if (r.folded_day) at(r.folded_day, r.app_id).remove.push(uid);
      at(r.day, r.app_id).add.push(uid);
    }
    const keys = JSON.stringify([...delta.values()].map((d) => ({ day: d.day, app_id: d.appId })));
    const existing = await selectRows<{ day: string; app_id: string; users: Uint8Array }>(
      tx,
      sql`
      SELECT s.day::text AS day, s.app_id, s.users FROM daily_cohort_sets s
      WHERE s.org_id = ${orgId} AND (s.day, s.app_id) IN (SELECT day, app_id FROM jsonb_to_recordset(${keys}::jsonb) AS x(day date, app_id text))`,
    );
    const before = new Map(existing.map((r) => [`${r.day}\n${r.app_id}`, r.users]));
    const writes = withBitmaps((s: BitmapScope) =>
      [...delta.entries()].map(([k, d]) => {
        const old = before.get(k);
        const b = old ? s.read(old) : s.empty();
        b.removeMany(d.remove);
        b.addMany(Uint32Array.from(d.add));
        return { day: d.day, app_id: d.appId, users: b.isEmpty ? null : Buffer.from(writeBitmap(b)).toString("base64") };
      }),
    );
    await tx.execute(sql`
      DELETE FROM daily_cohort_sets s USING jsonb_to_recordset(${JSON.stringify(writes.filter((w) => w.users === null))}::jsonb) AS x(day date, app_id text)
      WHERE s.org_id = ${orgId} AND s.day = x.day AND s.app_id = x.app_id`);
    await tx.execute(sql`
      INSERT INTO daily_cohort_sets AS s (org_id, day, app_id, users)
      SELECT ${orgId}, day, app_id, decode(users, 'base64')
      FROM jsonb_to_recordset(${JSON.stringify(writes.filter((w) => w.users !== null))}::jsonb) AS x(day date, app_id text, users text)
      ORDER BY day, app_id
      ON CONFLICT (org_id, day, app_id) DO UPDATE SET users = excluded.users`);
    await tx.execute(sql`
      UPDATE first_launches f SET folded_day = x.day
      FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ app_id: r.app_id, user_id: r.user_id, day: r.day })))}::jsonb) AS x(app_id text, user_id text, day date)
      WHERE f.org_id = ${orgId} AND f.app_id = x.app_id AND f.user_id = x.user_id`);
    return { folded: rows.length, locked: true, more: rows.length === limit };
  });
}

/**
 * ORs each key's uids into its day bitmap: the existing rows are read once, merged in memory and written back with
 * the new ones in a single upsert. Only folds and rebuilds write these rows, both under the organization's fold
 * lock, so nothing changes them between the read and the write.
 */
async function mergeIntoSets(db: DbOrTx, orgId: string, delta: Map<string, { key: SetKey; uids: number[] }>): Promise<void> {
  if (delta.size === 0) return;
  const keys = JSON.stringify([...delta.values()].map(({ key }) => ({ day: key.day, app_id: key.appId, host_id: key.hostId, version: key.version, platform: key.platform })));
  const existing = await selectRows<{ day: string; app_id: string; host_id: string; version: string; platform: string; users: Uint8Array }>(
    db,
    sql`
    SELECT s.day::text AS day, s.app_id, s.host_id, s.version, s.platform, s.users FROM daily_user_sets s
    WHERE s.org_id = ${orgId} AND (s.day, s.app_id, s.host_id, s.version, s.platform) IN (
      SELECT day, app_id, host_id, version, platform
      FROM jsonb_to_recordset(${keys}::jsonb) AS x(day date, app_id text, host_id text, version text, platform text))`,
  );
  const writes = withBitmaps((s: BitmapScope) => {
    const out: { day: string; app_id: string; host_id: string; version: string; platform: string; users: string }[] = [];
    const put = (key: SetKey, users: Uint8Array) =>
      out.push({ day: key.day, app_id: key.appId, host_id: key.hostId, version: key.version, platform: key.platform, users: Buffer.from(users).toString("base64") });
    for (const row of existing) {
      const key = { day: row.day, appId: row.app_id, hostId: row.host_id, version: row.version, platform: row.platform };
      const k = keyString(key);
      const d = delta.get(k);
      if (!d) continue;
      delta.delete(k);
      const b = s.read(row.users);
      const before = b.size;
      b.addMany(Uint32Array.from(d.uids));
      if (b.size !== before) put(key, writeBitmap(b));
    }
    for (const d of delta.values()) put(d.key, writeBitmap(s.of(d.uids)));
    return out;
  });
  if (writes.length === 0) return;
  await db.execute(sql`
    INSERT INTO daily_user_sets AS s (org_id, day, app_id, host_id, version, platform, users)
    SELECT ${orgId}, day, app_id, host_id, version, platform, decode(users, 'base64')
    FROM jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) AS x(day date, app_id text, host_id text, version text, platform text, users text)
    ORDER BY day, app_id, host_id, version, platform
    ON CONFLICT (org_id, day, app_id, host_id, version, platform) DO UPDATE SET users = excluded.users`);
}

/** Pending user-days at one finest key, or one day's retention cohort of a mini-program: numbered users and the rest. */
export type Members = { uids: number[]; names: string[] };
export type PendingRow = SetKey & Members;
export type CohortMembers = { appId: string; day: string } & Members;

/** A first launch not folded under its day yet: out of `foldedDay`'s cohort bitmap (if any), into `day`'s. */
export type CohortMove = { appId: string; day: string; foldedDay: string | null; uid: number | null; name: string };

export type DistinctSources = {
  /** Unfiltered and unscoped: the coarse bitmap rows were read (a few per day), not the finest. */
  coarse: boolean;
  rows: SetRow[];
  /** User-days not folded into the bitmaps yet, at the finest grain. */
  pending: PendingRow[];
  /** Cohorts read from first_launches (a host, version or platform filter): members listed. */
  cohorts: CohortMembers[];
  /** Otherwise the cohort bitmaps (daily_cohort_sets) of the days asked, and the moves that correct them. */
  cohortSets: { appId: string; day: string; users: Uint8Array }[];
  cohortMoves: CohortMove[];
};

const intArray = (text: string | null): number[] => (text && text.length > 2 ? text.slice(1, -1).split(",").map(Number) : []);

/**
 * Everything a distinct figure over [from, to] is made of, in ONE statement (so one snapshot: a fold committing
 * meanwhile is seen entirely or not at all): the day bitmaps (unfiltered and unscoped, the coarse rows; otherwise
 * the finest rows matching the filters), the user-days still pending (their users' numbers where they have one,
 * user ids where not: those cannot be in any bitmap yet), and, over [cohortFrom, cohortTo], the retention cohorts
 * (numbers or user ids likewise).
 */
export async function readDistinctSources(
  db: DbOrTx,
  scope: Scope,
  f: AnalyticsFilters,
  from: string,
  to: string,
  /** Before this day only the whole organization's coarse row is read (the MAU look-back needs no breakdown). */
  breakdownFrom = from,
  cohorts: { from: string; to: string } | null = null,
): Promise<DistinctSources> {
  const coarse = scope.appIds === null && f.hostId === undefined && f.appId === undefined && f.version === undefined && f.platform === undefined;
  const grain = coarse
    ? sql`(app_id = '' OR host_id = '') AND (day >= ${breakdownFrom}::date OR (app_id = '' AND host_id = '' AND platform = ''))`
    : sql`app_id <> '' AND host_id <> ''`;
  // Rows are packed a day to a row (JSON arrays, the bitmaps in base64): a result row costs about 10 µs on PGlite
  // whatever its size (measured on the full bench database: the 7,982 coarse rows of 126 days took 183 ms as rows,
  // 22 ms packed by day), and the overview reads thousands of small bitmaps.
  // Cohorts are chosen by where the first launch happened under a host, version or platform filter: only
  // first_launches has that. Otherwise the cohort bitmaps, corrected by the unfolded first launches (a partial
  // index: as many as the fold has not reached yet) that enter or leave the days asked.
  const cohortBitmaps = f.hostId === undefined && f.version === undefined && f.platform === undefined;
  const cohortPart = !cohorts
    ? sql``
    : cohortBitmaps
      ? sql`
    UNION ALL
    SELECT 3, day::text, json_agg(json_build_array(app_id, '', '', '', encode(users, 'base64')))::text
    FROM daily_cohort_sets
    WHERE ${whereDimensions(scope, f)} AND day BETWEEN ${cohorts.from}::date AND ${cohorts.to}::date
    GROUP BY day
    UNION ALL
    SELECT 4, '', json_agg(json_build_array(c.app_id, c.day::text, c.folded_day::text,
      -- A lookup per row, not a hash of every numbered user: the fold keeps these rows few.
      (SELECT o.uid FROM org_users o WHERE o.org_id = c.org_id AND o.user_id = c.user_id), c.user_id))::text
    FROM first_launches c
    WHERE ${whereDimensions(scope, f, "c")} AND c.folded_day IS DISTINCT FROM c.day
      AND (c.day BETWEEN ${cohorts.from}::date AND ${cohorts.to}::date OR c.folded_day BETWEEN ${cohorts.from}::date AND ${cohorts.to}::date)
    HAVING count(*) > 0`
      : sql`
    UNION ALL
    SELECT 2, day, json_agg(json_build_array(app_id, '', '', '', uids, names))::text
    FROM (
      SELECT c.day::text AS day, c.app_id,
        coalesce(array_agg(o.uid) FILTER (WHERE o.uid IS NOT NULL), '{}') AS uids, coalesce(json_agg(c.user_id) FILTER (WHERE o.uid IS NULL), '[]') AS names
      FROM first_launches c LEFT JOIN org_users o ON o.org_id = c.org_id AND o.user_id = c.user_id
      WHERE ${whereDimensions(scope, f, "c")} AND c.day BETWEEN ${cohorts.from}::date AND ${cohorts.to}::date
      GROUP BY c.app_id, c.day
    ) c GROUP BY day`;
  const all = await selectRows<{ kind: number; day: string; packed: string }>(
    db,
    sql`
    SELECT 0 AS kind, day::text AS day, json_agg(json_build_array(app_id, host_id, version, platform, encode(users, 'base64')))::text AS packed
    FROM daily_user_sets
    WHERE ${whereDimensions(scope, f)} AND ${grain} AND day BETWEEN ${from}::date AND ${to}::date
    GROUP BY day
    UNION ALL
    SELECT 1, day, json_agg(json_build_array(app_id, host_id, version, platform, uids, names))::text
    FROM (
      SELECT p.day::text AS day, p.app_id, p.host_id, p.version, p.platform,
        coalesce(array_agg(DISTINCT o.uid) FILTER (WHERE o.uid IS NOT NULL), '{}') AS uids,
        coalesce(json_agg(DISTINCT p.user_id) FILTER (WHERE o.uid IS NULL), '[]') AS names
      FROM pending_user_days p LEFT JOIN org_users o ON o.org_id = p.org_id AND o.user_id = p.user_id
      WHERE ${whereDimensions(scope, f, "p")} AND p.day BETWEEN ${from}::date AND ${to}::date
      GROUP BY p.day, p.app_id, p.host_id, p.version, p.platform
    ) p GROUP BY day
    ${cohortPart}`,
  );
  type Packed = [appId: string, hostId: string, version: string, platform: string, payload: string | number[], names?: string[]];
  const out: DistinctSources = { coarse, rows: [], pending: [], cohorts: [], cohortSets: [], cohortMoves: [] };
  for (const r of all) {
    const kind = Number(r.kind);
    if (kind === 4) {
      for (const [appId, day, foldedDay, uid, name] of JSON.parse(r.packed) as [string, string, string | null, number | null, string][]) {
        out.cohortMoves.push({ appId, day, foldedDay, uid, name });
      }
      continue;
    }
    for (const [appId, hostId, version, platform, payload, names] of JSON.parse(r.packed) as Packed[]) {
      const key = { day: r.day, appId, hostId, version, platform };
      if (kind === 0) out.rows.push({ ...key, users: Buffer.from(payload as string, "base64") });
      else if (kind === 1) out.pending.push({ ...key, uids: payload as number[], names: names ?? [] });
      else if (kind === 2) out.cohorts.push({ appId, day: r.day, uids: payload as number[], names: names ?? [] });
      else out.cohortSets.push({ appId, day: r.day, users: Buffer.from(payload as string, "base64") });
    }
  }
  return out;
}

/**
 * Rebuilds one organization's dictionary and day bitmaps from daily_users (after a bulk load, a rollup rebuild,
 * or the migration that introduced them), in one transaction that also drops its pending user-days (daily_users
 * holds them). Users are numbered in user_id order.
 */
export async function rebuildUserSets(db: DbOrTx, orgId: string): Promise<void> {
  await db.transaction(async (tx) => {
    // Waits for a fold of this organization to finish (and keeps new ones out): a fold must not merge numbers this
    // rebuild is replacing. Pending rows go first: a user-day committed after this point stays pending (and is
    // OR'ed in by readers and the next fold, harmlessly if the rebuild saw it in daily_users too).
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${foldLock(orgId)})`);
    await tx.execute(sql`DELETE FROM pending_user_days WHERE org_id = ${orgId}`);
    await tx.execute(sql`DELETE FROM daily_user_sets WHERE org_id = ${orgId}`);
    await tx.execute(sql`DELETE FROM daily_cohort_sets WHERE org_id = ${orgId}`);
    await tx.execute(sql`DELETE FROM org_users WHERE org_id = ${orgId}`);
    await tx.execute(sql`DELETE FROM org_user_counters WHERE org_id = ${orgId}`);
    await tx.execute(sql`
      INSERT INTO org_users (org_id, user_id, uid)
      SELECT ${orgId}, user_id, (row_number() OVER (ORDER BY user_id) - 1)::int
      FROM (SELECT DISTINCT user_id FROM daily_users WHERE org_id = ${orgId}) u`);
    await tx.execute(sql`
      INSERT INTO org_user_counters (org_id, next)
      SELECT ${orgId}, count(*)::int FROM org_users WHERE org_id = ${orgId} HAVING count(*) > 0`);
    // Every first launch's user has a user-day, so a number; one that had none would stay unfolded, still counted.
    // Rows already folded under their day are left as they are (no new row version for each of them).
    await tx.execute(sql`
      UPDATE first_launches f SET folded_day = f.day
      WHERE f.org_id = ${orgId} AND f.folded_day IS DISTINCT FROM f.day
        AND EXISTS (SELECT 1 FROM org_users o WHERE o.org_id = f.org_id AND o.user_id = f.user_id)`);
    await tx.execute(sql`
      UPDATE first_launches f SET folded_day = NULL
      WHERE f.org_id = ${orgId} AND f.folded_day IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM org_users o WHERE o.org_id = f.org_id AND o.user_id = f.user_id)`);
    await tx.execute(sql`
      INSERT INTO daily_cohort_sets (org_id, day, app_id, users)
      SELECT ${orgId}, day, app_id, decode(users, 'base64')
      FROM jsonb_to_recordset(${JSON.stringify(await cohortBitmaps(tx, orgId))}::jsonb) AS x(day date, app_id text, users text)`);
    const days = await selectRows<{ day: string }>(tx, sql`SELECT DISTINCT day::text AS day FROM daily_users WHERE org_id = ${orgId} ORDER BY 1`);
    // A day at a time keeps memory flat however large the organization.
    for (const { day } of days) {
      const sets = await selectRows<{ app_id: string; host_id: string; version: string; platform: string; uids: number[] | string }>(
        tx,
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
          users: Buffer.from(encodeBitmap(intArray(String(r.uids)))).toString("base64"),
        })),
      );
      await tx.execute(sql`
        INSERT INTO daily_user_sets (org_id, day, app_id, host_id, version, platform, users)
        SELECT ${orgId}, ${day}::date, app_id, host_id, version, platform, decode(users, 'base64')
        FROM jsonb_to_recordset(${json}::jsonb) AS x(app_id text, host_id text, version text, platform text, users text)`);
    }
  });
}

/** Every folded cohort of the organization as a bitmap (base64), for a rebuild. */
async function cohortBitmaps(db: DbOrTx, orgId: string): Promise<{ day: string; app_id: string; users: string }[]> {
  const rows = await selectRows<{ day: string; app_id: string; uids: string }>(
    db,
    sql`
    SELECT f.day::text AS day, f.app_id, array_agg(o.uid)::text AS uids
    FROM first_launches f JOIN org_users o ON o.org_id = f.org_id AND o.user_id = f.user_id
    WHERE f.org_id = ${orgId} AND f.folded_day = f.day
    GROUP BY f.day, f.app_id`,
  );
  return rows.map((r) => ({ day: r.day, app_id: r.app_id, users: Buffer.from(encodeBitmap(intArray(r.uids))).toString("base64") }));
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

