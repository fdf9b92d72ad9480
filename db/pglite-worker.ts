// Embedded PGlite on a thread of its own. PGlite is PostgreSQL compiled to WebAssembly, and in the server's thread
// every statement stops everything else: the requests' parsing, signature checks, rendering. Ingesting into the
// full-scale bench database, the database took about three quarters of that thread and the requests the rest
// (docs/benchmarks.md), so the machine's second core stood idle while one thread did both. Here the database runs in
// a worker thread (./pglite-thread.mjs) and this class is its client: PGlite's own query, exec, transaction and
// runExclusive (its base class, the one PGlite's browser worker client also extends) over one primitive, a wire
// protocol message sent to the thread and the answer's bytes sent back, which are parsed here as PGlite parses them.
// Everything above (drizzle, ./pglite-turns.ts, ./pglite-prepared.ts) sees a PGlite.
import path from "node:path";
import { Worker } from "node:worker_threads";
import { messages, Mutex, PGlite, protocol, TransactionAbortedError, type ExecProtocolResult, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";

type BackendMessage = ExecProtocolResult["messages"][number];

type Op = "query" | "exec" | "prepared" | "protocol" | "sync" | "close";
/**
 * Where a message may run (./pglite-thread.mjs): "seq" in the order sent (a transaction's statements, a caller's
 * exclusive sequence, the rest); "fg" a statement of its own, ahead of "bg" statements of their own sent before it
 * (independent autocommit statements: their order is their callers' race anyway), never ahead of a "seq" message.
 */
type Order = "seq" | "fg" | "bg";
type WorkerOptions = { dataDir?: string; startParams?: string[] };
type Reply = { id: number; data?: Uint8Array; result?: unknown; error?: { message: string } & Record<string, unknown> };
type Pending = { resolve: (reply: Reply) => void; reject: (e: Error) => void };

/** PGlite's base class (query, exec, transaction, runExclusive over execProtocol), which the package does not export by name. */
const BasePGlite = Object.getPrototypeOf(PGlite) as abstract new () => PGlite;

const THREAD_FILE = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "db/pglite-thread.mjs");

/** An error from the thread, with PostgreSQL's fields (code, detail, constraint …) where it had them. */
function revive(e: Reply["error"]): Error {
  const err = new Error(e?.message ?? "PGlite thread error");
  Object.assign(err, e);
  return err;
}

class ThreadedPGlite extends BasePGlite {
  override debug = 0 as const;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #failed: Error | undefined;
  readonly #ready: Promise<void>;
  readonly #queryMutex = new Mutex();
  readonly #transactionMutex = new Mutex();
  #closed = false;

