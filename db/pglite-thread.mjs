// The embedded database's own thread (db/pglite-worker.ts starts it). It holds the PGlite instance and runs what
// the server's thread sends it, one message a statement: a query or an exec with its parameters, a prepared
// statement's text and values, or a raw wire-protocol message (answered with the bytes, unparsed). Plain
// JavaScript, loaded by Node from this file, outside the framework's bundles.
import { parentPort, workerData } from "node:worker_threads";
import { parse, PGlite, protocol } from "@electric-sql/pglite";

/** Copies the chunks PGlite streamed (views of its memory, valid only during the call) into one transferable buffer. */
function concat(chunks, length) {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** What crosses the thread boundary of an error: its message and PostgreSQL's fields, if any. */
function plain(e) {
  const out = { message: String(e?.message ?? e), name: e?.name };
  for (const [k, v] of Object.entries(e ?? {})) if (typeof v === "string" || typeof v === "number") out[k] = v;
  return out;
}

// Date and time types, and arrays of them and of numeric, as PostgreSQL's text: what drizzle's PGlite session and
// ./pglite-prepared.ts ask for on every statement (their parsers are functions, which cannot cross to this thread).
const asText = (value) => value;
const PARSERS = Object.fromEntries([1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182].map((oid) => [oid, asText]));

/** Statements prepared under a name of their own (ingestion's, through ./pglite-prepared.ts), at most 16. */
const prepared = new Map();
let preparedNext = 0;
const MAX_PREPARED = 16;

/** A statement whose text repeats, as ./pglite-prepared.ts runs it in the caller's thread: parsed once, then Bind, Describe, Execute, Sync. */
async function runPrepared(text, values) {
  const S = protocol.serialize;
  const send = (message) => pg.execProtocolStream(message, { syncToFs: false });
  const messages = [];
  try {
    let name = prepared.get(text);
    if (name === undefined) {
      if (prepared.size >= MAX_PREPARED) {
        const [oldText, oldName] = prepared.entries().next().value;
        prepared.delete(oldText);
        await send(S.close({ type: "S", name: oldName }));
      }
      name = `atrium_t${preparedNext++}`;
      await send(S.parse({ name, text, types: [] }));
      prepared.set(text, name);
    }
    messages.push(...(await send(S.bind({ statement: name, values }))));
    messages.push(...(await send(S.describe({ type: "P" }))));
    messages.push(...(await send(S.execute({}))));
  } catch (e) {
    // Closed under us (a DISCARD): made again on the next call.
    if (e?.code === "26000") prepared.clear();
    throw e;
  } finally {
    messages.push(...(await send(S.sync())));
  }
  const [result] = parse.parseResults(messages, pg.parsers, { rowMode: "object", parsers: PARSERS });
  return result?.rows ?? [];
}

/** A result as it crosses the thread boundary. */
const result = ({ blob: _blob, ...r }) => r;

let pg;
try {
  pg = await PGlite.create(workerData.options);
  parentPort.postMessage({ ready: true });
} catch (e) {
  parentPort.postMessage({ ready: false, error: plain(e) });
}

// One message at a time, in the order they came: the client sends a statement without waiting for the one before
// it to end (so this thread goes from one to the next without waiting for the other), and relies on that order
// for its transactions.
const queue = [];
let draining = false;
parentPort.on("message", (m) => {
  queue.push(m);
  if (!draining) void drain();
});
async function drain() {
  draining = true;
  for (let m = queue.shift(); m; m = queue.shift()) await handle(m);
  draining = false;
}

async function handle({ id, op, message }) {
  try {
    if (op === "query") {
      const r = await pg.query(message.text, message.params, { rowMode: message.rowMode, parsers: PARSERS });
      parentPort.postMessage({ id, result: result(r) });
    } else if (op === "exec") {
      const rs = await pg.exec(message.text, { parsers: PARSERS });
      parentPort.postMessage({ id, result: rs.map(result) });
    } else if (op === "prepared") {
      parentPort.postMessage({ id, result: await pg.runExclusive(() => runPrepared(message.text, message.values)) });
    } else if (op === "protocol") {
      const chunks = [];
      let length = 0;
      await pg.execProtocolRawStream(message, {
        syncToFs: false,
        onRawData: (data) => {
          chunks.push(data.slice());
          length += data.length;
        },
      });
      const data = concat(chunks, length);
      parentPort.postMessage({ id, data }, [data.buffer]);
    } else if (op === "sync") {
      await pg.syncToFs();
      parentPort.postMessage({ id });
    } else if (op === "close") {
      await pg.close();
      parentPort.postMessage({ id });
    } else {
      throw new Error(`unknown operation ${op}`);
    }
  } catch (e) {
    parentPort.postMessage({ id, error: plain(e) });
  }
}
