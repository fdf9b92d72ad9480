// Named prepared statements on a PGlite instance in this thread: the steps ./pglite-prepared.ts describes, shared by
// the server's thread (PGlite opened there) and the database's own thread (./pglite-thread.mjs, which Node loads
// without the TypeScript toolchain, hence plain JavaScript; its types are in ./pglite-prepared-run.d.mts).
import { parse, protocol, types } from "@electric-sql/pglite";

/** What drizzle's PGlite session passes for raw queries: date and time types, and arrays of them and of numeric, as PostgreSQL's text. */
const asText = (value) => value;
export const RAW_PARSERS = {
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
/** SQLSTATE 26000: the statement's name is unknown to the database (it was closed or never made). */
const UNKNOWN_STATEMENT = "26000";

/** Per database: the names its statements were prepared under. */
const preparedOf = new WeakMap();

/**
 * Runs `text` with `values` as a named prepared statement of `pg` and answers its rows. Goes through runExclusive
 * (which db/pglite-turns.ts queues like every other statement), so it never runs inside another caller's transaction.
 */
export async function queryPreparedHere(pg, text, values) {
  try {
    return await pg.runExclusive(() => run(pg, text, values));
  } catch (e) {
    if (e?.code !== UNKNOWN_STATEMENT) throw e;
    // Closed under us (a DISCARD, a reset): forget every name and make this one again.
    preparedOf.delete(pg);
    return pg.runExclusive(() => run(pg, text, values));
  }
}

async function run(pg, text, values) {
  const S = protocol.serialize;
  const send = (message) => pg.execProtocolStream(message, { syncToFs: false });
  let state = preparedOf.get(pg);
  if (!state) preparedOf.set(pg, (state = { names: new Map(), next: 0 }));
  const messages = [];
  try {
    let name = state.names.get(text);
    if (name === undefined) {
      if (state.names.size >= MAX_PREPARED) {
        const [oldText, oldName] = state.names.entries().next().value;
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
  return result?.rows ?? [];
}
