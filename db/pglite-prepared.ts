// Named prepared statements on PGlite. PGlite's query() sends every statement as an unnamed one (Parse, Describe,
// Bind, Describe, Execute, Sync: six calls into the database), so the statement is parsed, analysed and planned on
// every call; for event ingestion's eleven-CTE statement that was about a fifth of its time on the 1 M-event bench
// database (12.2-13.6 ms a batch of 100 against 10.6-10.9 ms prepared, docs/benchmarks.md). Here a statement whose
// text repeats is parsed once per database under a name of its own, and each call is Bind, Describe, Execute, Sync
// through PGlite's public protocol API, its answer parsed by PGlite's own result parser, with the parsers drizzle's
// PGlite driver uses for raw queries (dates and timestamps as their text), so rows come back as `db.execute` gives
// them.
import { parse, protocol, types, type PGlite } from "@electric-sql/pglite";

/** What drizzle's PGlite session passes for raw queries: date and time types as PostgreSQL's text. */
const asText = (value: string) => value;
const RAW_PARSERS = {
  [types.TIMESTAMP]: asText,
  [types.TIMESTAMPTZ]: asText,
  [types.INTERVAL]: asText,
  [types.DATE]: asText,
  1231: asText,
  1115: asText,
  1185: asText,
  1187: asText,
  1182: asText,
};

/** Statements kept per database; beyond it the least recently prepared one is closed. */
const MAX_PREPARED = 16;
const PREFIX = "atrium_p";

type Prepared = { names: Map<string, string>; next: number };
const preparedOf = new WeakMap<PGlite, Prepared>();

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

/** SQLSTATE 26000: the statement's name is unknown to the database (it was closed or never made). */
const UNKNOWN_STATEMENT = "26000";

/**
 * Runs `text` with `params` as a named prepared statement of `pg` and answers its rows. Goes through runExclusive,
 * which db/pglite-turns.ts queues like every other statement, so it never runs inside another caller's transaction.
 */
export async function queryPrepared<T>(pg: PGlite, text: string, params: (string | null)[]): Promise<T[]> {
  // PGlite on a thread of its own (./pglite-worker.ts) runs the same steps there, in one message.
  const threaded = pg as PGlite & { queryPreparedInThread?: <R>(text: string, values: (string | null)[]) => Promise<R[]> };
  if (threaded.queryPreparedInThread) return threaded.queryPreparedInThread<T>(text, params);
  try {
    return await pg.runExclusive(() => run<T>(pg, text, params));
  } catch (e) {
    if ((e as { code?: string }).code !== UNKNOWN_STATEMENT) throw e;
    // Closed under us (a DISCARD, a reset): forget every name and make this one again.
    preparedOf.delete(pg);
    return pg.runExclusive(() => run<T>(pg, text, params));
  }
}

async function run<T>(pg: PGlite, text: string, values: (string | null)[]): Promise<T[]> {
  const S = protocol.serialize;
  const send = (message: Uint8Array) => pg.execProtocolStream(message, { syncToFs: false });
  let state = preparedOf.get(pg);
  if (!state) preparedOf.set(pg, (state = { names: new Map(), next: 0 }));
  const messages: Awaited<ReturnType<typeof send>> = [];
  try {
    let name = state.names.get(text);
    if (name === undefined) {
      if (state.names.size >= MAX_PREPARED) {
        const [oldText, oldName] = state.names.entries().next().value!;
        state.names.delete(oldText);
        await send(S.close({ type: "S", name: oldName }));
      }
      name = `${PREFIX}${state.next++}`;
      await send(S.parse({ name, text, types: [] }));
      state.names.set(text, name);
    }
    messages.push(...(await send(S.bind({ statement: name, values }))));
    messages.push(...(await send(S.describe({ type: "P" }))));
    messages.push(...(await send(S.execute({}))));
  } finally {
    // As PGlite's own query(): whatever failed, Sync ends the extended-protocol exchange (and an implicit transaction).
    messages.push(...(await send(S.sync())));
  }
  await pg.syncToFs();
  const [result] = parse.parseResults(messages, pg.parsers, { rowMode: "object", parsers: RAW_PARSERS });
  return (result?.rows ?? []) as T[];
}
