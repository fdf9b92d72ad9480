// How a change to what the SDK API answers (a host disabled or enabled, its secret rotated, its policy changed, an
// assignment or a release changed, an organization deleted) reaches every cache that could still answer the old way.
//
// - In this process: the service that made the change calls `publishSdkChange` after its transaction commits, and
//   every subscribed cache drops what it held (the verifier's host rows, the manifest snapshots).
// - Across server processes on PostgreSQL: the same transaction calls `notifySdkChange`, a `pg_notify` that
//   PostgreSQL delivers only on commit, to every process listening on the channel (`createChangeFeed`).
// - While a process is not listening (before its LISTEN is in force, after the connection dropped, until it is back)
//   its feed is not `trusted()`: the caches then read the database on every request, as before they existed, and
//   everything they held is dropped when listening starts again (a change may have been missed meanwhile).
// - PGlite is one process (only one may open the directory): its feed is always trusted, and in-process publishing
//   is the whole story.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDbHandle, type DbHandle, type DbOrTx } from "@/db";
import { LISTEN_APPLICATION_NAME } from "@/db/listen";
import { selectRows } from "@/lib/analytics/sql";

export const SDK_CHANGES_CHANNEL = "atrium_sdk_changes";

/** One organization's caches, or one host's; `all` drops everything (a feed that may have missed changes). */
export type SdkChange = { orgId: string; hostId?: string } | { all: true };
export type SdkChangeSubscriber = (change: SdkChange) => void;

