// Group commit for event batches: the batches of one organization that arrive while its last statement is still
// running go to the database together, in one statement (./insert-events.ts), instead of one after another.
//
// Why: a batch's statement has a fixed cost beside its per-event one (parsing, planning, a scan of the host's
// assignments, eleven CTEs started, one commit), and on PGlite's one thread every statement waits for the one
// before it anyway. Measured on the full-scale PGlite bench database, the same 4,000 events of one host stored in
// batches of 100 took 12.5-29.7 ms per 100 events, in batches of 400 9.1-15.4 ms (docs/benchmarks.md, "Group commit
// and a paced fold"). Nothing waits on a timer: a batch arriving when none of its organization's is being stored
// goes at once, alone; only batches that would have queued behind it are combined.
//
// Each request keeps its own answer: its events, its duplicates (a later request's copy of an event an earlier one
// in the same statement stored counts as its duplicate, as if it had come after), its hosts' assignments. If a
// combined statement fails, every request in it is tried again alone, so one request's failure is never another's.
// One organization per statement: the organization stays in every key it writes (Citus: one shard group).
import { databaseKind, onPGliteThread, type DbOrTx } from "@/db";
import type { InsertPart, InsertResult } from "./insert-events";

export type StoredPart = {
  inserted: number;
  /** The mini-programs assigned to the part's host as the statement saw them. */
  assignedAppIds: Set<string>;
  /** User-days its statement added, counted with the statement's first part (0 for the others), so they add up. */
  newUserDays: number;
};

/** Events one combined statement takes at most (a single request is never split: it may hold up to 500). */
export const MAX_COMBINED_EVENTS = 1_000;

/**
 * Ingestion statements in flight at once per database: PGlite runs one statement at a time whatever is sent, so one
 * (everything else waits here, where it can be combined, rather than in PGlite's queue, where it cannot). PostgreSQL:
 * no limit, so no batch waits here and none is combined; each goes to the ingest pool as it comes, as before group
 * commit. Combined there (as many in flight as the pool's connections), two of three full-scale runs had the overview
 * under ingestion at 1.7-2.5 s p95 with ingestion reaching half its rate, against 0.36-0.83 s in every run before
 * (docs/benchmarks.md, "Group commit and a paced fold"); why was not settled.
 */
function statementsAtOnce(db: DbOrTx): number {
  if (databaseKind(db) === "postgres") return Number.POSITIVE_INFINITY;
  // PGlite on a thread of its own (db/pglite-worker.ts): one statement running there and the next sent behind it,
  // so the thread goes on to it at once instead of waiting for this one to hear of the first's end and send it.
  return onPGliteThread(db) ? 2 : 1;
}

type Store = (orgId: string, parts: InsertPart[]) => Promise<InsertResult>;
type Waiting = { orgId: string; part: InsertPart; resolve: (p: StoredPart) => void; reject: (e: unknown) => void };
type Queue = { waiting: Waiting[]; inFlight: number; limit: number };

// Per database handle: a transaction (or a test's own database) never shares a statement with another. On globalThis,
// as the handles are (db/index.ts): Next.js may load this module once per route bundle.
const queues = ((globalThis as typeof globalThis & { __atriumIngestQueues?: WeakMap<object, Queue> }).__atriumIngestQueues ??= new WeakMap());

/**
 * Stores one request's events, with whatever other requests of the organization are waiting. `store` runs one
 * statement, with its own retries.
 */
export function storeEvents(db: DbOrTx, orgId: string, part: InsertPart, store: Store): Promise<StoredPart> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { waiting: [], inFlight: 0, limit: statementsAtOnce(db) }));
  const queue = q;
  const done = new Promise<StoredPart>((resolve, reject) => queue.waiting.push({ orgId, part, resolve, reject }));
  if (queue.inFlight < queue.limit) void drain(queue, store);
  return done;
}

async function drain(q: Queue, store: Store) {
  q.inFlight++;
  try {
    for (let first = true; q.waiting.length > 0; first = false) {
      // A turn of the event loop first (as db/pglite-turns.ts gives between statements), so requests read meanwhile
      // join this statement and pages' rendering is not held up behind a backlog of batches.
      if (!first) await new Promise((r) => setImmediate(() => setImmediate(r)));
      // Another drain of this queue (PostgreSQL: several in flight) may have taken them meanwhile.
      if (q.waiting.length === 0) break;
      const group = take(q.waiting);
      const orgId = group[0]!.orgId;
      try {
        settle(group, await store(orgId, group.map((w) => w.part)));
      } catch (e) {
        if (group.length === 1) group[0]!.reject(e);
        // Each alone, in order: the failure is then only the failing request's.
        else for (const w of group) await store(orgId, [w.part]).then((r) => settle([w], r), w.reject);
      }
    }
  } finally {
    q.inFlight--;
  }
}

/**
 * The oldest waiting request and the others of its organization waiting behind it, in arrival order, up to
 * MAX_COMBINED_EVENTS events; taken out of the queue, where the rest keep their order.
 */
function take(waiting: Waiting[]): Waiting[] {
  const orgId = waiting[0]!.orgId;
  const group: Waiting[] = [];
  let events = 0;
  let kept = 0;
  let full = false;
  for (const w of waiting) {
    // Once one does not fit, none after it goes ahead of it.
    if (w.orgId === orgId && !full && (group.length === 0 || events + w.part.events.length <= MAX_COMBINED_EVENTS)) {
      group.push(w);
      events += w.part.events.length;
    } else {
      if (w.orgId === orgId) full = true;
      waiting[kept++] = w;
    }
  }
  waiting.length = kept;
  return group;
}

function settle(group: Waiting[], r: InsertResult) {
  group.forEach((w, i) =>
    w.resolve({ inserted: r.inserted[i] ?? 0, assignedAppIds: r.assignedAppIds.get(w.part.hostId) ?? new Set(), newUserDays: i === 0 ? r.newUserDays : 0 }),
  );
}
