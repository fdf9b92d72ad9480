// The keyed rollups' distinct-set part (db/schema.ts: daily_key_sets, pending_key_users): who hit each page, custom
// event or error group on each day, as roaring bitmaps of org_users.uid, folded in the background from what
// ingestion appends, and read as unions with the rows still pending. The overview's design (user-sets.ts) applied
// to keys: an unfiltered 90-day read of a mini-program's pages unions about 90 small bitmaps per page instead of
// hashing a daily_key_users row per user, day, host, version, platform and page.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { EventKeyKind } from "@/db/schema";
import { withBitmaps, writeBitmap } from "../bitmaps";
import { selectRows } from "../sql";
import { assignUserIds, deleteFoldedQuery, foldLock, intArray, type FoldResult } from "./user-sets";

type KeySetKey = { appId: string; kind: EventKeyKind; day: string; key: string };
const keyString = (k: KeySetKey) => JSON.stringify([k.appId, k.kind, k.day, k.key]);

/**
 * The background fold of one organization's pending key-users: up to `limit` of them, oldest first, their users
 * numbered, OR'ed into the day's key bitmaps (each touched row read, merged and written once) and deleted, in one
 * transaction under the organization's fold lock (shared with the user-day fold and rebuilds), so a reader sees each
 * either pending or in a bitmap.
 */
