// Scenarios 1 and 2: the reference SDK client reports events from several devices at once while a fault strikes
// (the server SIGKILLed and restarted, or PostgreSQL stopped and started); the clients retry what was not
// acknowledged, and then every event must be in the database exactly once, in the raw table, the rollups and
// the overview API alike.
import { sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { AtriumSdkClient, EVENTS_PATH, type EventType } from "@/sdk-client";
import { api, SEED, type ConsoleUnderTest } from "./console";
import { sleep } from "./server";

export type ResponseRecord = { at: number; status: number | null; retryAfter: string | null; code: string | null };

export type IngestFigures = {
  clients: number;
  batches: number;
  eventsSent: number;
  /** Events the server answered as newly accepted / as duplicates (a batch stored before the fault, whose answer was lost). */
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  responses: Record<string, number>;
  faultAfterBatches: number;
  inDb: number;
  distinctInDb: number;
  lost: number;
  doubled: number;
  unexpected: number;
  rollupEvents: number;
  overview: { launches: number; sessions: number; errors: number; activeUsers: number };
  /** 503 answers to the overview request before it answered 200. */
  overview503: number;
  expected: { launches: number; sessions: number; errors: number; activeUsers: number };
  /** Seconds from the start of sending: the fault fired, it was over, every client's queue was empty. */
  timeline: { faultAt: number; faultOver: number; drained: number; overviewSeconds?: number; verifySeconds?: number };
  seconds: number;
};

type Overview = { totals: { launches: number; sessions: number; errors: number; activeUsers: number } };

export type IngestRun = {
  console: ConsoleUnderTest;
  /** Distinguishes this run's events: each scenario reports its own version of the mini-program. */
  version: string;
  batches: number;
  clients: number;
  /** Fires once when this many batches have been acknowledged; resolves when the fault is over. */
  faultAfterBatches: number;
  fault: () => Promise<void>;
  /** How long clients keep flushing before the events still queued count as lost. */
  deadlineMs?: number;
};

const BATCH = 100;
const TYPES: EventType[] = ["launch", "page_view", "session_end", "error"];

function tally(records: ResponseRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    const key = r.status === null ? "no_answer" : String(r.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export async function runIngest(run: IngestRun): Promise<{ figures: IngestFigures; records: ResponseRecord[] }> {
  const { server } = run.console;
  const started = performance.now();
  const records: ResponseRecord[] = [];
  let acknowledged = 0;
  let faultDone: Promise<void> | null = null;
  const timeline = { faultAt: 0, faultOver: 0, drained: 0 };
  let sendStart = performance.now();

  // The SDK's own fetch, observed: every answer to POST /events is recorded, and the fault fires mid-stream.
  const observed: typeof fetch = async (input, init) => {
    const isEvents = init?.method === "POST" && String(input).endsWith(EVENTS_PATH);
    let res: Response;
    try {
      res = await fetch(input, init);
    } catch (e) {
      if (isEvents) records.push({ at: Date.now(), status: null, retryAfter: null, code: null });
      throw e;
    }
    if (!isEvents) return res;
    let code: string | null = null;
    if (!res.ok) {
      const body = (await res.clone().json().catch(() => null)) as { error?: { code?: unknown } } | null;
      code = typeof body?.error?.code === "string" ? body.error.code : null;
    }
    records.push({ at: Date.now(), status: res.status, retryAfter: res.headers.get("retry-after"), code });
    if (res.status === 202 && ++acknowledged === run.faultAfterBatches) {
      timeline.faultAt = since(sendStart);
      faultDone = run.fault().then(() => {
        timeline.faultOver = since(sendStart);
      });
    }
    return res;
  };

  const makeClient = () =>
    new AtriumSdkClient({
      baseUrl: server.baseUrl,
      sdkKey: SEED.sdkKey,
      sdkSecret: SEED.sdkSecret,
      fetch: observed,
      batchSize: BATCH,
      maxAttempts: 6,
      baseDelayMs: 200,
      maxDelayMs: 2_000,
      maxRetryAfterMs: 10_000,
    });

  // What a real host app runs is what its manifest lists: report usage of the first mini-program there.
  const { manifest } = await makeClient().getManifest({ user: "faults", platform: "ios", sdkVersion: "9.0.0" });
  const appId = manifest.miniPrograms[0]?.appId;
  if (!appId) throw new Error("The demo host's manifest lists no mini-program");

  // The organization-wide overview before and after: its difference is this run's events. (Unfiltered, because a
  // filtered overview takes seconds per thousand users; reported separately.)
  const from = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const overview = () => api<Overview>(server.baseUrl, "GET", `/api/v1/analytics/overview?from=${from}&to=${to}`);
  const baseline = await overview();
  if (baseline.status !== 200) throw new Error(`The overview API answered ${baseline.status} before the run`);
  const before = baseline.body.totals;

  const perClient = Math.ceil(run.batches / run.clients);
  const sentIds = new Set<string>();
  const expected = { launches: 0, sessions: 0, errors: 0, activeUsers: 0 };
  const clients = Array.from({ length: run.clients }, (_, c) => {
    const client = makeClient();
    const mine = Math.min(perClient, run.batches - c * perClient);
    for (let i = 0; i < mine * BATCH; i++) {
      const type = TYPES[i % TYPES.length]!;
      const id = client.track({
        type,
        appId,
        version: run.version,
        // One event per user: the overview's activeUsers then counts events, and a doubled one cannot hide.
        userId: `faults-${run.version}-${c}-${i}`,
        platform: "ios",
        ...(type === "session_end" ? { durationMs: 1_000 + i } : {}),
        ...(type === "error" ? { message: "fault test" } : {}),
      });
      sentIds.add(id);
      if (type === "launch") expected.launches++;
      if (type === "session_end") expected.sessions++;
      if (type === "error") expected.errors++;
      expected.activeUsers++;
    }
    return client;
  });

  sendStart = performance.now();
  const deadline = Date.now() + (run.deadlineMs ?? 90_000);
  await Promise.all(
    clients.map(async (client) => {
      // A host app flushes on a timer: a flush that gave up leaves its batch queued for the next one.
      while (client.stats().queued > 0 && Date.now() < deadline) {
        const r = await client.flush();
        if (r.gaveUp) await sleep(250);
      }
    }),
  );
  timeline.drained = since(sendStart);
  if (faultDone) await faultDone;
  else throw new Error(`The fault never fired: only ${acknowledged} batches were acknowledged`);

  const verifyStart = performance.now();
  const stats = clients.map((c) => c.stats());
  const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((a, s) => a + f(s), 0);

  // A 503 is a legitimate answer right after an outage (see the report on postgres-js); any API client retries it.
  let overview503 = 0;
  let ov = await overview();
  while (ov.status === 503 && overview503 < 5) {
    overview503++;
    await sleep(500);
    ov = await overview();
  }
  if (ov.status !== 200) throw new Error(`The overview API answered ${ov.status} ${JSON.stringify(ov.body)}`);
  const after = ov.body.totals;
  const overviewSeconds = since(verifyStart);
  const counted = await countInDb(run.console, run.version, sentIds);
  const inDb = counted.total;
  const figures: IngestFigures = {
    clients: run.clients,
    batches: run.batches,
    eventsSent: sentIds.size,
    accepted: sum((s) => s.accepted),
    duplicates: sum((s) => s.duplicates),
    rejected: sum((s) => s.rejected + s.dropped),
    retries: sum((s) => s.retries),
    responses: tally(records),
    faultAfterBatches: run.faultAfterBatches,
    inDb,
    distinctInDb: counted.distinct,
    lost: counted.missing,
    doubled: Math.max(0, inDb - counted.distinct) + Math.max(0, counted.rollupEvents - sentIds.size),
    unexpected: counted.unexpected,
    rollupEvents: counted.rollupEvents,
    overview: {
      launches: after.launches - before.launches,
      sessions: after.sessions - before.sessions,
      errors: after.errors - before.errors,
      activeUsers: after.activeUsers - before.activeUsers,
    },
    overview503,
    expected,
    timeline: { ...timeline, overviewSeconds, verifySeconds: since(verifyStart) },
    seconds: since(started),
  };
  return { figures, records };
}

/** Raw events, their ids against what was sent, and the additive rollup's count. */
async function countInDb(c: ConsoleUnderTest, version: string, sentIds: Set<string>) {
  // On PGlite the server must let go of the directory first; the runner restarts it afterwards.
  const wasRunning = c.server.running;
  if (c.target.kind === "pglite" && wasRunning) await c.server.stop();
  let handle: DbHandle | null = null;
  try {
    handle = await c.openDb();
    const ids = (await rows<{ id: string }>(handle, sql`SELECT id FROM events WHERE version = ${version}`)).map((r) => r.id);
    const [stat] = await rows<{ events: number }>(handle, sql`SELECT coalesce(sum(events), 0)::int AS events FROM daily_stats WHERE version = ${version}`);
    const distinct = new Set(ids);
    let missing = 0;
    for (const id of sentIds) if (!distinct.has(id)) missing++;
    let unexpected = 0;
    for (const id of distinct) if (!sentIds.has(id)) unexpected++;
    return { total: ids.length, distinct: distinct.size, missing, unexpected, rollupEvents: stat?.events ?? 0 };
  } finally {
    await handle?.close();
    if (c.target.kind === "pglite" && wasRunning) await c.server.start();
  }
}

function since(t0: number): number {
  return Math.round((performance.now() - t0) / 100) / 10;
}

export async function rows<T>(handle: DbHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  const res: unknown = await handle.db.execute(query);
  return (Array.isArray(res) ? res : ((res as { rows?: T[] }).rows ?? [])) as T[];
}

/** The failures of an ingest run: anything lost, doubled, refused or miscounted. */
export function ingestProblems(f: IngestFigures): string[] {
  const problems: string[] = [];
  if (f.lost) problems.push(`${f.lost} events lost`);
  if (f.doubled) problems.push(`${f.doubled} events doubled`);
  if (f.unexpected) problems.push(`${f.unexpected} events in the database that were never sent`);
  if (f.rejected) problems.push(`${f.rejected} events rejected or dropped by the client`);
  if (f.inDb !== f.eventsSent) problems.push(`${f.inDb} events stored, ${f.eventsSent} sent`);
  if (f.rollupEvents !== f.eventsSent) problems.push(`the rollup counts ${f.rollupEvents} events, ${f.eventsSent} sent`);
  for (const k of ["launches", "sessions", "errors", "activeUsers"] as const) {
    if (f.overview[k] !== f.expected[k]) problems.push(`overview ${k} ${f.overview[k]}, expected ${f.expected[k]}`);
  }
  if (f.accepted + f.duplicates !== f.eventsSent) {
    problems.push(`the server acknowledged ${f.accepted} + ${f.duplicates} duplicates for ${f.eventsSent} events`);
  }
  if (f.responses["500"]) problems.push(`${f.responses["500"]} answers were 500`);
  return problems;
}