export type ChangeFeed = {
  /** True while every change committed elsewhere is known to reach this process's caches. */
  trusted(): boolean;
  /** How many times listening started and was lost (for tests and diagnostics). */
  stats(): { listens: number; losses: number };
  /** Resolves once `count` listeners acknowledged the sync notification `nonce` (`settleSdkChanges`), or after `timeoutMs`. */
  acknowledged?(nonce: string, count: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
};

// Which server process wrote a notification: the process feed skips its own process's changes, which were published
// in-process already (a second drop would only cost a rebuild).
type GlobalWithFeed = typeof globalThis & {
  __atriumSdkSubscribers?: Set<SdkChangeSubscriber>;
  __atriumSdkFeed?: { handle: DbHandle; feed: ChangeFeed };
  __atriumSdkProcessId?: string;
};
const g = globalThis as GlobalWithFeed;
const processId = (): string => (g.__atriumSdkProcessId ??= randomUUID());

/** Call inside the transaction of the change: other server processes hear of it when (and only if) it commits. */
export async function notifySdkChange(tx: DbOrTx, orgId: string, hostId?: string): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${SDK_CHANGES_CHANNEL}, ${encodeChange(orgId, hostId)})`);
}

export function encodeChange(orgId: string, hostId?: string): string {
  return JSON.stringify(hostId === undefined ? { o: orgId, p: processId() } : { o: orgId, h: hostId, p: processId() });
}

type Message = { change: SdkChange; from?: string } | { sync: string } | { ack: string };

/** A payload this code did not write (or a truncated one) drops everything rather than nothing. */
export function decodeMessage(payload: string): Message {
  try {
    const v = JSON.parse(payload) as Record<string, unknown>;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      if (typeof v.sync === "string") return { sync: v.sync };
      if (typeof v.ack === "string") return { ack: v.ack };
      if (typeof v.o === "string" && (v.h === undefined || typeof v.h === "string")) {
        return { change: v.h === undefined ? { orgId: v.o } : { orgId: v.o, hostId: v.h as string }, from: typeof v.p === "string" ? v.p : undefined };
      }
    }
  } catch {
    // fall through
  }
  return { change: { all: true } };
}

/** Subscribes a cache of this process to every change, local or (through the process feed) remote. */
export function onSdkChange(fn: SdkChangeSubscriber): () => void {
  subscribers().add(fn);
  return () => subscribers().delete(fn);
}

const subscribers = (): Set<SdkChangeSubscriber> => (g.__atriumSdkSubscribers ??= new Set());

/** After the change's transaction has committed: this process's caches drop what it touched. */
export function publishSdkChange(change: SdkChange): void {
  for (const fn of subscribers()) fn(change);
}

export type ChangeFeedOptions = {
  /** Changes written by this process id are skipped (the process feed: they were published in-process). */
  skipFrom?: string;
};

/**
 * Listens for other processes' changes on one database and hands each to `deliver`, with `{ all: true }` whenever
 * listening starts or stops. Every sync notification is acknowledged, after the changes committed before it were
 * delivered. A handle without `listen` (PGlite) is one process: trusted from the start.
 */
export function createChangeFeed(handle: DbHandle, deliver: SdkChangeSubscriber, opts: ChangeFeedOptions = {}): ChangeFeed {
  if (!handle.listen) return { trusted: () => handle.kind === "pglite", stats: () => ({ listens: 0, losses: 0 }), close: async () => {} };
  let listening = false;
  const counts = { listens: 0, losses: 0 };
  const waiting = new Map<string, { left: number; done: (ok: boolean) => void }>();
  const listener = handle.listen(SDK_CHANGES_CHANNEL, {
    onNotify: (payload) => {
      const m = decodeMessage(payload);
      if ("sync" in m) {
        // Notifications arrive in commit order: every change committed before this sync has been delivered above.
        handle.db.execute(sql`SELECT pg_notify(${SDK_CHANGES_CHANNEL}, ${JSON.stringify({ ack: m.sync })})`).catch(() => {});
      } else if ("ack" in m) {
        const w = waiting.get(m.ack);
        if (w && --w.left <= 0) w.done(true);
      } else if (!(opts.skipFrom && m.from === opts.skipFrom)) {
        deliver(m.change);
      }
    },
    // Dropped before trusting again: whatever was cached while not listening may be stale.
    onListening: () => {
      deliver({ all: true });
      listening = true;
      counts.listens++;
    },
    onLost: () => {
      listening = false;
      counts.losses++;
      deliver({ all: true });
    },
  });
  return {
    trusted: () => listening && listener.listening,
    stats: () => ({ ...counts }),
    acknowledged: (nonce, count, timeoutMs) =>
      new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          waiting.delete(nonce);
          resolve(ok);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        waiting.set(nonce, { left: count, done });
      }),
    close: async () => {
      listening = false;
      for (const w of waiting.values()) w.done(false);
      await listener.close();
    },
  };
}

/** The process-wide feed for the process-wide database: remote changes go to every subscribed cache. */
export async function processChangeFeed(): Promise<ChangeFeed> {
  const handle = await getDbHandle();
  const current = g.__atriumSdkFeed;
  if (current?.handle === handle) return current.feed;
  // Tests swap the database: the old feed goes with it, and nothing cached from the old one may answer.
  if (current) void current.feed.close();
  const feed = createChangeFeed(handle, publishSdkChange, { skipFrom: processId() });
  g.__atriumSdkFeed = { handle, feed };
  publishSdkChange({ all: true });
  return feed;
}

/**
 * After a change has committed (its NOTIFY sent on commit): answers once every listening server process has applied
 * it. This process sends a sync notification and waits for as many acknowledgements as there are listening
 * connections on the database; each process acknowledges a sync after the changes committed before it, which
 * PostgreSQL delivers first. So when the console or the API answers that a host is disabled or its secret rotated,
 * the next signed request is refused or verified accordingly by whichever process takes it. Waits at most
 * `timeoutMs` (a hung process is not serving requests either), its own listener's reconnection included; a process
 * that has no listener waits for nothing.
 */
export async function settleSdkChanges(timeoutMs = 2_000): Promise<void> {
  const current = g.__atriumSdkFeed;
  if (!current?.feed.acknowledged) return;
  // A feed left from a database this process no longer uses (tests swap it) hears nothing the change could need.
  if (current.handle !== (await getDbHandle())) return;
  const deadline = Date.now() + timeoutMs;
  // This process's own listener may be reconnecting (a failover, a dropped connection): the other processes still
  // hear the change, but only a listening process can learn that they have, so it waits for it within the same bound.
  while (!current.feed.trusted()) {
    if (Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  const nonce = randomUUID();
  try {
    const [row] = await selectRows<{ n: number }>(
      current.handle.db,
      sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${LISTEN_APPLICATION_NAME} AND datname = current_database()`,
    );
    const acknowledged = current.feed.acknowledged(nonce, Math.max(1, Number(row?.n ?? 1)), Math.max(1, deadline - Date.now()));
    await current.handle.db.execute(sql`SELECT pg_notify(${SDK_CHANGES_CHANNEL}, ${JSON.stringify({ sync: nonce })})`);
    await acknowledged;
  } catch {
    // The change is committed and every listener will hear it; only the wait is lost.
  }
}

/**
 * What a service calls once the transaction of its change (which called `notifySdkChange`) has committed: this
 * process's caches drop what it touched, and the call answers once every listening process has applied it too.
 */
export async function sdkChangeCommitted(change: SdkChange): Promise<void> {
  publishSdkChange(change);
  await settleSdkChanges();
}

/** Whether the process feed is trusted now, without waiting for it (false before it has started). */
export function processFeedTrusted(): boolean {
  return g.__atriumSdkFeed?.feed.trusted() ?? false;
}
