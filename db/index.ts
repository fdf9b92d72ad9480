// Opens the database: embedded PGlite by default, PostgreSQL when DATABASE_URL is set.
// One Drizzle type serves both, so services never know which one they run on.
import fs from "node:fs";
import path from "node:path";
import type { PGliteOptions } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { ListenHandlers, Listener } from "./listen";
import * as schema from "./schema";
import { yieldBetweenStatements } from "./pglite-turns";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export type DbHandle = {
  db: Db;
  kind: "pglite" | "postgres";
  /**
   * PostgreSQL only: a dedicated connection listening on a channel (db/listen.ts), closed with the handle. PGlite has
   * none: one process holds the database, so there is no other process to hear from.
   */
  listen?: (channel: string, handlers: ListenHandlers) => Listener;
  /** PostgreSQL only: the connection string, so a test can open a second handle, as a second server process would. */
  url?: string;
  close(): Promise<void>;
};

export type OpenOptions = {
  databaseUrl?: string;
  /** PGlite data directory; `memory://` for a throwaway in-memory database. */
  pgliteDir?: string;
  /** A PGlite data directory dump (from `dumpDataDir`) to start from: fast test databases. */
  pgliteLoadFrom?: Blob;
  /** PGlite only: a compiled module, its file bundle and start parameters to reuse (tests open many databases). */
  pglite?: Pick<PGliteOptions, "pgliteWasmModule" | "fsBundle" | "startParams">;
  maxConnections?: number;
  /**
   * PGlite only: run the database in a thread of its own (db/pglite-worker.ts), as the server does, so that its
   * statements and the requests' work use both cores. Not with `pgliteLoadFrom` or `pglite`.
   */
  thread?: boolean;
  /** PostgreSQL only: how its connections name themselves in pg_stat_activity. */
  applicationName?: string;
};

// On globalThis: Next.js may load this module once per route bundle, and a handle opened through one is used by all.
const kinds = ((globalThis as typeof globalThis & { __atriumDbKinds?: WeakMap<object, DbHandle["kind"]> }).__atriumDbKinds ??= new WeakMap());

const onOwnThread = ((globalThis as typeof globalThis & { __atriumDbThreaded?: WeakSet<object> }).__atriumDbThreaded ??= new WeakSet());

/** Whether a handle's `db` is PGlite on a thread of its own (OpenOptions.thread): its statements do not stop this thread. */
export function onPGliteThread(db: DbOrTx): boolean {
  return onOwnThread.has(db);
}

/** Which database a handle's `db` opened by openDatabase runs on (undefined for a transaction or anything else). */
export function databaseKind(db: DbOrTx): DbHandle["kind"] | undefined {
  return kinds.get(db);
}

export const MIGRATIONS_DIR = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "db/migrations");

/**
 * Seconds before a pooled PostgreSQL connection tries again after `retries` failed attempts (the pool's count): 50 ms
 * doubling, at most 1 s. postgres.js's default grows by 3× to 20 s (× 0.5–1), so after an 8-second outage with
 * clients retrying, its connections waited up to 20 s more once the server was back, and every request queued behind
 * them: in the fault test (stop PostgreSQL mid-ingest), the last batches drained 46 s after the restart. A refused
 * connection costs the server nothing; at most one attempt a second per connection.
 */
export function reconnectBackoffSeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1);
}

/** How long a new PostgreSQL connection may take to open before the query waiting on it fails (CONNECT_TIMEOUT). */
export const CONNECT_TIMEOUT_SECONDS = 10;

/**
 * The embedded database's shared buffers (PGLITE_SHARED_BUFFERS, default 512MB; PGlite's own is 128MB). PGlite reads
 * and writes the pages that miss them with synchronous file calls on the database's thread: ingesting into the
 * 1 M-event bench database (1.2 GB) at 128MB, those calls were 16 % of the thread; at 512MB, 6 %, and ingestion ran
 * 10-15 % faster (docs/benchmarks.md). The memory is committed when the database starts (a process opening an
 * existing database held 800 MB at 512MB, 364 MB at 128MB).
 */
