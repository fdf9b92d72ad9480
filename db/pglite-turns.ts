// PGlite opened in the caller's thread (tests, scripts, and the server with PGLITE_THREAD=0; the server otherwise
// runs it on a thread of its own, ./pglite-worker.ts): while a statement runs, nothing else does. Its own queue hands the next
// statement over in a microtask, so statements queued together run back to back and the event loop gets no turn
// between them: a page whose shell is ready waits, unsent, until every query its streamed cards queued is done
// (docs/benchmarks.md, "The organization home's first byte"). This queue takes statements one at a time, like
// PGlite's, and gives the event loop a turn before each next one: two check phases (setImmediate twice), so the
// immediates queued while a statement ran (React's and Next.js's rendering and streaming steps), the timers due and
// the pending I/O all run first.
import type { PGlite } from "@electric-sql/pglite";

type Job = () => Promise<void>;

/**
 * Routes the client's top-level statements (query, exec, transaction: what drizzle and the migrator call; runExclusive:
 * ./pglite-prepared.ts) through one FIFO queue that yields a turn of the event loop between them. Statements inside a
 * transaction run on its own handle, under the transaction's single turn, as before.
 */
export function yieldBetweenStatements(client: PGlite): PGlite {
  const jobs: Job[] = [];
  let running = false;
  const turn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
  const drain = async () => {
    running = true;
    try {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        await job();
        if (jobs.length > 0) await turn();
      }
    } finally {
      running = false;
    }
  };
  const enqueue = <T>(run: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      jobs.push(() => run().then(resolve, reject));
      if (!running) void drain();
    });
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  const runExclusive = client.runExclusive.bind(client);
  client.query = ((...args: Parameters<PGlite["query"]>) => enqueue(() => query(...args))) as PGlite["query"];
  client.exec = ((...args: Parameters<PGlite["exec"]>) => enqueue(() => exec(...args))) as PGlite["exec"];
  client.transaction = ((...args: Parameters<PGlite["transaction"]>) => enqueue(() => transaction(...args))) as PGlite["transaction"];
  // Protocol-level statements (./pglite-prepared.ts) take their turn too, and so never run inside a transaction:
  // PGlite's own runExclusive waits only for the statement in progress, not for an open transaction to end.
  client.runExclusive = (<T>(fn: () => Promise<T>) => enqueue(() => runExclusive(fn))) as PGlite["runExclusive"];
  return client;
}
