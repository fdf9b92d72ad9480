// Named prepared statements on PGlite. PGlite's query() sends every statement as an unnamed one (Parse, Describe,
// Bind, Describe, Execute, Sync: six calls into the database), so the statement is parsed, analysed and planned on
// every call; for event ingestion's eleven-CTE statement that was about a fifth of its time on the 1 M-event bench
// database (12.2-13.6 ms a batch of 100 against 10.6-10.9 ms prepared, docs/benchmarks.md). Here a statement whose
// text repeats is parsed once per database under a name of its own, and each call is Bind, Describe, Execute, Sync
// through PGlite's public protocol API, its answer parsed by PGlite's own result parser, with the parsers drizzle's
// PGlite driver uses for raw queries (dates and timestamps as their text), so rows come back as `db.execute` gives
// them.
import type { PGlite } from "@electric-sql/pglite";
import { queryPreparedHere } from "./pglite-prepared-run.mjs";

/** The PGlite database itself (not a transaction's handle, which cannot run protocol messages), or undefined. */
export function pgliteDatabase(client: unknown): PGlite | undefined {
  const c = client as Partial<PGlite> | undefined;
  return typeof c?.execProtocolStream === "function" && typeof c.runExclusive === "function" ? (c as PGlite) : undefined;
}

/** Parameters as the text protocol sends them; undefined when one is of a kind only query() knows how to send. */
export function textParams(params: readonly unknown[]): (string | null)[] | undefined {
  const out: (string | null)[] = [];
  for (const v of params) {
    if (v === null || v === undefined) out.push(null);
    else if (typeof v === "string") out.push(v);
    else if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") out.push(String(v));
    else return undefined;
  }
  return out;
}

/**
 * Runs `text` with `params` as a named prepared statement of `pg` and answers its rows (./pglite-prepared-run.mjs).
 * Goes through runExclusive, which db/pglite-turns.ts queues like every other statement, so it never runs inside
 * another caller's transaction.
 */
export async function queryPrepared<T>(pg: PGlite, text: string, params: (string | null)[], { background = false } = {}): Promise<T[]> {
  // PGlite on a thread of its own (./pglite-worker.ts) runs the same steps there, in one message; `background` lets
  // the console's statements sent after it run first.
  const threaded = pg as PGlite & { queryPreparedInThread?: <R>(text: string, values: (string | null)[], background?: boolean) => Promise<R[]> };
  if (threaded.queryPreparedInThread) return threaded.queryPreparedInThread<T>(text, params, background);
  return queryPreparedHere<T>(pg, text, params);
}