export function pgliteSharedBuffers(value = process.env.PGLITE_SHARED_BUFFERS): string {
  if (!value) return "512MB";
  const m = /^(\d+)(kB|MB|GB)$/.exec(value.trim());
  // PostgreSQL's floor is 128kB; PGlite's memory ends at 4 GB in all.
  const kb = m ? Number(m[1]) * { kB: 1, MB: 1024, GB: 1024 * 1024 }[m[2] as "kB" | "MB" | "GB"] : NaN;
  if (!(kb >= 128 && kb <= 2 * 1024 * 1024)) throw new Error(`PGLITE_SHARED_BUFFERS: "${value}" is not a size from 128kB to 2GB, such as 512MB`);
  return value.trim();
}

export async function openDatabase(opts: OpenOptions = {}): Promise<DbHandle> {
  const url = opts.databaseUrl ?? (opts.pgliteDir || opts.pgliteLoadFrom ? undefined : process.env.DATABASE_URL);
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(url, {
      max: opts.maxConnections ?? Number(process.env.DATABASE_POOL_MAX ?? 10),
      onnotice: () => {},
      // No JIT compilation: the console's statements are short, and PostgreSQL's cost estimates (a partial index
      // whose predicate it cannot estimate, say) can push one past jit_above_cost, where compiling takes longer than
      // running. Measured on the 10 M-event bench database: the overview's distinct-set read 850-1,100 ms with JIT
      // (1.27 s of it compiling), 183 ms without; the insights' queries and their raw-event equivalents the same or
      // faster without (error groups over raw events 3.4 s -> 2.6 s), pages' totals 180 -> 212 ms.
      connection: { application_name: opts.applicationName ?? "atrium", jit: "off" },
      backoff: reconnectBackoffSeconds,
      // postgres.js waits 30 s by default for a connection to open. In the fault test (stop PostgreSQL mid-ingest), a
      // connection opened as the server shut down sometimes never completed its startup: the server's shutdown then
      // waited for it (its log: checkpoint done, "database system is shut down" 30 s later), and after the restart a
      // request queued on it failed with CONNECT_TIMEOUT 30 s late. A connection to a live server opens in
      // milliseconds; 10 s is the common bound of other clients (JDBC's default).
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
    });
    const db = drizzle({ client, schema }) as unknown as Db;
    kinds.set(db, "postgres");
    const { listenForNotifications } = await import("./listen");
    const listeners = new Set<Listener>();
    return {
      db,
      kind: "postgres",
      url,
      listen: (channel, handlers) => {
        const listener = listenForNotifications(url, channel, handlers);
        listeners.add(listener);
        return listener;
      },
      close: async () => {
        await Promise.all([...listeners].map((l) => l.close()));
        await client.end({ timeout: 5 });
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let dataDir: string | undefined = opts.pgliteDir ?? process.env.PGLITE_DIR ?? ".data/pglite";
  if (opts.pgliteLoadFrom || dataDir === "memory://") dataDir = undefined;
  if (dataDir) {
    dataDir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), dataDir);
    // PGlite fails with ENOENT when the parent is missing (STACK-NOTES).
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  }
  const startParams = [...PGlite.defaultStartParams, "-c", `shared_buffers=${pgliteSharedBuffers()}`];
  const threaded = opts.thread && !opts.pgliteLoadFrom && !opts.pglite;
  // In the caller's thread a statement stops everything else, so statements take turns with the event loop
  // (./pglite-turns.ts); on a thread of their own they do not stop it, and queue in the client's own order.
  const client = threaded
    ? await (await import("./pglite-worker")).openPGliteThread({ dataDir, startParams })
    : yieldBetweenStatements(await PGlite.create({ dataDir, loadDataDir: opts.pgliteLoadFrom, startParams, ...opts.pglite }));
  const db = drizzle({ client, schema }) as unknown as Db;
  kinds.set(db, "pglite");
  if (threaded) onOwnThread.add(db);
  return { db, kind: "pglite", close: () => client.close() };
}

