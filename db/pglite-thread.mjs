// The embedded database's own thread (db/pglite-worker.ts starts it). It holds the PGlite instance and runs what
// the server's thread sends it, one message a statement: a query or an exec with its parameters, a prepared
// statement's text and values, or a raw wire-protocol message (answered with the bytes, unparsed). Plain
// JavaScript, loaded by Node from this file, outside the framework's bundles.
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { queryPreparedHere, RAW_PARSERS } from "./pglite-prepared-run.mjs";

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

// Date and time types as PostgreSQL's text: what drizzle's PGlite session and ./pglite-prepared.ts ask for on every
// statement (their parsers are functions, which cannot cross to this thread).
const PARSERS = RAW_PARSERS;

/** A result as it crosses the thread boundary. */
const result = ({ blob: _blob, ...r }) => r;

let pg;
try {
  pg = await PGlite.create(workerData.options);
  parentPort.postMessage({ ready: true });
} catch (e) {
  parentPort.postMessage({ ready: false, error: plain(e) });
}

// One message at a time. The client sends a statement without waiting for the one before it to end (so this thread
// goes from one to the next without waiting for the other), and relies on their order for its transactions: a
// message runs after every one sent before it ("seq"), except that a statement of its own ("fg": a page's, a
// dashboard's) runs before statements of their own sent earlier in the background ("bg": event ingestion's, up to a
// thousand events each), up to MAX_OVERTAKES in a row, and never passes any other message.
const FOREGROUND_FIRST = process.env.PGLITE_FOREGROUND_FIRST !== "0";
const MAX_OVERTAKES = 16;
const queue = [];
let overtaken = 0;
let draining = false;
parentPort.on("message", (m) => {
  queue.push(m);
  if (!draining) void drain();
});
function next() {
  if (FOREGROUND_FIRST && queue[0].order === "bg" && overtaken < MAX_OVERTAKES) {
    for (let i = 1; i < queue.length; i++) {
      const m = queue[i];
      if (m.order === "fg") {
        overtaken++;
        return queue.splice(i, 1)[0];
      }
      if (m.order !== "bg") break;
    }
  }
  overtaken = 0;
  return queue.shift();
}
// Messages that came while a statement ran wait in the port until the event loop's next turn; taken here first, so
// the choice of the next message sees them all.
function receive() {
  for (let m = receiveMessageOnPort(parentPort); m; m = receiveMessageOnPort(parentPort)) queue.push(m.message);
}
async function drain() {
  draining = true;
  for (receive(); queue.length > 0; receive()) await handle(next());
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
      parentPort.postMessage({ id, result: await queryPreparedHere(pg, message.text, message.values) });
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
