// A dedicated PostgreSQL connection that LISTENs on one channel and says when it is, and when it stops being,
// sure to hear every notification. postgres.js has `sql.listen`, but it re-listens silently after a dropped
// connection (and gives up for good when that first reconnect fails), so a cache that trusts it could not know
// that notifications were missed meanwhile. This one tells: `onLost` when the connection closes or stops
// answering its heartbeat, `onListening` each time LISTEN is in force again, retrying with backoff until then.
import postgres from "postgres";

/** The application_name of every listening connection, so a process can count them (pg_stat_activity). */
export const LISTEN_APPLICATION_NAME = "atrium-listen";

export type ListenHandlers = {
  onNotify(payload: string): void;
  /** LISTEN is in force: every notification committed from now on arrives. Called again after each reconnect. */
  onListening(): void;
  /** The connection is gone (or silent): notifications may be missed until the next `onListening`. */
  onLost(): void;
};

export type ListenOptions = {
  /** First retry delay after a loss, doubled up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** How often the connection is asked a `SELECT 1`; no answer within the same time counts as lost. 0: never. */
  heartbeatMs?: number;
};

export type Listener = {
  readonly listening: boolean;
  close(): Promise<void>;
};

export function listenForNotifications(url: string, channel: string, handlers: ListenHandlers, opts: ListenOptions = {}): Listener {
  const minRetry = opts.retryMs ?? 100;
  const maxRetry = opts.maxRetryMs ?? 5_000;
  const heartbeatMs = opts.heartbeatMs ?? (Number(process.env.SDK_LISTEN_HEARTBEAT_MS) || 5_000);
  const quoted = `"${channel.replace(/"/g, '""')}"`;
  let client: postgres.Sql | null = null;
  let listening = false;
  let closed = false;
  let delay = minRetry;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  function lost(c: postgres.Sql) {
    if (client !== c) return;
    client = null;
    clearInterval(heartbeat);
    listening = false;
    // Said even when LISTEN never took: the caller must not trust anything until onListening.
    handlers.onLost();
    c.end({ timeout: 0 }).catch(() => {});
    if (closed) return;
    retry = setTimeout(start, delay);
    retry.unref();
    delay = Math.min(delay * 2, maxRetry);
  }

  async function start() {
    if (closed) return;
    // `onnotify` is a postgres.js option its types leave out (src/index.js passes it to every connection).
    const options: postgres.Options<Record<string, never>> & { onnotify: (channel: string, payload: string) => void } = {
      max: 1,
      // One long-lived connection: no idle or lifetime recycling, which would drop LISTEN.
      idle_timeout: 0,
      max_lifetime: null,
      fetch_types: false,
      onnotice: () => {},
      connection: { application_name: LISTEN_APPLICATION_NAME },
      onnotify: (ch, payload) => {
        if (ch === channel && client === c) handlers.onNotify(payload);
      },
      onclose: () => lost(c),
    };
    const c: postgres.Sql = postgres(url, options);
    client = c;
    try {
      await c.unsafe(`LISTEN ${quoted}`);
    } catch {
      lost(c);
      return;
    }
    if (client !== c || closed) return;
    delay = minRetry;
    listening = true;
    handlers.onListening();
    if (heartbeatMs > 0) {
      heartbeat = setInterval(() => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("heartbeat timeout")), heartbeatMs);
        });
        Promise.race([c`SELECT 1`, timeout])
          .catch(() => lost(c))
          .finally(() => clearTimeout(timer));
      }, heartbeatMs);
      heartbeat.unref();
    }
  }

  void start();
  return {
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      const c = client;
      client = null;
      listening = false;
      if (c) await c.end({ timeout: 1 }).catch(() => {});
    },
  };
}