  constructor(options: WorkerOptions, file = THREAD_FILE) {
    super();
    this.#worker = new Worker(file, { workerData: { options } });
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#worker.once("message", (m: { ready: boolean; error?: Reply["error"] }) => {
        if (!m.ready) return reject(revive(m.error));
        if (this.#pending.size === 0) this.#worker.unref();
        resolve();
      });
      this.#worker.once("error", reject);
    });
    this.#worker.on("message", (m: Reply & { ready?: boolean }) => {
      if (m.ready !== undefined) return;
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (m.error) p.reject(revive(m.error));
      else p.resolve(m);
    });
    // The thread died (out of memory, a crash in the database): every call waiting and every later one fails.
    const fail = (e: Error) => {
      this.#failed ??= e;
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    };
    this.#worker.on("error", fail);
    this.#worker.on("exit", (code) => fail(new Error(`the PGlite thread exited (${code})`)));
  }

  #call(op: Op, message?: unknown, order: Order = "seq"): Promise<Reply> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      // The thread keeps the process alive while a call waits on it, and only then (a script that forgets to close
      // its database still exits).
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      // A copy the thread may own: the caller's message may be a view of a larger buffer it keeps using.
      if (message instanceof Uint8Array) {
        const own = message.slice();
        this.#worker.postMessage({ id, op, order, message: own }, [own.buffer]);
      } else this.#worker.postMessage({ id, op, order, message });
    });
  }

  // One message a statement. PGlite's own query() is six calls into the database (Parse, Describe, Bind, Describe,
  // Execute, Sync), each of which would be a round trip to the thread and back, the thread idle meanwhile; the
  // thread runs PGlite's query() itself instead. The options' parsers are the ones every caller here passes
  // (drizzle's: date and time types as text), which the thread applies; its rows come back by structured clone.
  async #query<T>(text: string, params: unknown[] | undefined, options?: QueryOptions, order: Order = "seq"): Promise<Results<T>> {
    if (options?.blob) throw new Error("COPY with a blob is not available on the PGlite thread");
    return (await this.#call("query", { text, params: params ?? [], rowMode: options?.rowMode }, order)).result as Results<T>;
  }
  async #exec(text: string, order: Order = "seq"): Promise<Results[]> {
    return (await this.#call("exec", { text }, order)).result as Results[];
  }

  /**
   * A statement of its own, sent at once unless a transaction or a caller's exclusive sequence is open (then after
   * it): the thread runs messages in the order they come, so it goes from one statement to the next without
   * waiting for this thread, and nothing sent outside a transaction lands inside it.
   */
  async #alone<T>(send: () => Promise<T>): Promise<T> {
    await this._checkReady();
    const sent = await this.#transactionMutex.runExclusive(async () => ({ reply: send() }));
    return sent.reply;
  }

  override query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.#alone(() => this.#query<T>(text, params, options, "fg"));
  }

  override exec(text: string, options?: QueryOptions): Promise<Results[]> {
    if (options?.blob) return Promise.reject(new Error("COPY with a blob is not available on the PGlite thread"));
    return this.#alone(() => this.#exec(text, "fg"));
  }

  /** As PGlite's own transaction(): BEGIN, the callback's statements, COMMIT (or ROLLBACK on a throw), others waiting. */
  override async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    await this._checkReady();
    return this.#transactionMutex.runExclusive(async () => {
      await this.#exec("BEGIN");
      let closed = false;
      const open = () => {
        if (closed) throw new Error("Transaction is closed");
      };
      const tx: Transaction = {
        query: async <R>(text: string, params?: unknown[], options?: QueryOptions) => (open(), this.#query<R>(text, params, options)),
        sql: async () => {
          throw new Error("tx.sql is not available on the PGlite thread: use tx.query");
        },
        exec: async (text: string) => (open(), this.#exec(text)),
        rollback: async () => {
          open();
          await this.#exec("ROLLBACK");
          closed = true;
        },
        listen: async () => {
          throw new Error("LISTEN is not available on the PGlite thread");
        },
        get closed() {
          return closed;
        },
      };
      try {
        const out = await callback(tx);
        if (!closed) {
          closed = true;
          const [done] = await this.#exec("COMMIT");
          // A transaction that failed inside (an error caught by the callback) answers COMMIT with ROLLBACK.
          if ((done as { command?: string } | undefined)?.command === "ROLLBACK") throw new TransactionAbortedError();
        }
        return out;
      } catch (e) {
        if (!closed) {
          closed = true;
          await this.#exec("ROLLBACK");
        }
        throw e;
      }
    });
  }

  /** A caller's own sequence of statements (raw protocol messages), between others'. */
  override runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#transactionMutex.runExclusive(fn);
  }

  /**
   * What ./pglite-prepared.ts runs: the statement prepared under a name of its own, in the thread. `background`:
   * statements of their own sent later (a page's, a dashboard's) run before it (event ingestion's).
   */
  async queryPreparedInThread<T>(text: string, values: (string | null)[], background = false): Promise<T[]> {
    return (await this.#alone(() => this.#call("prepared", { text, values }, background ? "bg" : "fg"))).result as T[];
  }

  async execProtocolRaw(message: Uint8Array): Promise<Uint8Array> {
    return (await this.#call("protocol", message)).data ?? new Uint8Array(0);
  }

  async execProtocolRawStream(message: Uint8Array, { onRawData }: { onRawData: (data: Uint8Array) => void }): Promise<void> {
    onRawData(await this.execProtocolRaw(message));
  }

  /** The answer's messages, as PGlite collects them: after an error, nothing more; the error thrown if asked. */
  #parse(data: Uint8Array, throwOnError: boolean, onNotice?: (notice: messages.NoticeMessage) => void): BackendMessage[] {
    const out: BackendMessage[] = [];
    let error: messages.DatabaseError | undefined;
    new protocol.Parser().parse(data, (m: BackendMessage) => {
      if (error) return;
      if (m instanceof messages.DatabaseError) {
        if (throwOnError) error = m;
      } else if (m instanceof messages.NoticeMessage) onNotice?.(m);
      out.push(m);
    });
    if (error) throw error;
    return out;
  }

  async execProtocol(message: Uint8Array, { throwOnError = true, onNotice }: { throwOnError?: boolean; onNotice?: (n: messages.NoticeMessage) => void } = {}): Promise<ExecProtocolResult> {
    const data = await this.execProtocolRaw(message);
    return { messages: this.#parse(data, throwOnError, onNotice), data };
  }

  async execProtocolStream(message: Uint8Array, { throwOnError = true, onNotice }: { throwOnError?: boolean; onNotice?: (n: messages.NoticeMessage) => void } = {}): Promise<BackendMessage[]> {
    return this.#parse(await this.execProtocolRaw(message), throwOnError, onNotice);
  }

  async syncToFs(): Promise<void> {
    await this.#call("sync");
  }

  // COPY to and from a blob, and LISTEN: not used by the server, which is the only one to open a database this way.
  async _handleBlob(blob?: unknown): Promise<void> {
    if (blob) throw new Error("COPY with a blob is not available on the PGlite thread");
  }
  async _getWrittenBlob(): Promise<undefined> {
    return undefined;
  }
  async _cleanupBlob(): Promise<void> {}
  async listen(): Promise<never> {
    throw new Error("LISTEN is not available on the PGlite thread");
  }

  async _checkReady(): Promise<void> {
    if (this.#closed) throw new Error("PGlite is closed");
    await this.#ready;
  }
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queryMutex.runExclusive(fn);
  }
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#transactionMutex.runExclusive(fn);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#ready.catch(() => undefined);
    // After the statement in progress and any open transaction, as PGlite's own close().
    await this.#transactionMutex.runExclusive(() => this.#queryMutex.runExclusive(async () => {}));
    this.#closed = true;
    try {
      if (!this.#failed) await this.#call("close");
    } finally {
      await this.#worker.terminate();
    }
  }
}

/** Opens a PGlite database in a thread of its own; resolves once it is ready, with the client PGlite's callers use. */
export async function openPGliteThread(options: WorkerOptions, file?: string): Promise<PGlite> {
  const client = new ThreadedPGlite(options, file);
  try {
    await client._checkReady();
    // What PGlite.create does last: the array types' parsers and serializers.
    await client._initArrayTypes();
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }
  return client as unknown as PGlite;
}
