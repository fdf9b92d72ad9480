// Test helpers for analytics: assignments to report against, and random event batches with every kind of
// trouble the contract names (duplicates, invalid events, unassigned apps, day boundaries).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { assignments, hostApps, miniPrograms, versions, PLATFORMS, type Platform } from "@/db/schema";
import { newId } from "@/lib/ids";
import { decodeBitmap } from "./bitmaps";
import { DAY_MS } from "./dates";
import { selectRows } from "./sql";
import { prng } from "@/lib/random";

export { prng };

/** Assigns mini-programs to a host directly (the assignments service is not under test here). */
export async function assign(db: Db, orgId: string, hostId: string, appIds: string[]): Promise<void> {
  for (const appId of appIds) {
    const [mp] = await db.select().from(miniPrograms).where(and(eq(miniPrograms.orgId, orgId), eq(miniPrograms.appId, appId)));
    if (!mp) throw new Error(`no mini-program ${appId}`);
    const [v] = await db.select({ id: versions.id }).from(versions).where(and(eq(versions.orgId, orgId), eq(versions.miniProgramId, mp.id))).limit(1);
    await db
      .insert(assignments)
      .values({ orgId, id: newId("asg"), hostId, miniProgramId: mp.id, appId, stableVersionId: v?.id ?? "ver_none" })
      .onConflictDoNothing();
  }
}

export async function hostsOf(db: Db, orgId: string): Promise<{ id: string; name: string }[]> {
  return db.select({ id: hostApps.id, name: hostApps.name }).from(hostApps).where(eq(hostApps.orgId, orgId)).orderBy(hostApps.name);
}

export type WireEvent = Record<string, unknown>;

export type RandomBatchOptions = {
  rand: () => number;
  now: number;
  appIds: string[];
  /** Apps that are not assigned to the host: their events must come back `not_assigned`. */
  unassignedAppIds?: string[];
  users: string[];
  versions: string[];
  platforms?: Platform[];
  size: number;
  /** Share of events that are broken on purpose. */
  invalidShare?: number;
  /** Earlier events to resend (same ids): duplicates. */
  resend?: WireEvent[];
  resendShare?: number;
};

export const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

let counter = 0;
export const eventId = () => `e${(++counter).toString(36)}_${Math.random().toString(36).slice(2, 10)}`;

/** A timestamp in the last 7 days, often right at a UTC day's first or last millisecond. */
function randomTs(rand: () => number, now: number): number {
  const earliest = now - 7 * DAY_MS + 60_000;
  const dayStart = Math.floor((earliest + rand() * (now - earliest)) / DAY_MS) * DAY_MS;
  const r = rand();
  const ts = r < 0.15 ? dayStart : r < 0.3 ? dayStart + DAY_MS - 1 : dayStart + Math.floor(rand() * DAY_MS);
  return Math.min(Math.max(ts, earliest), now);
}

function brokenEvent(rand: () => number, base: WireEvent, now: number): WireEvent {
  const variants: (() => WireEvent)[] = [
    () => ({ ...base, id: "bad id!" }),
    () => ({ ...base, id: "x".repeat(65) }),
    () => ({ ...base, type: "purchase" }),
    () => ({ ...base, userId: "" }),
    () => ({ ...base, userId: "u".repeat(129) }),
    () => ({ ...base, platform: "symbian" }),
    () => ({ ...base, ts: now - 8 * DAY_MS }),
    () => ({ ...base, ts: now + 10 * 60_000 }),
    () => ({ ...base, ts: "yesterday" }),
    () => ({ ...base, type: "session_end", durationMs: undefined }),
    () => ({ ...base, type: "session_end", durationMs: 86_400_001 }),
    () => ({ ...base, type: "error", message: "é".repeat(1025) }),
    () => ({ ...base, appId: "Not An App" }),
    () => ({ ...base, version: "" }),
  ];
  return pick(rand, variants)();
}

/** Error messages that group by fingerprint: each template is one group, whatever its numbers, ids and URLs. */
export const ERROR_MESSAGES: ((n: number) => string)[] = [
  () => "TypeError: x is undefined",
  (n) => `NetworkError: GET https://api.example.com/orders/${n}?page=${n % 7} failed after ${1000 + n} ms`,
  (n) => `PaymentError: order ord_${(n * 7919).toString(16)} rejected (code ${n % 5})`,
  (n) => `RangeError: index ${n} out of bounds for length ${n % 11}`,
];

