// Raw SQL helpers for the analytics queries, which are set-based SQL rather than query-builder chains.
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db";
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
  const client = (db as unknown as { session?: { client?: { unsafe?: unknown } } }).session?.client;
  return typeof client?.unsafe === "function";
}
