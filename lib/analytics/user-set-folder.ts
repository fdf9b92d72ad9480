// The background fold of the distinct-set rollups (lib/analytics/queries/user-sets.ts foldPendingUserDays): inside
// every server process, every second and as soon as ingestion has added many user-days, each organization's pending
// user-days are numbered and OR'ed into its day bitmaps, oldest first, a few thousand per transaction.
//
// Ingestion only appends to pending_user_days (one more INSERT in its one statement); this loop does the bitmap work
// once per touched row per fold instead of once per batch, off the request's time. Readers are exact whether or not
// it has run (they union the pending rows), so its pace only bounds how many pending rows a read has to union.
// Safe with several server processes: each fold takes the organization's advisory lock and skips the organization
// when another process holds it. Cheap when nothing is pending: one scan of an empty table.
import { sql } from "drizzle-orm";
import { getDbHandle, type DbOrTx } from "@/db";
import { foldPendingKeyUsers } from "./queries/key-sets";
import { foldFirstLaunches, foldPendingUserDays, orgsWithPendingUserDays } from "./queries/user-sets";

export const USER_SET_FOLD_MS = Math.max(100, Number(process.env.USER_SET_FOLD_MS) || 1_000);
/** Pending rows one fold transaction takes: first launches everywhere, and on PGlite every kind. */
export const FOLD_BATCH = 5_000;
/**
 * Pending user-days and key-users one fold transaction takes on PostgreSQL (USER_SET_FOLD_BATCH). A fold's cost is
 * mostly per bitmap row it touches (each read, OR'ed and written whole), and today's rows are touched by nearly every
 * batch, so larger batches cost less per row: on the 10 M-event bench database, 16-24 us a key-user in batches of
 * 5,000 against 9-11 us in batches of 20,000, and 33-44 against 23-24 us a user-day (5,000 against 10,000). At
 * 5,000 the key-user fold fell behind ingestion at its maximum (docs/benchmarks.md). There a fold runs on a
 * connection of its own and takes no lock ingestion waits for; on PGlite a transaction holds the server's only
 * thread, so it keeps FOLD_BATCH.
 */
export const FOLD_BATCH_POSTGRES = Math.max(1, Number(process.env.USER_SET_FOLD_BATCH) || 20_000);
/** User-days noted by ingestion since the last pass that start one at once. */
export const FOLD_EARLY_AT = 2_000;
/** One pass stops taking more batches of an organization after this long, so every organization gets its turn. */
const PASS_BUDGET_MS = 2_000;

export type FoldPassReport = {
  orgs: number;
  /** User-days OR'ed into the day bitmaps. */
  folded: number;
  /** First launches put under their day in the cohort bitmaps. */
  launches: number;
  /** Key-users (pages, custom events, error groups) OR'ed into the day key bitmaps. */
  keyUsers: number;
  skipped: number;
};

/**
 * Folds what is pending, organization by organization. Tests call it directly; the loop below calls it on a timer.
 * `batch`: rows a transaction takes (FOLD_BATCH); `setsBatch`: the same for user-days and key-users, if different.
 */
export async function foldAllPending(db: DbOrTx, opts: { batch?: number; setsBatch?: number; budgetMs?: number } = {}): Promise<FoldPassReport> {
  const report: FoldPassReport = { orgs: 0, folded: 0, launches: 0, keyUsers: 0, skipped: 0 };
  const orgs = await orgsWithPendingUserDays(db);
  for (const orgId of orgs) {
    report.orgs++;
    const started = Date.now();
    // User-days first: they number most users, so the cohorts' fold rarely has to.
    // Another process folding this organization: skipped, for both kinds.
    const batch = opts.batch ?? FOLD_BATCH;
    const setsBatch = opts.setsBatch ?? batch;
    org: for (const [fold, field, limit] of [
      [foldPendingUserDays, "folded", setsBatch],
      [foldFirstLaunches, "launches", batch],
      [foldPendingKeyUsers, "keyUsers", setsBatch],
    ] as const) {
      for (;;) {
        const r = await fold(db, orgId, limit);
        report[field] += r.folded;
        if (!r.locked) {
          report.skipped++;
          break org;
        }
        if (!r.more || Date.now() - started > (opts.budgetMs ?? PASS_BUDGET_MS)) break;
      }
    }
  }
  return report;
}

/** pending_user_days and pending_key_users are queues (every row inserted, then deleted), first_launches rows are updated once by the fold: PGlite has no autovacuum to reclaim the dead rows. */
const VACUUM_EVERY_MS = 60_000;