export function randomBatch(o: RandomBatchOptions): WireEvent[] {
  const out: WireEvent[] = [];
  for (let i = 0; i < o.size; i++) {
    if (o.resend?.length && o.rand() < (o.resendShare ?? 0.1)) {
      out.push(pick(o.rand, o.resend));
      continue;
    }
    const type = pick(o.rand, ["launch", "launch", "page_view", "page_view", "page_view", "session_end", "session_end", "error", "custom"] as const);
    const unassigned = o.unassignedAppIds?.length && o.rand() < 0.05;
    const ts = randomTs(o.rand, o.now);
    const e: WireEvent = {
      id: eventId(),
      type,
      appId: unassigned ? pick(o.rand, o.unassignedAppIds!) : pick(o.rand, o.appIds),
      version: pick(o.rand, o.versions),
      // Skewed: a few heavy users and a long tail, so daily distinct counts vary and retention is partial.
      userId: o.users[Math.floor(o.rand() ** 2 * o.users.length)]!,
      // Both encodings the contract allows.
      ts: o.rand() < 0.5 ? ts : new Date(ts).toISOString(),
      platform: pick(o.rand, o.platforms ?? PLATFORMS),
    };
    if (type === "session_end") e.durationMs = Math.floor(o.rand() * 600_000);
    if (type === "page_view") e.page = pick(o.rand, ["pages/index/index", "pages/detail/detail", "pages/cart/cart", "pages/pay/pay"]);
    // Varied without drawing from `rand`, so every other figure of a seeded feed stays as it was: a few error
    // groups whose messages differ in numbers, ids and URLs, and a few custom event names.
    const n = i + o.size;
    if (type === "error") e.message = ERROR_MESSAGES[n % ERROR_MESSAGES.length]!(n);
    if (type === "custom") e.name = ["share", "favorite", "checkout"][n % 3]!;
    out.push(o.rand() < (o.invalidShare ?? 0) ? brokenEvent(o.rand, e, o.now) : e);
  }
  return out;
}

export const body = (events: WireEvent[]) => Buffer.from(JSON.stringify({ events }));

/** A bitmap's members as user ids (a number nobody holds shows as `?n`), sorted: comparable across renumberings. */
async function asUserIds<K extends Record<string, unknown>>(db: Db, orgId: string, rows: (K & { users: Uint8Array })[]) {
  const names = new Map(
    (await selectRows<{ uid: number; user_id: string }>(db, sql`SELECT uid, user_id FROM org_users WHERE org_id = ${orgId}`)).map((r) => [Number(r.uid), r.user_id]),
  );
  return rows.map(({ users, ...key }) => ({ ...key, users: decodeBitmap(users).map((u) => names.get(u) ?? `?${u}`).sort() }));
}

/** The organization's day bitmaps (every grain), or its weekly ones (the coarse breakdown grains), each as user ids. */
export async function userSetsAsUserIds(db: Db, orgId: string, span: "day" | "week" = "day") {
  const [table, col] = span === "day" ? ["daily_user_sets", "day"] : ["weekly_user_sets", "week"];
  const rows = await selectRows<{ day: string; app_id: string; host_id: string; version: string; platform: string; users: Uint8Array }>(
    db,
    sql`SELECT ${sql.raw(col)}::text AS day, app_id, host_id, version, platform, users FROM ${sql.raw(table)} WHERE org_id = ${orgId} ORDER BY 1, 2, 3, 4, 5`,
  );
  return asUserIds(db, orgId, rows);
}

/** The organization's retention cohort bitmaps, a row per day and mini-program, each as user ids. */
export async function cohortSetsAsUserIds(db: Db, orgId: string) {
  const rows = await selectRows<{ day: string; app_id: string; users: Uint8Array }>(
    db,
    sql`SELECT day::text, app_id, users FROM daily_cohort_sets WHERE org_id = ${orgId} ORDER BY 1, 2`,
  );
  return asUserIds(db, orgId, rows);
}

/** The organization's stored retention figures, a row per cohort day and mini-program. */
export async function retentionRows(db: Db, orgId: string) {
  return selectRows<{ day: string; app_id: string; cohort: number; d1: number; d7: number }>(
    db,
    sql`SELECT day::text, app_id, cohort, d1, d7 FROM daily_retention WHERE org_id = ${orgId} ORDER BY 1, 2`,
  );
}