export async function migrateDatabase(handle: DbHandle): Promise<void> {
  const migrationsFolder = MIGRATIONS_DIR;
  if (handle.kind === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    // The concrete driver type is erased in DbHandle; the migrator only needs the dialect session.
    await migrate(handle.db as unknown as Parameters<typeof migrate>[0], { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as unknown as Parameters<typeof migrate>[0], { migrationsFolder });
  }
  // Migration 0019 (distinct_sets) numbered existing users in SQL; their day bitmaps, which SQL cannot write,
  // are built here once per organization that has user-days but no bitmaps yet. A no-op afterwards.
  const { backfillUserSets } = await import("@/lib/analytics/queries/user-sets");
  await backfillUserSets(handle.db);
}

/** Whether the server's PGlite runs in a thread of its own (PGLITE_THREAD, on unless `0`). */
export function pgliteThread(value = process.env.PGLITE_THREAD): boolean {
  return value !== "0";
}

type GlobalWithDb = typeof globalThis & { __atriumDb?: Promise<DbHandle> };
const g = globalThis as GlobalWithDb;

/** The process-wide database. On PGlite this process is the only one that may open the directory. */
export function getDbHandle(): Promise<DbHandle> {
  g.__atriumDb ??= (async () => {
    const handle = await openDatabase({ thread: pgliteThread() });
    // Only one process may open a PGlite directory, so the server applies pending migrations itself;
    // on PostgreSQL they are applied by `npm run db:migrate` before deploys.
    if (handle.kind === "pglite") await migrateDatabase(handle);
    return handle;
  })();
  return g.__atriumDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

type GlobalWithIngestDb = typeof globalThis & { __atriumIngestDb?: Promise<{ db: Db; close?: () => Promise<void> }> };
const gi = globalThis as GlobalWithIngestDb;

/**
 * The database for SDK event ingestion. On PostgreSQL, a pool of its own (DATABASE_INGEST_POOL_MAX connections,
 * 4 by default; 0 shares the main pool) beside the main one: a burst of event batches then queues for these
 * connections only, and never takes every connection the console's pages and the manifests need (issue 19, mixed
 * load). PGlite has one connection in this process: the same database.
 */
export async function getIngestDb(): Promise<Db> {
  gi.__atriumIngestDb ??= (async () => {
    const main = await getDbHandle();
    const max = Number(process.env.DATABASE_INGEST_POOL_MAX ?? 4);
    if (main.kind !== "postgres" || !main.url || !(max > 0)) return { db: main.db };
    const own = await openDatabase({ databaseUrl: main.url, maxConnections: max, applicationName: "atrium-ingest" });
    return { db: own.db, close: () => own.close() };
  })();
  return (await gi.__atriumIngestDb).db;
}

const forgetOnSwap = new Set<() => void>();

/**
 * Registers what a module must forget when a test installs another database: what it cached from the last one.
 * Test databases copied from one template (test/seeded.ts) share their ids, so an organization's manifest
 * revision or active signing key cached from one file's database would otherwise look current in the next one's.
 * A server process opens one database for good and never swaps it.
 */
export function onTestDatabaseSwap(forget: () => void): void {
  forgetOnSwap.add(forget);
}

export function setDbHandleForTests(handle: DbHandle | undefined): void {
  for (const forget of forgetOnSwap) forget();
  g.__atriumDb = handle ? Promise.resolve(handle) : undefined;
  const ingest = gi.__atriumIngestDb;
  gi.__atriumIngestDb = undefined;
  // A test's own ingest pool ends with its database (which is dropped next).
  void ingest?.then((p) => p.close?.()).catch(() => {});
}

export { schema };