/**
 * On PGlite, after a pass of T ms the next starts no sooner than FOLD_PACE × T ms after it ended, whatever wakes it:
 * the timer or ingestion's note. A pass's cost is mostly per pass, not per user-day: it reads and rewrites each
 * touched day and week bitmap whole (today's of a big organization hold most of its users), about 0.5 s on the
 * full-scale PGlite bench database for 3,000 events' worth of user-days, 1.4 s for 30,000 (docs/benchmarks.md).
 * Passes every second under sustained ingestion took half of PGlite's one thread, which pages and ingestion share;
 * paced, at most about 1 / (1 + FOLD_PACE) of it, in fewer, larger passes. Readers stay exact meanwhile: they union
 * the pending rows, and more of them under ingestion. On PostgreSQL a pass runs on a connection of its own, beside
 * them, and the full-scale run paced so showed what the pending rows cost readers there (the overview under
 * ingestion 1.7 s at p95, against 0.36-0.6 s unpaced): passes keep the period. Idle, a pass is one scan of empty
 * queues and the loop keeps its period on both.
 */
export const FOLD_PACE = 3;

type LoopState = {
  timer?: ReturnType<typeof setInterval>;
  /** A pass asked for while one ran or before the pace allowed it: started when it may. */
  again: boolean;
  noted: number;
  vacuumedAt?: number;
  foldedSince?: number;
  /** The pass in flight (one at a time), which stopping waits for. */
  pass?: Promise<void>;
  /** The earliest the next pass may start (epoch ms), and the timeout set for it. */
  notBefore?: number;
  deferred?: ReturnType<typeof setTimeout>;
};
const g = globalThis as typeof globalThis & { __atriumUserSetFolder?: LoopState };

function tick(state: LoopState): Promise<void> {
  if (state.pass) {
    state.again = true;
    return state.pass;
  }
  const wait = (state.notBefore ?? 0) - Date.now();
  if (wait > 0) {
    if (!state.deferred && state.timer) {
      state.deferred = setTimeout(() => {
        state.deferred = undefined;
        void tick(state);
      }, wait);
      state.deferred.unref?.();
    }
    return Promise.resolve();
  }
  state.pass = pass(state);
  return state.pass;
}

async function pass(state: LoopState): Promise<void> {
  const started = Date.now();
  let pace = 0;
  try {
    state.again = false;
    state.noted = 0;
    const handle = await getDbHandle();
    pace = handle.kind === "pglite" ? FOLD_PACE : 0;
    const db = handle.db;
    const r = await foldAllPending(db, handle.kind === "postgres" ? { setsBatch: FOLD_BATCH_POSTGRES } : {});
    state.foldedSince = (state.foldedSince ?? 0) + r.folded + r.launches + r.keyUsers;
    if (state.foldedSince > 0 && Date.now() - (state.vacuumedAt ?? 0) >= VACUUM_EVERY_MS) {
      state.vacuumedAt = Date.now();
      state.foldedSince = 0;
      await db.execute(sql`VACUUM pending_user_days`);
      await db.execute(sql`VACUUM pending_key_users`);
      // Each fold of a first launch updates its row (folded_day) once: a dead version per new first launch.
      await db.execute(sql`VACUUM first_launches`);
    }
  } catch (e) {
    console.error("[atrium] user-set fold", e);
  } finally {
    const ended = Date.now();
    state.notBefore = ended + pace * (ended - started);
    state.pass = undefined;
    // Asked for meanwhile, and not stopped: at the pace's earliest.
    if (state.again && state.timer) void tick(state);
  }
}

export function startUserSetFolder(periodMs = USER_SET_FOLD_MS): void {
  const state = (g.__atriumUserSetFolder ??= { again: false, noted: 0 });
  if (state.timer) return;
  // The pace belongs to a running loop: a new one starts unpaced.
  state.notBefore = undefined;
  state.timer = setInterval(() => void tick(state), periodMs);
  state.timer.unref?.();
}

/** Stops the loop; resolves once a pass in flight has ended, so what it held (an organization's fold lock) is free. */
export function stopUserSetFolder(): Promise<void> {
  const state = g.__atriumUserSetFolder;
  if (!state) return Promise.resolve();
  if (state.timer) clearInterval(state.timer);
  if (state.deferred) clearTimeout(state.deferred);
  state.timer = undefined;
  state.deferred = undefined;
  state.again = false;
  return state.pass ?? Promise.resolve();
}

/**
 * Ingestion notes the user-days it added: past FOLD_EARLY_AT since the last pass, a pass starts now rather than at
 * the next tick. Never waits, never throws; nothing when the loop is not running (tests, scripts).
 */
export function noteUserDays(_orgId: string, n: number): void {
  const state = g.__atriumUserSetFolder;
  if (!state?.timer || n <= 0) return;
  state.noted += n;
  if (state.noted >= FOLD_EARLY_AT) {
    state.noted = 0;
    void tick(state);
  }
}
