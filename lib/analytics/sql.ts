// Raw SQL helpers for the analytics queries, which are set-based SQL rather than query-builder chains.
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { pgliteDatabase, queryPrepared, textParams } from "@/db/pglite-prepared";
import type { AnalyticsFilters } from "./types";

/**
 * Rows of a raw query on either driver: PGlite answers `{ rows }`, postgres-js an array. Queries cast what
 * they select to int, float8 or text, so both drivers hand back the same JavaScript types.
 */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res: unknown = await db.execute(query);
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * selectRows for a hot statement whose text stays the same from call to call (only its parameters change). On
 * PostgreSQL it runs as a named prepared statement of its connection (postgres-js keeps one per connection and
 * text): after its first use on a connection a call is one round trip (Bind and Execute) and no parse, where any other
 * query with parameters costs two (Parse and Describe, then Bind and Execute) and a parse and plan each time. Measured
 * on event ingestion: 30-45 % more events per second over HTTP, the database's and the server's CPU per event both
 * lower (docs/benchmarks.md). `DATABASE_PREPARED_STATEMENTS=0` turns it off, for a connection pooler that cannot keep
 * prepared statements across transactions (PgBouncer in transaction mode before 1.21). On PGlite it is a named
 * statement of the database (db/pglite-prepared.ts: 10.6-10.9 ms against 12.2-13.6 ms a batch of ingestion on the
 * 1 M-event bench database); inside a transaction there, or with parameters other than text, numbers and booleans,
 * it is selectRows. `background` (event ingestion): on PGlite's own thread, the console's statements sent after it run
 * first (db/pglite-thread.mjs).
 */
export async function selectRowsPrepared<T>(db: DbOrTx, query: SQL, { background = false }: { background?: boolean } = {}): Promise<T[]> {
  const dialect = (db as unknown as { dialect?: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } } }).dialect;
  if (!dialect || process.env.DATABASE_PREPARED_STATEMENTS === "0") return selectRows<T>(db, query);
  const client = sessionClient(db);
  const postgresJs = asPostgresJs(client);
  const pglite = postgresJs ? undefined : pgliteDatabase(client);
  if (!postgresJs && !pglite) return selectRows<T>(db, query);
  const q = dialect.sqlToQuery(query);
  if (postgresJs) return (await postgresJs.unsafe(q.sql, q.params, { prepare: true })) as T[];
  const params = textParams(q.params);
  return params ? queryPrepared<T>(pglite!, q.sql, params, { background }) : selectRows<T>(db, query);
}

/** Which organization and which of its mini-programs a query may read. */
export type Scope = {
  orgId: string;
  /** null: every mini-program; otherwise only these (a developer's), possibly none. */
  appIds: string[] | null;
};

export function list(values: readonly string[]): SQL {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

/**
 * ` AND …` conditions for the scope and filters on a table (or alias) with the dimension columns org_id,
 * host_id, app_id, version and platform, which every analytics table names alike.
 */
export function whereDimensions(scope: Scope, f: AnalyticsFilters, alias?: string): SQL {
  const c = (name: string) => sql.raw(alias ? `${alias}.${name}` : name);
  const parts: SQL[] = [sql`${c("org_id")} = ${scope.orgId}`];
  if (scope.appIds) parts.push(scope.appIds.length ? sql`${c("app_id")} IN (${list(scope.appIds)})` : sql`false`);
  if (f.hostId !== undefined) parts.push(sql`${c("host_id")} = ${f.hostId}`);
  if (f.appId !== undefined) parts.push(sql`${c("app_id")} = ${f.appId}`);
  if (f.version !== undefined) parts.push(sql`${c("version")} = ${f.version}`);
  if (f.platform !== undefined) parts.push(sql`${c("platform")} = ${f.platform}`);
  return sql.join(parts, sql` AND `);
}

/**
 * Whether `db` (or a transaction on it) talks to PostgreSQL through postgres-js rather than to embedded PGlite. They
 * price result rows differently: PGlite about 10 µs a row whatever its size (so big reads pack many values into a
 * row), PostgreSQL far less than the packing itself costs.
 */
export function onPostgresJs(db: DbOrTx): boolean {
  return postgresJsClient(db) !== undefined;
}

type PostgresJsClient = { unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]> };

/** The driver's client under `db`: postgres-js (a transaction's reserved connection), PGlite, or a PGlite transaction. */
function sessionClient(db: DbOrTx): unknown {
  return (db as unknown as { session?: { client?: unknown } }).session?.client;
}

/** The postgres-js client under `db` (or a transaction on it: its reserved connection), or undefined on PGlite. */
function postgresJsClient(db: DbOrTx): PostgresJsClient | undefined {
  return asPostgresJs(sessionClient(db));
}

function asPostgresJs(client: unknown): PostgresJsClient | undefined {
  return typeof (client as Partial<PostgresJsClient> | undefined)?.unsafe === "function" ? (client as PostgresJsClient) : undefined;
}
