// The distinct-set rollups (db/schema.ts: org_users, org_user_counters, daily_user_sets, pending_user_days):
// numbering users, folding pending user-days into the day bitmaps, reading bitmaps and pending rows in one
// snapshot, and rebuilding them from daily_users.
import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { type Bitmap, BitmapScope, encodeBitmap, withBitmaps, writeBitmap } from "../bitmaps";
import { addDays, eachDay, weekOf, wholeWeeks } from "../dates";
import { cohortRetention } from "../retention-sets";
import { rebuildKeySets } from "./key-sets";
import { type HeldUnit, setCache, unitCache } from "../set-cache";
import { onPostgresJs, selectRows, whereDimensions, type Scope } from "../sql";
import type { AnalyticsFilters } from "../types";

export type SetKey = { day: string; appId: string; hostId: string; version: string; platform: string };
/** A bitmap row as read; `rev` names its version (lib/analytics/set-cache.ts), absent on a set made of pending rows. */
export type SetRow = SetKey & { users: Uint8Array; rev?: string };

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

/** The coarse breakdown grains (not the finest, not the whole organization's) also have a row per ISO week. */
const hasWeekRow = (k: Omit<SetKey, "day">) => (k.appId === "" || k.hostId === "") && !(k.appId === "" && k.hostId === "" && k.platform === "");

/** The mini-program grain (app, '', version, ''): what a mini-program's active users on a day are the union of. */
const isAppGrain = (k: Omit<SetKey, "day">) => k.appId !== "" && k.hostId === "";

/** Advisory-lock class of the per-organization fold lock (the key is hashtext(org_id)): "US", user sets. */
const FOLD_LOCK_CLASS = 0x5553;
export const foldLock = (orgId: string) => sql`${FOLD_LOCK_CLASS}::int, hashtext(${orgId})`;

/**
 * Deletes the queue rows a fold has read (`seqs`, taken oldest first) from pending_user_days or pending_key_users, by
 * their exact seqs: a row with a lower seq committed since (sequences are not commit-ordered) stays pending. The
 * seqs' range is part of the condition so that every plan reads only that range of the (org_id, seq) key, whatever
 * the queue's statistics say. Queues swing from empty to hundreds of thousands of rows under ingestion; written as
 * `seq IN (SELECT jsonb_array_elements_text(…))`, a statistics snapshot taken while the organization had no pending
 * rows gave a nested loop that ran the list's function once per pending row of the organization (57 s for one fold
 * of 5,000 rows, 400 k rows pending, on the PostgreSQL bench database: docs/benchmarks.md).
 */
export function deleteFoldedQuery(table: "pending_user_days" | "pending_key_users", orgId: string, seqs: readonly string[]): SQL {
  let lo = BigInt(seqs[0]!);
  let hi = lo;
  for (const x of seqs) {
    const n = BigInt(x);
    if (n < lo) lo = n;
    if (n > hi) hi = n;
  }
  return sql`DELETE FROM ${sql.identifier(table)} WHERE org_id = ${orgId}
    AND seq BETWEEN ${lo.toString()}::bigint AND ${hi.toString()}::bigint AND seq = ANY(${`{${seqs.join(",")}}`}::bigint[])`;
}

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
    const weekDelta = new Map<string, { key: SetKey; uids: number[] }>();
    const add = (into: typeof delta, key: SetKey, uids: Iterable<number>) => {
      const k = keyString(key);
      (into.get(k) ?? into.set(k, { key, uids: [] }).get(k)!).uids.push(...uids);
    };
    for (const r of rows) {
      const uid = uids.get(r.user_id)!;
      for (const key of grainsOf(r.day, r.app_id, r.host_id, r.version, r.platform)) add(delta, key, [uid]);
    }
    // Only what a day row did not hold yet can be new to its week's row or change a retention figure: most user-days
    // of a returning user add nothing at the host, platform or mini-program grain.
    const cohorts = new Map<string, CohortKey>();
    for (const { key, uids: fresh } of await mergeIntoSets(tx, orgId, delta, "daily_user_sets")) {
      if (hasWeekRow(key)) add(weekDelta, { ...key, day: weekOf(key.day) }, fresh);
      // A mini-program's active users on day X changed: the D1 of its cohort X-1 and the D7 of its cohort X-7.
      if (isAppGrain(key)) for (const back of [1, 7]) addCohortKey(cohorts, key.appId, addDays(key.day, -back));
    }
    await mergeIntoSets(tx, orgId, weekDelta, "weekly_user_sets");
    await refreshRetention(tx, orgId, [...cohorts.values()]);
    await tx.execute(deleteFoldedQuery("pending_user_days", orgId, rows.map((r) => r.seq)));
    return { folded: rows.length, locked: true, more: rows.length === limit };
  });
}

