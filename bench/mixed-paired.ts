// tsx bench/mixed-paired.ts --url URL [--settings "ANALYTICS_SET_CACHE_MB=0;ANALYTICS_SET_CACHE_MB=64"] [--rounds 2]
// (or --pglite-dir DIR) [--rate EVENTS_PER_S | --own-rate] [--runs 20] [--soak 20] [--port 3400]: the mixed figure (the overview while ingest runs)
// measured for several server settings (environment variables, `;` between settings, spaces between variables; `@DIR`
// serves another checkout's build, say an earlier commit's, from a worktree) on one database a full-scale `npm run bench` prepared (BENCH_PREPARE_ONLY=1 BENCH_KEEP_PG=1 BENCH_DB=postgres), so that
// one setting is compared with another under the same ingestion, not across runs on a machine that moves.
// Each round starts a server per setting (their order alternates between rounds), measures the idle overview as the
// bench does, then keeps asking for it while fresh events arrive at the given rate (default: 70% of a maximum measured
// once at the start) for `soak` seconds unmeasured (as the bench's freshness phase does before its mixed one: folds
// rewrite today's rows meanwhile), then measures it under the same ingestion, with the share of both cores busy.
// Prints a table; writes nothing but events.
import path from "node:path";
import { parseArgs } from "node:util";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { buildDataset, HISTORY_DAYS } from "./lib/dataset";
import { sleep } from "./lib/http";
import { BATCH, DASHBOARD_WARMUP, ingestBatches, overviewTimes, SEED, sendBatches, toWire } from "./lib/ingest";
import { API_TOKEN_PREFIX } from "./lib/load";
import { BENCH_AUTH_SECRET, busyShare, cpuTicks, startServer, waitForQuiet, type Server } from "./lib/server";
import { round, summarize } from "./lib/stats";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    "pglite-dir": { type: "string" },
    settings: { type: "string", default: "ANALYTICS_SET_CACHE_MB=0;ANALYTICS_SET_CACHE_MB=64" },
    rounds: { type: "string", default: "2" },
    rate: { type: "string" },
    runs: { type: "string", default: "20" },
    soak: { type: "string", default: "20" },
    "own-rate": { type: "boolean" },
    events: { type: "string", default: "10000000" },
    port: { type: "string", default: "3400" },
  },
});
if (!a.url && !a["pglite-dir"]) {
  throw new Error("--url or --pglite-dir: the database a full-scale bench prepared (BENCH_PREPARE_ONLY=1, and BENCH_KEEP_PG=1 for PostgreSQL)");
}
// PGlite's directory is opened by the server alone: run nothing else on it meanwhile.
const database = a["pglite-dir"] ? { PGLITE_DIR: path.resolve(a["pglite-dir"]) } : { DATABASE_URL: a.url! };
const ROOT = path.resolve(import.meta.dirname, "..");
const ds = buildDataset(SEED, Number(a.events));
const token = `${API_TOKEN_PREFIX}${ds.orgs[0]!.slug}`;
const runs = Number(a.runs);
const settings = a.settings!.split(";").map((s) => s.trim()).filter(Boolean);
const words = (setting: string) => setting.split(/\s+/).filter(Boolean);
const envOf = (setting: string) => Object.fromEntries(words(setting).filter((w) => !w.startsWith("@")).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
const dirOf = (setting: string) => words(setting).find((w) => w.startsWith("@"))?.slice(1) ?? ROOT;
let serial = 0;
const busyBetween = (x: ReturnType<typeof cpuTicks>, y: ReturnType<typeof cpuTicks>) => round(busyShare(x, y) * 100);

async function serve(setting: string): Promise<Server> {
  const server = await startServer({
    cwd: dirOf(setting),
    port: Number(a.port),
    env: { AUTH_SECRET: BENCH_AUTH_SECRET, SDK_RATE_LIMIT_PER_SECOND: "0", RELEASE_TICK_MS: "1000", ...database, ...envOf(setting) },
    logFile: path.join(ROOT, ".data/bench/server-mixed-paired.log"),
  });
  await waitForQuiet();
  return server;
}

const range = () => {
  const to = utcDay(Date.now());
  return { from: addDays(to, -(HISTORY_DAYS - 1)), to };
};

/** Ingestion at its maximum for 150,000 fresh events: events/s, and the share of both cores busy meanwhile. */
async function ingestMax(server: Server): Promise<{ rate: number; busy: number }> {
  const wires = toWire(ingestBatches(ds, 150_000, `x${(serial++).toString(36)}${Date.now().toString(36)}`, Date.now()));
  const c0 = cpuTicks();
  const r = await sendBatches(server, wires, { connections: 16 });
  return { rate: Math.round(r.accepted / r.seconds), busy: busyBetween(c0, cpuTicks()) };
}

// --own-rate: each setting's run measures its own maximum and ingests at 70% of it (for settings that change
// ingestion itself, such as DATABASE_INGEST_POOL_MAX); otherwise one rate for all, measured once with the first.
let rate = Number(a.rate ?? 0);
if (!rate && !a["own-rate"]) {
  const server = await serve(settings[0]!);
  try {
    const max = await ingestMax(server);
    rate = Math.round(0.7 * max.rate);
    console.log(`ingest max ${max.rate} events/s (${max.busy}% busy): mixed at ${rate} events/s`);
  } finally {
    await server.stop();
  }
}

type Row = { round: number; setting: string; rate: number; idleP50: number; idleP95: number; idleBusy: number; ingestBusy: number; mixedP50: number; mixedP95: number; reached: number; busy: number };
const rows: Row[] = [];
for (let r = 0; r < Number(a.rounds); r++) {
  for (const setting of r % 2 === 0 ? settings : [...settings].reverse()) {
    const server = await serve(setting);
    try {
      const { from, to } = range();
      let runRate = rate;
      if (a["own-rate"]) {
        const max = await ingestMax(server);
        runRate = Math.round(0.7 * max.rate);
        console.log(`${setting}: ingest max ${max.rate} events/s (${max.busy}% busy): mixed at ${runRate} events/s`);
        await waitForQuiet();
      }
      await overviewTimes(server, token, from, to, DASHBOARD_WARMUP);
      const i0 = cpuTicks();
      const idle = summarize(await overviewTimes(server, token, from, to, 40));
      const idleBusy = busyBetween(i0, cpuTicks());
      const perSecond = runRate / BATCH;
      const soak = Number(a.soak);
      const seconds = 6 + soak + (runs * idle.p95 * 6) / 1000 + 10;
      const pool = toWire(ingestBatches(ds, Math.round(runRate * seconds), `p${(serial++).toString(36)}${Date.now().toString(36)}`, Date.now()));
      let done!: () => void;
      const stopWhen = new Promise<void>((res) => (done = res));
      const load = sendBatches(server, pool, { connections: 16, rate: perSecond, stopWhen });
      await sleep(2000);
      // Ingestion alone for a few seconds: what it keeps busy without the dashboard.
      const a0 = cpuTicks();
      await sleep(4000);
      const ingestBusy = busyBetween(a0, cpuTicks());
      for (const until = Date.now() + soak * 1000; Date.now() < until; ) await overviewTimes(server, token, from, to, 1);
      const c0 = cpuTicks();
      const mixed = summarize(await overviewTimes(server, token, from, to, runs));
      const c1 = cpuTicks();
      done();
      const ing = await load;
      const row: Row = {
        round: r + 1,
        setting,
        idleP50: round(idle.p50),
        idleP95: round(idle.p95),
        idleBusy,
        ingestBusy,
        mixedP50: round(mixed.p50),
        mixedP95: round(mixed.p95),
        rate: runRate,
        reached: round((ing.accepted / ing.seconds / runRate) * 100),
        busy: busyBetween(c0, c1),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    } finally {
      await server.stop();
    }
  }
}

console.log(`\n| round | setting | idle p50 / p95 (CPU busy) | ingestion alone: CPU busy | under ingestion p50 / p95 (CPU busy) | p95 / idle | ingest reached (of) |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const x of rows) {
  console.log(
    `| ${x.round} | ${x.setting} | ${x.idleP50} / ${x.idleP95} ms (${x.idleBusy}%) | ${x.ingestBusy}% | ${x.mixedP50} / ${x.mixedP95} ms (${x.busy}%) | ${round(x.mixedP95 / x.idleP95)} × | ${x.reached}% (${x.rate}/s) |`,
  );
}