export async function foldPendingKeyUsers(db: DbOrTx, orgId: string, limit = 5_000): Promise<FoldResult> {
  return db.transaction(async (tx) => {
    const [lock] = await selectRows<{ ok: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${foldLock(orgId)}) AS ok`);
    if (!lock?.ok) return { folded: 0, locked: false, more: true };
    const rows = await selectRows<{ seq: string; app_id: string; kind: EventKeyKind; day: string; key: string; user_id: string }>(
      tx,
      sql`
      SELECT seq::text AS seq, app_id, kind, day::text AS day, key, user_id FROM pending_key_users
      WHERE org_id = ${orgId} ORDER BY seq LIMIT ${limit}`,
    );
    if (rows.length === 0) return { folded: 0, locked: true, more: false };
    const uids = await assignUserIds(tx, orgId, [...new Set(rows.map((r) => r.user_id))]);
    const delta = new Map<string, { key: KeySetKey; uids: number[] }>();
    for (const r of rows) {
      const key = { appId: r.app_id, kind: r.kind, day: r.day, key: r.key };
      const k = keyString(key);
      (delta.get(k) ?? delta.set(k, { key, uids: [] }).get(k)!).uids.push(uids.get(r.user_id)!);
    }
    await mergeKeySets(tx, orgId, delta);
    await tx.execute(deleteFoldedQuery("pending_key_users", orgId, rows.map((r) => r.seq)));
    return { folded: rows.length, locked: true, more: rows.length === limit };
  });
}

async function mergeKeySets(db: DbOrTx, orgId: string, delta: Map<string, { key: KeySetKey; uids: number[] }>): Promise<void> {
  const keys = JSON.stringify([...delta.values()].map(({ key }) => ({ app_id: key.appId, kind: key.kind, day: key.day, key: key.key })));
  const existing = await selectRows<{ app_id: string; kind: EventKeyKind; day: string; key: string; users: Uint8Array }>(
    db,
    sql`
    SELECT s.app_id, s.kind, s.day::text AS day, s.key, s.users FROM daily_key_sets s
    WHERE s.org_id = ${orgId} AND (s.app_id, s.kind, s.day, s.key) IN (
      SELECT app_id, kind, day, key FROM jsonb_to_recordset(${keys}::jsonb) AS x(app_id text, kind text, day date, key text))`,
  );
  const writes = withBitmaps((s) => {
    const out: { app_id: string; kind: string; day: string; key: string; users: string }[] = [];
    const put = (k: KeySetKey, users: Uint8Array) => out.push({ app_id: k.appId, kind: k.kind, day: k.day, key: k.key, users: Buffer.from(users).toString("base64") });
    for (const row of existing) {
      const key = { appId: row.app_id, kind: row.kind, day: row.day, key: row.key };
      const k = keyString(key);
      const d = delta.get(k);
      if (!d) continue;
      delta.delete(k);
      const b = s.read(row.users);
      const before = b.size;
      b.orInPlace(s.of(d.uids));
      // Nothing new (the users were in it, at another host or version): the row stays as it is.
      if (b.size !== before) put(key, writeBitmap(b));
    }
    for (const d of delta.values()) put(d.key, writeBitmap(s.of(d.uids)));
    return out;
  });
  if (writes.length === 0) return;
  await db.execute(sql`
    INSERT INTO daily_key_sets AS s (org_id, app_id, kind, day, key, users)
    SELECT ${orgId}, app_id, kind, day, key, decode(users, 'base64')
    FROM jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) AS x(app_id text, kind text, day date, key text, users text)
    ORDER BY app_id, kind, day, key
    ON CONFLICT (org_id, app_id, kind, day, key) DO UPDATE SET users = excluded.users`);
}

/**
 * Rebuilds one organization's key bitmaps from daily_key_users and the user numbers in org_users, a day at a time;
 * key-users whose user has no number yet go (back) to pending for the fold to number. Called by rebuildUserSets,
 * which renumbers users, in its transaction under the organization's fold lock (rebuildRollups replaces
 * daily_key_users before it). Pending rows go first: one committed after this point stays pending, harmlessly if
 * the rebuild saw it in daily_key_users too (an OR).
 */
export async function rebuildKeySets(tx: DbOrTx, orgId: string): Promise<void> {
  await tx.execute(sql`DELETE FROM pending_key_users WHERE org_id = ${orgId}`);
  await tx.execute(sql`DELETE FROM daily_key_sets WHERE org_id = ${orgId}`);
  await tx.execute(sql`
    INSERT INTO pending_key_users (org_id, app_id, kind, day, key, user_id)
    SELECT DISTINCT k.org_id, k.app_id, k.kind, k.day, k.key, k.user_id FROM daily_key_users k
    WHERE k.org_id = ${orgId} AND NOT EXISTS (SELECT 1 FROM org_users o WHERE o.org_id = k.org_id AND o.user_id = k.user_id)
    ORDER BY 2, 3, 4, 5, 6`);
  const days = await selectRows<{ day: string }>(tx, sql`SELECT DISTINCT day::text AS day FROM daily_keys WHERE org_id = ${orgId} ORDER BY 1`);
  // A day at a time keeps memory flat however large the organization.
  for (const { day } of days) {
    const sets = await selectRows<{ app_id: string; kind: string; key: string; uids: string }>(
      tx,
      sql`
      SELECT k.app_id, k.kind, k.key, array_agg(DISTINCT o.uid)::text AS uids
      FROM daily_key_users k JOIN org_users o ON o.org_id = k.org_id AND o.user_id = k.user_id
      WHERE k.org_id = ${orgId} AND k.day = ${day}::date
      GROUP BY k.app_id, k.kind, k.key`,
    );
    if (sets.length === 0) continue;
    const json = JSON.stringify(
      withBitmaps((s) => sets.map((r) => ({ app_id: r.app_id, kind: r.kind, key: r.key, users: Buffer.from(writeBitmap(s.of(intArray(r.uids)))).toString("base64") }))),
    );
    await tx.execute(sql`
      INSERT INTO daily_key_sets (org_id, app_id, kind, day, key, users)
      SELECT ${orgId}, app_id, kind, ${day}::date, key, decode(users, 'base64')
      FROM jsonb_to_recordset(${json}::jsonb) AS x(app_id text, kind text, key text, users text)`);
  }
}

/** What a read of key-users returns per key: the day bitmaps and the pending rows (numbered, or only a name). */
export type KeyUserParts = { sets: Uint8Array[]; uids: number[]; names: string[] };

/** Distinct users per key: the union of its bitmaps and pending numbers, plus pending users with no number yet (in no bitmap). */
export function countKeyUsers(parts: Map<string, KeyUserParts>): Map<string, number> {
  return withBitmaps((s) => {
    const out = new Map<string, number>();
    for (const [key, p] of parts) {
      const b = s.of(p.uids);
      for (const bytes of p.sets) b.orInPlace(s.read(bytes));
      out.set(key, b.size + new Set(p.names).size);
    }
    return out;
  });
}
