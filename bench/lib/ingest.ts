// The bench's ingestion (fresh, signed event batches from the first organizations' hosts, sent over HTTP with
// autocannon) and its dashboard requests: bench/run.ts and bench/mixed-paired.ts.
import { cannon, sdkHeaders, timedGet } from "./http";
import { generateEvents, wireEvent, type Dataset, type GeneratedEvent, type OrgSpec } from "./dataset";
import type { Server } from "./server";

/** The dataset's seed: the same organizations, hosts, keys and users in every run. */
export const SEED = 20260801;
/** Organizations whose hosts send the ingested batches. */
export const INGEST_ORGS = 5;
/** Events per batch. */
export const BATCH = 100;

export function ingestBatches(ds: Dataset, events: number, idPrefix: string, now: number): { org: OrgSpec; hostIndex: number; rows: GeneratedEvent[] }[] {
  const orgs = ds.orgs.slice(0, INGEST_ORGS);
  const weight = orgs.reduce((a, o) => a + o.weight, 0);
  const perHost: { org: OrgSpec; hostIndex: number; rows: GeneratedEvent[] }[][] = [];
  for (const org of orgs) {
    const byHost = org.hosts.map((_, h) => ({ org, hostIndex: h, rows: [] as GeneratedEvent[] }));
    // Recent events only: the API takes events at most 7 days old.
    for (const e of generateEvents(org, { events: Math.round((events * org.weight) / weight), until: now - 60_000, days: 5, idPrefix, seed: SEED })) {
      byHost[org.hosts.findIndex((h) => h.id === e.hostId)]!.rows.push(e);
    }
    perHost.push(byHost);
  }
  const batches: { org: OrgSpec; hostIndex: number; rows: GeneratedEvent[] }[] = [];
  for (const group of perHost.flat()) {
    for (let i = 0; i < group.rows.length; i += BATCH) batches.push({ org: group.org, hostIndex: group.hostIndex, rows: group.rows.slice(i, i + BATCH) });
  }
  // Interleaved, so concurrent clients are different hosts and organizations, as in the field.
  const rand = (i: number) => (Math.imul(i + 1, 2654435761) >>> 0) / 4294967296;
  return batches.map((b, i) => ({ b, k: rand(i) })).sort((x, y) => x.k - y.k).map((x) => x.b);
}

export type Wire = { key: string; secret: string; body: string; events: number };
export const toWire = (batches: ReturnType<typeof ingestBatches>): Wire[] =>
  batches.map((b) => {
    const host = b.org.hosts[b.hostIndex]!;
    return { key: host.sdkKey, secret: host.sdkSecret, body: JSON.stringify({ events: b.rows.map(wireEvent) }), events: b.rows.length };
  });

/**
 * Signed event batches over HTTP with autocannon; counts what the server says it committed (202 `accepted`).
 * `more`, for a run stopped from outside: called (outside autocannon's request setup, so a stall is one chunk's
 * making) whenever fewer than `lowWater` batches are left unsent, to add fresh ones; without it, or if it cannot keep
 * up, batches are sent again and count as duplicates (not accepted).
 */
export async function sendBatches(
  server: Server,
  wires: Wire[],
  o: { connections: number; rate?: number; stopWhen?: Promise<void>; more?: () => Wire[]; lowWater?: number },
) {
  let next = 0;
  let topping = false;
  const topUp = () => {
    if (!o.more || topping || wires.length - next >= (o.lowWater ?? 0)) return;
    topping = true;
    setImmediate(() => {
      for (const w of o.more!()) wires.push(w);
      topping = false;
    });
  };
  let accepted = 0;
  let failed = 0;
  let lastAnswerAt = 0;
  const path = "/api/sdk/v1/events";
  const startedAt = performance.now();
  const result = await cannon(
    {
      url: server.url,
      connections: o.connections,
      ...(o.stopWhen ? { duration: 600 } : { amount: wires.length }),
      ...(o.rate ? { overallRate: o.rate } : {}),
      timeout: 30,
      requests: [
        {
          method: "POST",
          path,
          setupRequest: (req) => {
            const w = wires[next++ % wires.length]!;
            topUp();
            return { ...req, method: "POST", path, body: w.body, headers: { "content-type": "application/json", ...sdkHeaders(w.key, w.secret, "POST", path, w.body) } };
          },
          onResponse: (status, body) => {
            lastAnswerAt = performance.now();
            if (status === 202) accepted += (JSON.parse(body) as { accepted: number }).accepted;
            else failed++;
          },
        },
      ],
    },
    (instance) => {
      void o.stopWhen?.then(() => instance.stop());
    },
  );
  // With a fixed amount, autocannon notices the last answer only at its next one-second tick, so its duration runs up
  // to a second past the work (3 % of a 35 s ingest figure): the time is taken to the last answer instead. A run
  // stopped from outside (`stopWhen`) keeps sending until that tick, so there its duration is the right one.
  const seconds = o.stopWhen || lastAnswerAt === 0 ? result.duration : (lastAnswerAt - startedAt) / 1000;
  return { accepted, failed, seconds, result, sent: next };
}

/** Overviews asked for, and not measured, before the idle ones. */
export const DASHBOARD_WARMUP = 20;

export async function overviewTimes(server: Server, token: string, from: string, to: string, runs: number): Promise<number[]> {
  const url = `${server.url}/api/v1/analytics/overview?from=${from}&to=${to}`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await timedGet(url, { authorization: `Bearer ${token}` });
    if (r.status !== 200) throw new Error(`overview answered ${r.status}: ${r.body.slice(0, 300)}`);
    times.push(r.totalMs);
  }
  return times;
}
