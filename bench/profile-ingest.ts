// tsx bench/profile-ingest.ts [--pglite-dir DIR | --url URL] [--history 60000] [--events 20000] [--clients 16] [--label X]
// Ingest throughput in-process, measured as `npm run bench` measures it over HTTP (batches of 100 events of the first
// five organizations, interleaved, 16 clients at once; accepted events per second), beside COPY of exactly the same
// rows into the same table, on a FRESH database it creates (a PGlite directory, or a new database on the server at
// URL, dropped afterwards): small, and self-contained, so the same file run in two checkouts (main and a branch)
// compares their write paths on identical inputs. Where the checkout has the distinct sets' background fold
// (lib/analytics/user-set-folder.ts), it runs beside the ingest every second as the server runs it, and the time
// to fold what is left pending afterwards is printed too. --guarded: every rolling candidate of the ingesting
// organizations gets a guardrail that never halts, and the release runner's tick (lib/release/runner.ts) runs beside
// the ingest every second, as in the bench's "ingest with guardrails" figure.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, type DbHandle } from "@/db";
import { ingestEvents } from "@/lib/analytics/ingest";
import { buildDataset, generateEvents, wireEvent } from "./lib/dataset";
import { INGEST_ORGS, ingestBatches, SEED } from "./lib/ingest";
import { analyze, copyEvents, deleteEventsWithPrefix, guardRollingCandidates, loadEcosystem, rebuildAll } from "./lib/load";
import { median } from "./lib/stats";

const { values: a } = parseArgs({
  options: { "pglite-dir": { type: "string" }, url: { type: "string" }, history: { type: "string" }, events: { type: "string" }, clients: { type: "string" }, label: { type: "string" }, guarded: { type: "boolean" } },
});
const historyEvents = Number(a.history ?? 60_000);
const poolEvents = Number(a.events ?? 20_000);
const clients = Number(a.clients ?? 16);
const now = Date.now();

let handle: DbHandle;
let cleanup: () => Promise<void>;
if (a.url) {
  const name = `ingest_profile_${process.pid}_${now}`;
  const admin = await openDatabase({ databaseUrl: a.url, maxConnections: 1 });
  await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
  const u = new URL(a.url);
  u.pathname = `/${name}`;
  handle = await openDatabase({ databaseUrl: u.toString(), maxConnections: clients + 2 });
  cleanup = async () => {
    await handle.close();
    await admin.db.execute(sql.raw(`DROP DATABASE ${name}`));
    await admin.close();
  };
} else {
  const dir = fs.mkdtempSync(path.join(a["pglite-dir"] ?? os.tmpdir(), "ingest-profile-"));
  handle = await openDatabase({ pgliteDir: dir });
  cleanup = async () => {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

try {
  await migrateDatabase(handle);
  const ds = buildDataset(SEED, historyEvents);
  await loadEcosystem(handle, ds);
  await copyEvents(
    handle,
    (function* () {
      for (const org of ds.orgs) yield* generateEvents(org, { events: Math.round(historyEvents * org.weight), until: now - 10 * 60_000, days: 90, idPrefix: "h", seed: SEED });
    })(),
  );
  await rebuildAll(handle, ds.orgs);

  const orgs = ds.orgs.slice(0, INGEST_ORGS);
  const batches = ingestBatches(ds, poolEvents, "i", now);
  const c = await copyEvents(
    handle,
    batches.flatMap((b) => b.rows),
  );
  await deleteEventsWithPrefix(
    handle,
    orgs.map((o) => o.id),
    "i",
  );
  await handle.db.execute(sql.raw("VACUUM"));
  await analyze(handle);

  const guarded = a.guarded ? await guardRollingCandidates(handle, orgs.map((o) => o.id)) : 0;
  const runner = a.guarded ? await import("@/lib/release/runner") : null;
  const ticks: number[] = [];
  const folder = await import("@/lib/analytics/user-set-folder").catch(() => null);
  // PROFILE_FOLD=after: the fold only after the ingest (the write path alone), not every second beside it.
  const foldBeside = process.env.PROFILE_FOLD !== "after";
  let ingesting = true;
  const foldLoop = async () => {
    while (ingesting) {
      await new Promise((r) => setTimeout(r, 1_000));
      if (ingesting) await folder!.foldAllPending(handle.db);
    }
  };
  const bodies = batches.map((b) => ({ orgId: b.org.id, hostId: b.org.hosts[b.hostIndex]!.id, body: Buffer.from(JSON.stringify({ events: b.rows.map(wireEvent) })) }));
  let next = 0;
  let accepted = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  const folding = folder && foldBeside ? foldLoop() : Promise.resolve();
  // As the server's loop runs it: its paced tick where the checkout has one (lib/release/runner.ts), else a plain tick.
  const pacing = {};
  const paced = (runner as { runPacedTick?: (db: unknown, pace: object) => Promise<unknown> } | null)?.runPacedTick;
  const ticking = (async () => {
    while (runner && ingesting) {
      await new Promise((r) => setTimeout(r, 1_000));
      if (!ingesting) break;
      const t = performance.now();
      await (paced ? paced(handle.db, pacing) : runner.runReleaseTick(handle.db));
      ticks.push(performance.now() - t);
    }
  })();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const t = performance.now();
        const r = await ingestEvents(handle.db, { orgId: bodies[i]!.orgId, id: bodies[i]!.hostId }, bodies[i]!.body, Date.now());
        latencies.push(performance.now() - t);
        accepted += r.accepted;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  ingesting = false;
  await folding;
  await ticking;
  let drain = "";
  if (folder) {
    const t1 = performance.now();
    const r = await folder.foldAllPending(handle.db, { budgetMs: Infinity });
    const drainSeconds = (performance.now() - t1) / 1000;
    drain = `; then ${r.folded} pending user-days folded in ${drainSeconds.toFixed(2)} s (ingest + fold: ${Math.round(accepted / (seconds + drainSeconds))} events/s)`;
  }
  const copyRate = c.rows / c.seconds;
  const rate = accepted / seconds;
  const load = os.loadavg().map((x) => x.toFixed(1)).join(" ");
  console.log(
    `${a.label ?? ""} ${handle.kind}: ingest ${Math.round(rate)} events/s (${accepted} in ${seconds.toFixed(1)} s, batch p50 ${median(latencies).toFixed(0)} ms), COPY ${Math.round(copyRate)} rows/s, ratio ${(rate / copyRate).toFixed(3)}${drain}${runner ? `; ${guarded} guarded candidates, ${ticks.length} runner ticks beside, median ${median(ticks).toFixed(0)} ms` : ""}; load ${load}`,
  );
} finally {
  await cleanup();
}