/**
 * Organizations with pending user-days, unfolded first launches or pending key-users (each read is of a small set:
 * a queue, a partial index of the first launches not folded yet, a queue).
 */
export async function orgsWithPendingUserDays(db: DbOrTx): Promise<string[]> {
  return (
    await selectRows<{ org_id: string }>(
      db,
      sql`SELECT org_id FROM pending_user_days UNION SELECT org_id FROM first_launches WHERE folded_day IS DISTINCT FROM day
        UNION SELECT org_id FROM pending_key_users`,
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
      ON CONFLICT (org_id, day, app_id) DO UPDATE SET users = excluded.users, rev = excluded.rev`);
    await refreshRetention(tx, orgId, [...delta.values()].map((d) => ({ appId: d.appId, day: d.day })));
    await tx.execute(sql`
      UPDATE first_launches f SET folded_day = x.day
      FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ app_id: r.app_id, user_id: r.user_id, day: r.day })))}::jsonb) AS x(app_id text, user_id text, day date)
      WHERE f.org_id = ${orgId} AND f.app_id = x.app_id AND f.user_id = x.user_id`);
    return { folded: rows.length, locked: true, more: rows.length === limit };
  });
}

/** What a merge added: per key, the numbers that were not in its bitmap yet (all of them for a new row). */
type Added = { key: SetKey; uids: Uint32Array }[];

/**
 * ORs each key's uids into its day (or week) bitmap: the existing rows are read once, merged in memory and written
 * back with the new ones in a single upsert. Only folds and rebuilds write these rows, both under the organization's
 * fold lock, so nothing changes them between the read and the write.
 */
async function mergeIntoSets(db: DbOrTx, orgId: string, delta: Map<string, { key: SetKey; uids: number[] }>, table: "daily_user_sets" | "weekly_user_sets"): Promise<Added> {
  if (delta.size === 0) return [];
  // The weekly rows key their week's Monday in `week`; both tables are otherwise alike.
  const t = sql.raw(table);
  const dayCol = sql.raw(table === "daily_user_sets" ? "day" : "week");
  const keys = JSON.stringify([...delta.values()].map(({ key }) => ({ day: key.day, app_id: key.appId, host_id: key.hostId, version: key.version, platform: key.platform })));
  const existing = await selectRows<{ day: string; app_id: string; host_id: string; version: string; platform: string; users: Uint8Array }>(
    db,
    sql`
    SELECT s.${dayCol}::text AS day, s.app_id, s.host_id, s.version, s.platform, s.users FROM ${t} s
    WHERE s.org_id = ${orgId} AND (s.${dayCol}, s.app_id, s.host_id, s.version, s.platform) IN (
      SELECT day, app_id, host_id, version, platform
      FROM jsonb_to_recordset(${keys}::jsonb) AS x(day date, app_id text, host_id text, version text, platform text))`,
  );
  const added: Added = [];
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
      const fresh = s.of(d.uids);
      fresh.andNotInPlace(b);
      if (fresh.isEmpty) continue;
      added.push({ key, uids: fresh.toUint32Array() });
      b.orInPlace(fresh);
      put(key, writeBitmap(b));
    }
    for (const d of delta.values()) {
      const b = s.of(d.uids);
      added.push({ key: d.key, uids: b.toUint32Array() });
      put(d.key, writeBitmap(b));
    }
    return out;
  });
  if (writes.length === 0) return added;
  await db.execute(sql`
    INSERT INTO ${t} AS s (org_id, ${dayCol}, app_id, host_id, version, platform, users)
    SELECT ${orgId}, day, app_id, host_id, version, platform, decode(users, 'base64')
    FROM jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) AS x(day date, app_id text, host_id text, version text, platform text, users text)
    ORDER BY day, app_id, host_id, version, platform
    ON CONFLICT (org_id, ${dayCol}, app_id, host_id, version, platform) DO UPDATE SET users = excluded.users, rev = excluded.rev`);
  return added;
}

/** A mini-program's retention cohort: the users whose first launch of it fell on `day`. */
export type CohortKey = { appId: string; day: string };

function addCohortKey(into: Map<string, CohortKey>, appId: string, day: string): void {
  into.set(`${appId}\n${day}`, { appId, day });
}

/** Keys a statement reads at most: a few thousand keep its JSON parameter and its plan small. */
const RETENTION_CHUNK = 2_000;

/**
 * Recomputes daily_retention for these cohorts from the folded sets: the cohort bitmap, and the mini-program's
 * active users on day d+1 and d+7 (the union of its (app, '', version, '') rows of that day). A cohort with no
 * member loses its row. Run by each fold (and rebuild) after it wrote the sets, in its transaction, under the
 * organization's fold lock, so the rows always match the folded sets.
 */
export async function refreshRetention(db: DbOrTx, orgId: string, keys: CohortKey[]): Promise<void> {
  for (let i = 0; i < keys.length; i += RETENTION_CHUNK) {
    const chunk = JSON.stringify(keys.slice(i, i + RETENTION_CHUNK).map((k) => ({ app_id: k.appId, day: k.day })));
    const rows = await selectRows<{ kind: number; day: string; app_id: string; users: Uint8Array }>(
      db,
      sql`
      WITH k AS (SELECT DISTINCT app_id, day FROM jsonb_to_recordset(${chunk}::jsonb) AS x(app_id text, day date))
      SELECT 0 AS kind, s.day::text AS day, s.app_id, s.users FROM daily_cohort_sets s JOIN k ON k.app_id = s.app_id AND k.day = s.day
      WHERE s.org_id = ${orgId}
      UNION ALL
      SELECT 1, s.day::text, s.app_id, s.users FROM daily_user_sets s
      WHERE s.org_id = ${orgId} AND s.host_id = '' AND s.platform = '' AND s.app_id <> ''
        AND (s.app_id, s.day) IN (SELECT app_id, day + 1 FROM k UNION SELECT app_id, day + 7 FROM k)`,
    );
    const figures = withBitmaps((s) => {
      const read = (kind: number) => rows.filter((r) => Number(r.kind) === kind).map((r) => ({ appId: r.app_id, day: r.day, set: s.read(r.users) }));
      const cohorts = read(0).map((c) => ({ appId: c.appId, day: c.day, members: c.set }));
      return cohortRetention(s, read(1), cohorts)
        .filter((c) => c.cohort > 0)
        .map((c) => ({ app_id: c.appId, day: c.day, cohort: c.cohort, d1: c.d1, d7: c.d7 }));
    });
    await db.execute(sql`
      DELETE FROM daily_retention r USING jsonb_to_recordset(${chunk}::jsonb) AS x(app_id text, day date)
      WHERE r.org_id = ${orgId} AND r.app_id = x.app_id AND r.day = x.day`);
    if (figures.length === 0) continue;
    await db.execute(sql`
      INSERT INTO daily_retention (org_id, day, app_id, cohort, d1, d7)
      SELECT ${orgId}, day, app_id, cohort, d1, d7
      FROM jsonb_to_recordset(${JSON.stringify(figures)}::jsonb) AS x(day date, app_id text, cohort int, d1 int, d7 int)
      ORDER BY day, app_id`);
  }
}

/** Pending user-days at one finest key, or one day's retention cohort of a mini-program: numbered users and the rest. */
export type Members = { uids: number[]; names: string[] };
export type PendingRow = SetKey & Members;
export type CohortMembers = { appId: string; day: string } & Members;

/** A first launch not folded under its day yet: out of `foldedDay`'s cohort bitmap (if any), into `day`'s. */
export type CohortMove = { appId: string; day: string; foldedDay: string | null; uid: number | null; name: string };

export type DistinctSources = {
  /** Unfiltered and unscoped: the coarse bitmap rows were read (a few per day, and per whole week), not the finest. */
  coarse: boolean;
  /** Day bitmaps, and (coarse) the weekly ones of the range's whole weeks, whose `day` is the week's Monday. */
  rows: SetRow[];
  /** User-days not folded into the bitmaps yet, at the finest grain. */
  pending: PendingRow[];
  /** A host, version or platform filter: the cohorts were read from first_launches, members listed. */
  listed: boolean;
  cohorts: CohortMembers[];
  /**
   * Otherwise daily_retention's figures per day, summed over the mini-programs, for the cohorts nothing pending
   * changes; and for the cohorts something pending does change, their bitmaps, the moves that correct them, and
   * (coarse) the day rows of their mini-program on day d+1 and d+7.
   */
  retention: { day: string; cohort: number; d1: number; d7: number }[];
  cohortSets: { appId: string; day: string; users: Uint8Array }[];
  cohortMoves: CohortMove[];
  activeRows: SetRow[];
};

export const intArray = (text: string | null): number[] => (text && text.length > 2 ? text.slice(1, -1).split(",").map(Number) : []);

/**
 * One part of the distinct-set read: bitmap rows `FROM … WHERE …` with the key columns named `cols`, as the columns
 * (kind, day, packed, users, app_id, host_id, version, platform) every part answers. On PGlite they are packed a day
 * to a row (JSON arrays, the bitmaps in base64): a result row costs about 10 µs there whatever its size (measured on
 * the full bench database: 7,982 coarse rows of 126 days, 183 ms as rows, 22 ms packed by day). On PostgreSQL the
 * packing is what costs (the 10 M-event bench's 1,938 overview rows: 14-24 ms as rows, 52-60 ms packed), so rows.
 */
function bitmapPart(pack: boolean, kind: number, day: SQL, cols: [app: SQL, host: SQL, version: SQL, platform: SQL], alias: string, from: SQL): SQL {
  const [app, host, version, platform] = cols;
  const users = sql.raw(`${alias}.users`);
  const rev = sql.raw(`${alias}.rev`);
  // As rows (PostgreSQL, where versions are kept): the bytes of a version this process holds (the `known` revs,
  // lib/analytics/set-cache.ts) are not sent again.
  const known = sql`${rev} IN (SELECT rev FROM known)`;
  return pack
    ? sql`SELECT ${sql.raw(String(kind))}, ${day}::text, json_agg(json_build_array(${app}, ${host}, ${version}, ${platform}, encode(${users}, 'base64'), ${rev}::text))::text,
        NULL::bytea, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text ${from} GROUP BY ${day}`
    : sql`SELECT ${sql.raw(String(kind))}, ${day}::text, NULL::text, CASE WHEN ${known} THEN NULL ELSE ${users} END,
        ${app}::text, ${host}::text, ${version}::text, ${platform}::text, ${rev}::text ${from}`;
}

/** A part of the distinct-set read that is packed JSON on both databases (small: pending rows, moves, figures). */
const NO_BITMAP = sql`NULL::bytea, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text`;

/**
 * Everything a distinct figure over [from, to] is made of, in ONE statement (so one snapshot: a fold committing
 * meanwhile is seen entirely or not at all): the bitmaps (unfiltered and unscoped, the coarse rows: the whole
 * organization's per day, the breakdown grains' per whole week and per loose day; otherwise the finest day rows
 * matching the filters), the user-days still pending (their users' numbers where they have one, user ids where
 * not: those cannot be in any bitmap yet), and with `withDays` the MAU look-back (the 29 days before `from`) and
 * the retention cohorts of [from, to].
 */
export async function readDistinctSources(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string, withDays: boolean): Promise<DistinctSources> {
  const coarse = scope.appIds === null && f.hostId === undefined && f.appId === undefined && f.version === undefined && f.platform === undefined;
  const pack = !onPostgresJs(db);
  const start = withDays ? addDays(from, -29) : from;
  // Day d+7 of the range's last cohort.
  const end = withDays ? addDays(to, 7) : to;
  const weeks = wholeWeeks(from, to);
  const keyCols = (alias: string): [SQL, SQL, SQL, SQL] => [sql.raw(`${alias}.app_id`), sql.raw(`${alias}.host_id`), sql.raw(`${alias}.version`), sql.raw(`${alias}.platform`)];
  const orgGrain = sql`s.app_id = '' AND s.host_id = '' AND s.platform = ''`;
  const dayRows = coarse
    ? sql`(s.app_id = '' OR s.host_id = '') AND (${orgGrain} AND s.day BETWEEN ${start}::date AND ${to}::date
        OR NOT (${orgGrain}) AND s.day BETWEEN ${from}::date AND ${to}::date
          ${weeks ? sql`AND NOT s.day BETWEEN ${weeks.first}::date AND ${addDays(weeks.last, 6)}::date` : sql``})`
    : sql`s.app_id <> '' AND s.host_id <> '' AND s.day BETWEEN ${start}::date AND ${end}::date`;
  const weekRows = weeks ? sql`w.org_id = ${scope.orgId} AND w.week BETWEEN ${weeks.first}::date AND ${weeks.last}::date` : sql`false`;
  // PGlite: the day and week rows come in units (a day's organization row 'o', a day's breakdown rows 'b', a week's
  // rows 'w', a day's finest rows under the filters 'f'), each held by this process as last read (set-cache.ts,
  // unitCache) with its checksum then. The statement computes every unit's checksum from its rows' revs (without
  // reading the bitmaps: about 10 ms for the biggest organization's overview, 108 units) and sends the bytes of a
  // unit only when its checksum is not the one held: on the full bench database, the biggest organization's overview
  // read 841 KB of base64 JSON in 35-95 ms, and decoded it in 6-21 ms more. A held unit is used only as its checksum in this statement's snapshot says, so every figure
  // stays exact. Its rows carry their revs: the unions of the same versions are counted once (UnionSizes).
  const units = pack && unitCache.budget > 0;
  const unitOf = coarse ? sql`CASE WHEN ${orgGrain} THEN 'o' ELSE 'b' END` : sql`'f'`;
  const scopeKey = coarse ? "" : JSON.stringify([scope.appIds, f.appId ?? null, f.hostId ?? null, f.version ?? null, f.platform ?? null]);
  const cacheKey = (unit: string) => `${scope.orgId}\n${scopeKey}\n${unit}`;
  const held = new Map<string, HeldUnit>();
  if (units) {
    const loose = (d: string) => !weeks || d < weeks.first || d > addDays(weeks.last, 6);
    const wanted = coarse
      ? [
          ...eachDay(start, to).map((d) => `o\n${d}`),
          ...eachDay(from, to)
            .filter(loose)
            .map((d) => `b\n${d}`),
          ...(weeks ? eachDay(weeks.first, weeks.last).filter((d) => weekOf(d) === d) : []).map((w) => `w\n${w}`),
        ]
      : eachDay(start, end).map((d) => `f\n${d}`);
    for (const unit of wanted) {
      const h = unitCache.get(cacheKey(unit));
      if (h) held.set(unit, h);
    }
  }
  const unitCtes = !units
    ? sql``
    : sql`,
    held AS MATERIALIZED (
      SELECT u, day, ck FROM jsonb_to_recordset(${JSON.stringify([...held].map(([unit, h]) => ({ u: unit.slice(0, 1), day: unit.slice(2), ck: h.ck })))}::jsonb) AS h(u text, day date, ck text)
    ),
    cks AS MATERIALIZED (
      SELECT ${unitOf} AS u, s.day, count(*)::text || ':' || bit_xor(hashtextextended(s.rev::text, 0))::text AS ck
      FROM daily_user_sets s WHERE ${whereDimensions(scope, f, "s")} AND ${dayRows} GROUP BY 1, 2
      ${coarse && weeks ? sql`UNION ALL SELECT 'w', w.week, count(*)::text || ':' || bit_xor(hashtextextended(w.rev::text, 0))::text FROM weekly_user_sets w WHERE ${weekRows} GROUP BY 2` : sql``}
    ),
    keep AS MATERIALIZED (SELECT u, day FROM held JOIN cks USING (u, day) WHERE held.ck = cks.ck)`;
  const unitPart = !units
    ? sql``
    : sql`
    UNION ALL
    SELECT 9, '', json_agg(json_build_array(u, day::text, ck))::text, ${NO_BITMAP} FROM cks HAVING count(*) > 0`;
  const notKept = (unit: SQL, day: SQL) => (units ? sql` AND NOT EXISTS (SELECT 1 FROM keep k WHERE k.u = ${unit} AND k.day = ${day})` : sql``);
  const weekPart =
    coarse && weeks
      ? sql`
    UNION ALL
    ${bitmapPart(pack, 5, sql`w.week`, keyCols("w"), "w", sql`FROM weekly_user_sets w WHERE ${weekRows}${notKept(sql`'w'`, sql`w.week`)}`)}`
      : sql``;
  // Cohorts are chosen by where the first launch happened under a host, version or platform filter: only
  // first_launches has that. Otherwise daily_retention holds each cohort's figures over the folded sets; the cohorts
  // that pending user-days (on their day d+1 or d+7) or unfolded first launches (a partial index: as many as the fold
  // has not reached yet) would change are computed from their bitmaps instead.
  const listed = f.hostId !== undefined || f.version !== undefined || f.platform !== undefined;
  const stored = withDays && !listed;
  const cohortCtes = !stored
    ? sql``
    : sql`,
    moves AS (
      SELECT c.app_id, c.day, c.folded_day, c.user_id,
        -- A lookup per row, not a hash of every numbered user: the fold keeps these rows few.
        (SELECT o.uid FROM org_users o WHERE o.org_id = c.org_id AND o.user_id = c.user_id) AS uid
      FROM first_launches c
      WHERE ${whereDimensions(scope, f, "c")} AND c.folded_day IS DISTINCT FROM c.day
        AND (c.day BETWEEN ${from}::date AND ${to}::date OR c.folded_day BETWEEN ${from}::date AND ${to}::date)
    ),
    dirty AS (
      SELECT DISTINCT app_id, d AS day FROM (
        SELECT app_id, day - 1 AS d FROM pend UNION ALL SELECT app_id, day - 7 FROM pend
        UNION ALL SELECT app_id, day FROM moves UNION ALL SELECT app_id, folded_day FROM moves
      ) x WHERE d BETWEEN ${from}::date AND ${to}::date
    )`;
  const empty = sql`''`;
  const cohortPart = !withDays
    ? sql``
    : stored
      ? sql`
    UNION ALL
    ${bitmapPart(
      pack,
      3,
      sql`s.day`,
      [sql`s.app_id`, empty, empty, empty],
      "s",
      sql`FROM daily_cohort_sets s JOIN dirty ON dirty.app_id = s.app_id AND dirty.day = s.day WHERE ${whereDimensions(scope, f, "s")}`,
    )}
    UNION ALL
    SELECT 4, '', json_agg(json_build_array(app_id, day::text, folded_day::text, uid, user_id))::text, ${NO_BITMAP}
    FROM moves HAVING count(*) > 0
    UNION ALL
    SELECT 6, '', json_agg(json_build_array(day::text, cohort, d1, d7))::text, ${NO_BITMAP}
    FROM (
      SELECT r.day, sum(r.cohort)::int AS cohort, sum(r.d1)::int AS d1, sum(r.d7)::int AS d7 FROM daily_retention r
      WHERE ${whereDimensions(scope, f, "r")} AND r.day BETWEEN ${from}::date AND ${to}::date
        AND NOT EXISTS (SELECT 1 FROM dirty WHERE dirty.app_id = r.app_id AND dirty.day = r.day)
      GROUP BY r.day
    ) r HAVING count(*) > 0
    ${
      coarse
        ? sql`
    UNION ALL
    ${bitmapPart(
      pack,
      7,
      sql`s.day`,
      keyCols("s"),
      "s",
      sql`FROM daily_user_sets s
    WHERE s.org_id = ${scope.orgId} AND s.host_id = '' AND s.platform = '' AND s.app_id <> ''
      AND (s.app_id, s.day) IN (SELECT app_id, day + 1 FROM dirty UNION SELECT app_id, day + 7 FROM dirty)`,
    )}`
        : sql``
    }`
      : sql`
    UNION ALL
    SELECT 2, day, json_agg(json_build_array(app_id, '', '', '', uids, names))::text, ${NO_BITMAP}
    FROM (
      SELECT c.day::text AS day, c.app_id,
        coalesce(array_agg(o.uid) FILTER (WHERE o.uid IS NOT NULL), '{}') AS uids, coalesce(json_agg(c.user_id) FILTER (WHERE o.uid IS NULL), '[]') AS names
      FROM first_launches c LEFT JOIN org_users o ON o.org_id = c.org_id AND o.user_id = c.user_id
      WHERE ${whereDimensions(scope, f, "c")} AND c.day BETWEEN ${from}::date AND ${to}::date
      GROUP BY c.app_id, c.day
    ) c GROUP BY day`;
  // Every bitmap row read is dated in [start, end] (a week row by its Monday, within the range). Versions by rev only on
  // PostgreSQL: there the bytes cross a socket and postgres-js decodes their hex (about 13 ms a MB). On PGlite a row
  // returned costs about 10 µs, so a row per held version cost more than it saved (its full bench ran slower with it:
  // idle p95 99 against 87 ms); it holds whole units instead (above), checked by one checksum row each.
  const cached = !pack;
  const heldRevs = cached ? setCache.held(scope.orgId, start, end) : new Map<string, Uint8Array>();
  const all = await selectRows<{
    kind: number;
    day: string;
    packed: string | null;
    users: Uint8Array | null;
    app_id: string;
    host_id: string;
    version: string;
    platform: string;
    rev: string | null;
  }>(
    db,
    sql`
    WITH pend AS MATERIALIZED (
      -- A lookup per pending user-day, not a hash of every numbered user (71 k for the bench's biggest organization,
      -- about 55 ms to build beside 2,000 pending user-days).
      SELECT p.day, p.app_id, p.host_id, p.version, p.platform, p.user_id,
        (SELECT o.uid FROM org_users o WHERE o.org_id = p.org_id AND o.user_id = p.user_id) AS uid
      FROM pending_user_days p
      WHERE ${whereDimensions(scope, f, "p")} AND p.day BETWEEN ${start}::date AND ${end}::date
    )${cached ? sql`,
    known AS MATERIALIZED (SELECT unnest(${`{${[...heldRevs.keys()].join(",")}}`}::uuid[]) AS rev)` : sql``}${unitCtes}${cohortCtes}
    SELECT kind, day, packed, users, app_id, host_id, version, platform, rev FROM (
    ${bitmapPart(pack, 0, sql`s.day`, keyCols("s"), "s", sql`FROM daily_user_sets s WHERE ${whereDimensions(scope, f, "s")} AND ${dayRows}${notKept(unitOf, sql`s.day`)}`)}
    UNION ALL
    -- Each pending user-day as it is (grouped by key below): a DISTINCT aggregate per key sorted each group, about
    -- half of this part's time.
    SELECT 1, day::text, json_agg(json_build_array(app_id, host_id, version, platform, uid, CASE WHEN uid IS NULL THEN user_id END))::text, ${NO_BITMAP}
    FROM pend GROUP BY day
    ${weekPart}
    ${cohortPart}
    ${unitPart}
    ) AS parts(kind, day, packed, users, app_id, host_id, version, platform, rev)`,
  );
  // The sixth: a cohort's members not numbered yet (kind 2), or a bitmap row's rev.
  type Packed = [appId: string, hostId: string, version: string, platform: string, payload: string | number[], sixth?: string[] | string];
  const out: DistinctSources = { coarse, listed, rows: [], pending: [], cohorts: [], retention: [], cohortSets: [], cohortMoves: [], activeRows: [] };
  // A version's bytes: sent (and now kept), or held since before the read.
  const bytesOf = (rev: string, sent: Uint8Array | null, kind: number, key: SetKey): Uint8Array => {
    if (sent) {
      // A copy of its own: a small Buffer is a slice of a shared pool, which it would keep alive. The row is named
      // by its table (kinds 0 and 7 both read daily_user_sets) and key: a newer version replaces the one kept.
      const table = kind === 5 ? "w" : kind === 3 ? "c" : "d";
      setCache.put(rev, scope.orgId, key.day, `${table}\n${key.day}\n${key.appId}\n${key.hostId}\n${key.version}\n${key.platform}`, new Uint8Array(sent));
      return sent;
    }
    const bytes = heldRevs.get(rev);
    if (!bytes) throw new Error(`bitmap version ${rev} was neither sent nor held`);
    return bytes;
  };
  // PGlite: the day and week rows sent, by unit, and every unit's checksum now.
  const sent = new Map<string, SetRow[]>();
  const checksums = new Map<string, string>();
  const addBitmap = (kind: number, key: SetKey, rev: string | undefined, users: Uint8Array): SetRow => {
    const r = { ...key, users, rev };
    if (kind === 0 || kind === 5) out.rows.push(r);
    else if (kind === 7) out.activeRows.push(r);
    else out.cohortSets.push({ appId: key.appId, day: key.day, users });
    return r;
  };
  for (const r of all) {
    const kind = Number(r.kind);
    if (r.rev !== null) {
      const key = { day: r.day, appId: r.app_id, hostId: r.host_id, version: r.version, platform: r.platform };
      addBitmap(kind, key, r.rev, bytesOf(r.rev, r.users, kind, key));
      continue;
    }
    if (kind === 4) {
      for (const [appId, day, foldedDay, uid, name] of JSON.parse(r.packed!) as [string, string, string | null, number | null, string][]) {
        out.cohortMoves.push({ appId, day, foldedDay, uid, name });
      }
      continue;
    }
    if (kind === 6) {
      for (const [day, cohort, d1, d7] of JSON.parse(r.packed!) as [string, number, number, number][]) out.retention.push({ day, cohort, d1, d7 });
      continue;
    }
    if (kind === 1) {
      // A day's pending user-days, one entry each: grouped by key, a user's number or (not numbered yet) name.
      const byKey = new Map<string, PendingRow>();
      for (const [appId, hostId, version, platform, uid, name] of JSON.parse(r.packed!) as [string, string, string, string, number | null, string | null][]) {
        const k = `${appId}\n${hostId}\n${version}\n${platform}`;
        let p = byKey.get(k);
        if (!p) byKey.set(k, (p = { day: r.day, appId, hostId, version, platform, uids: [], names: [] }));
        if (uid !== null) p.uids.push(uid);
        else p.names.push(name!);
      }
      out.pending.push(...byKey.values());
      continue;
    }
    if (kind === 9) {
      for (const [unit, day, ck] of JSON.parse(r.packed!) as [string, string, string][]) checksums.set(`${unit}\n${day}`, ck);
      continue;
    }
    for (const [appId, hostId, version, platform, payload, sixth] of JSON.parse(r.packed!) as Packed[]) {
      const key = { day: r.day, appId, hostId, version, platform };
      if (kind === 2) {
        out.cohorts.push({ appId, day: r.day, uids: payload as number[], names: (sixth as string[] | undefined) ?? [] });
        continue;
      }
      const bytes = Buffer.from(payload as string, "base64");
      if (!units || (kind !== 0 && kind !== 5)) {
        addBitmap(kind, key, sixth as string, bytes);
        continue;
      }
      // Kept in its unit (the unit as `unitOf` names it in the statement): bytes of its own, since a small Buffer is
      // a slice of a shared pool, which it would keep alive.
      const unit = `${kind === 5 ? "w" : !coarse ? "f" : appId === "" && hostId === "" && platform === "" ? "o" : "b"}\n${r.day}`;
      const row = addBitmap(kind, key, sixth as string, new Uint8Array(bytes));
      (sent.get(unit) ?? sent.set(unit, []).get(unit)!).push(row);
    }
  }
  if (units) {
    for (const [unit, h] of held) {
      if (checksums.get(unit) === h.ck) out.rows.push(...h.rows);
      else if (!sent.has(unit)) unitCache.delete(cacheKey(unit));
    }
    for (const [unit, rows] of sent) unitCache.set(cacheKey(unit), { ck: checksums.get(unit)!, rows });
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
    await tx.execute(sql`DELETE FROM weekly_user_sets WHERE org_id = ${orgId}`);
    await tx.execute(sql`DELETE FROM daily_retention WHERE org_id = ${orgId}`);
    await tx.execute(sql`DELETE FROM org_users WHERE org_id = ${orgId}`);
    await tx.execute(sql`DELETE FROM org_user_counters WHERE org_id = ${orgId}`);
    await tx.execute(sql`
      INSERT INTO org_users (org_id, user_id, uid)
      SELECT ${orgId}, user_id, (row_number() OVER (ORDER BY user_id) - 1)::int
      FROM (SELECT DISTINCT user_id FROM daily_users WHERE org_id = ${orgId}) u`);
    // The queries below join this organization's rows to the numbers just written, which the planner's statistics
    // do not know yet (they may even say the organization has none): planned on those, a join that should look each
    // user up by its key read all of the organization's numbers for every row instead (on the 10 M-event bench
    // database, 13 minutes for the first 4 of 30 organizations; 182 s for all 30 with this). ANALYZE inside the
    // transaction samples its own new rows; its lock only keeps a second ANALYZE of the table out until commit.
    await tx.execute(sql`ANALYZE org_users`);
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
    await rebuildWeeks(tx, orgId, days.map((d) => d.day));
    const cohorts = await selectRows<{ app_id: string; day: string }>(tx, sql`SELECT app_id, day::text AS day FROM daily_cohort_sets WHERE org_id = ${orgId}`);
    await refreshRetention(
      tx,
      orgId,
      cohorts.map((c) => ({ appId: c.app_id, day: c.day })),
    );
    // The key bitmaps hold the numbers just replaced.
    await rebuildKeySets(tx, orgId);
  });
}

/** The weekly rows of these days' weeks, each the union of its days' coarse breakdown rows. */
async function rebuildWeeks(db: DbOrTx, orgId: string, days: string[]): Promise<void> {
  for (const week of [...new Set(days.map(weekOf))]) {
    const rows = await selectRows<{ app_id: string; host_id: string; version: string; platform: string; users: Uint8Array }>(
      db,
      sql`
      SELECT app_id, host_id, version, platform, users FROM daily_user_sets
      WHERE org_id = ${orgId} AND day BETWEEN ${week}::date AND ${addDays(week, 6)}::date
        AND (app_id = '' OR host_id = '') AND NOT (app_id = '' AND host_id = '' AND platform = '')`,
    );
    const json = withBitmaps((s) => {
      const byKey = new Map<string, { key: Omit<SetKey, "day">; set: Bitmap }>();
      for (const r of rows) {
        const key = { appId: r.app_id, hostId: r.host_id, version: r.version, platform: r.platform };
        const k = keyString({ day: week, ...key });
        const cur = byKey.get(k);
        if (cur) cur.set.orInPlace(s.read(r.users));
        else byKey.set(k, { key, set: s.read(r.users) });
      }
      return JSON.stringify(
        [...byKey.values()].map(({ key, set }) => ({
          app_id: key.appId,
          host_id: key.hostId,
          version: key.version,
          platform: key.platform,
          users: Buffer.from(writeBitmap(set)).toString("base64"),
        })),
      );
    });
    await db.execute(sql`
      INSERT INTO weekly_user_sets (org_id, week, app_id, host_id, version, platform, users)
      SELECT ${orgId}, ${week}::date, app_id, host_id, version, platform, decode(users, 'base64')
      FROM jsonb_to_recordset(${json}::jsonb) AS x(app_id text, host_id text, version text, platform text, users text)`);
  }
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

/**
 * Organizations with user-days but no bitmaps yet (migration 0019), or bitmaps but no weekly rows (0022, which also
 * brought daily_retention): what backfillUserSets() rebuilds.
 */
export async function backfillUserSets(db: DbOrTx): Promise<number> {
  const orgs = await selectRows<{ org_id: string }>(
    db,
    sql`
    SELECT c.org_id FROM org_user_counters c
    WHERE (NOT EXISTS (SELECT 1 FROM daily_user_sets s WHERE s.org_id = c.org_id) OR NOT EXISTS (SELECT 1 FROM weekly_user_sets w WHERE w.org_id = c.org_id))
      AND EXISTS (SELECT 1 FROM daily_users d WHERE d.org_id = c.org_id)`,
  );
  for (const { org_id } of orgs) await rebuildUserSets(db, org_id);
  return orgs.length;
}

