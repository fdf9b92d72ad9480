// npm run simulate: a fleet of virtual devices using the reference SDK client against a running console.
// Each device is one end user of the host app: it fetches its manifest (so rollouts decide its versions),
// launches the mini-programs it was given, views pages, sometimes hits an error, ends its sessions, and
// reports all of it in batches. At the end it prints what it sent and what the console accepted.
//
//   npm run simulate -- --url http://localhost:3000 --key ak_… --secret sk_… --devices 20 --rate 40 --duration 60
//
// Credentials default to SEED_SDK_KEY / SEED_SDK_SECRET. With --token (an API token, e.g. t_admin_demo) it
// also reads today's figures from /api/v1/analytics/overview before and after, to show they moved.
//
// A guardrail halting a bad candidate (CONTRACT §8), live: give an assignment a candidate at, say, 50 % and a
// guardrail, then run with `--bad com.demo.coupons@1.1.1 --bad-error-rate 0.4`; within a minute of the events
// the assignment is paused, and its page says why. `--testers qa-ada,qa-lin` makes the first devices those
// testers, so they get the assignment's trial version (listed "(trial)" in the manifest summary).
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { AtriumSdkClient, type EventType, type ManifestEntry, type Platform } from "../sdk-client";
import { prng } from "../lib/random";

const HELP = `Usage: npm run simulate -- [options]
  --url <url>          console base URL (default http://localhost:3000, or ATRIUM_URL)
  --key <sdkKey>       host app SDK key (default SEED_SDK_KEY)
  --secret <secret>    host app SDK secret (default SEED_SDK_SECRET)
  --devices <n>        virtual devices, one end user each (default 20)
  --rate <n>           events per second across the fleet (default 20)
  --duration <s>       seconds to run (default 30)
  --platforms <list>   comma-separated platforms to spread devices over (default ios,android)
  --sdk-version <v>    SDK version the devices report to the manifest (default 3.2.0)
  --apps <list>        appId@version,… to use when a manifest is empty
  --error-rate <p>     chance that a session hits an error (default 0.03)
  --bad <appId@ver>    make this version error-prone (a bad candidate, for a guardrail to halt); repeatable
                       as a comma-separated list
  --bad-error-rate <p> chance that a session of a --bad version hits an error (default 0.5)
  --testers <list>     comma-separated end-user ids the first devices use (so they get trial versions);
                       the other devices get generated ids
  --flush <s>          seconds between each device's flushes (default 2)
  --token <token>      API token: print today's overview before and after
  --seed <n>           random seed, for a repeatable run`;

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    key: { type: "string" },
    secret: { type: "string" },
    devices: { type: "string", default: "20" },
    rate: { type: "string", default: "20" },
    duration: { type: "string", default: "30" },
    platforms: { type: "string", default: "ios,android" },
    "sdk-version": { type: "string", default: "3.2.0" },
    apps: { type: "string" },
    "error-rate": { type: "string", default: "0.03" },
    bad: { type: "string" },
    "bad-error-rate": { type: "string", default: "0.5" },
    testers: { type: "string" },
    flush: { type: "string", default: "2" },
    token: { type: "string" },
    seed: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const baseUrl = (args.url ?? process.env.ATRIUM_URL ?? "http://localhost:3000").replace(/\/+$/, "");
const sdkKey = args.key ?? process.env.SEED_SDK_KEY ?? "";
const sdkSecret = args.secret ?? process.env.SEED_SDK_SECRET ?? "";
if (!sdkKey || !sdkSecret) {
  console.error("Give the host app's SDK credentials: --key and --secret, or SEED_SDK_KEY and SEED_SDK_SECRET.\n\n" + HELP);
  process.exit(2);
}
const num = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number ≥ ${min}`);
    process.exit(2);
  }
  return n;
};
const devicesN = Math.floor(num("devices", args.devices, 1));
const rate = num("rate", args.rate, 0.1);
const durationS = num("duration", args.duration, 1);
const errorRate = num("error-rate", args["error-rate"], 0);
const flushS = num("flush", args.flush, 0.1);
const badErrorRate = num("bad-error-rate", args["bad-error-rate"], 0);
const badVersions = new Set((args.bad ?? "").split(",").map((s) => s.trim()).filter(Boolean));
const testerIds = (args.testers ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const platforms = (args.platforms ?? "").split(",").map((p) => p.trim()).filter(Boolean) as Platform[];
const fallbackApps = (args.apps ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean)
  .map((s) => {
    const [appId, version = "1.0.0"] = s.split("@");
    return { appId: appId!, version };
  });

const rand = args.seed ? prng(Number(args.seed)) : Math.random;
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const runId = randomBytes(3).toString("hex");

type App = Pick<ManifestEntry, "appId" | "version" | "trial">;
type Session = { app: App; startedAt: number; page: number };
type Device = {
  userId: string;
  platform: Platform;
  client: AtriumSdkClient;
  apps: App[];
  session: Session | null;
  lastFlush: number;
};

const sent: Record<EventType, number> = { launch: 0, page_view: 0, session_end: 0, error: 0, custom: 0 };
const rejectedByCode: Record<string, number> = {};
const totals = { accepted: 0, duplicates: 0, rejected: 0, flushes: 0, failedFlushes: 0 };
const manifestSummary = new Map<string, number>();

function track(d: Device, type: EventType, app: App, extra: { durationMs?: number; page?: string; name?: string; message?: string } = {}) {
  d.client.track({ type, appId: app.appId, version: app.version, userId: d.userId, platform: d.platform, ...extra });
  sent[type]++;
}

async function flush(d: Device) {
  d.lastFlush = Date.now();
  const r = await d.client.flush();
  totals.flushes++;
  totals.accepted += r.accepted;
  totals.duplicates += r.duplicates;
  totals.rejected += r.rejected.length;
  for (const x of r.rejected) rejectedByCode[x.code] = (rejectedByCode[x.code] ?? 0) + 1;
  if (r.error) {
    totals.failedFlushes++;
    if (totals.failedFlushes <= 3) console.warn(`  flush problem: ${r.error.code} ${r.error.message}`);
  }
}

/** One step of a device's day: start a session, look at a page, hit an error, or end the session. */
function step(d: Device) {
  if (d.apps.length === 0) return;
  const now = Date.now();
  if (!d.session) {
    const app = pick(d.apps);
    d.session = { app, startedAt: now, page: 0 };
    track(d, "launch", app);
    return;
  }
  const s = d.session;
  const r = rand();
  if (r < 0.22 && s.page > 0) {
    // A version named with --bad fails often (a bad candidate); the rest at the usual rate.
    if (rand() < (badVersions.has(`${s.app.appId}@${s.app.version}`) ? badErrorRate : errorRate)) track(d, "error", s.app, { message: pick(["TypeError: Cannot read properties of undefined (reading 'id')", "NetworkError: request timed out", "RangeError: invalid date"]) });
    // Sessions in a short simulation would all be seconds long; add the time a person would have spent.
    track(d, "session_end", s.app, { durationMs: now - s.startedAt + Math.floor(20_000 + rand() * 240_000) });
    d.session = null;
  } else if (r < 0.25) {
    track(d, "custom", s.app, { name: pick(["share", "favorite", "search"]) });
  } else {
    s.page++;
    track(d, "page_view", s.app, { page: pick(["pages/index/index", "pages/detail/detail", "pages/list/list"]) });
  }
}

async function todaysFigures(): Promise<{ launches: number; activeUsers: number } | null> {
  if (!args.token) return null;
  const day = new Date().toISOString().slice(0, 10);
  const res = await fetch(`${baseUrl}/api/v1/analytics/overview?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${args.token}` } });
  if (!res.ok) {
    console.warn(`  overview: HTTP ${res.status}`);
    return null;
  }
  const body = (await res.json()) as { totals: { launches: number; activeUsers: number } };
  return body.totals;
}

async function main() {
  console.log(`Simulating ${devicesN} devices at ${rate} events/s for ${durationS} s against ${baseUrl} (run ${runId}).`);
  const before = await todaysFigures();
  const devices: Device[] = await Promise.all(
    Array.from({ length: devicesN }, async (_, i) => {
      const userId = testerIds[i] ?? `sim-${runId}-${String(i + 1).padStart(4, "0")}`;
      const platform = pick(platforms.length ? platforms : (["ios", "android"] as Platform[]));
      const client = new AtriumSdkClient({ baseUrl, sdkKey, sdkSecret, batchSize: 200, maxQueueSize: 5000 });
      let apps: App[] = [];
      try {
        const { manifest } = await client.getManifest({ user: userId, platform, sdkVersion: args["sdk-version"] ?? "3.2.0" });
        apps = manifest.miniPrograms.map((m) => ({ appId: m.appId, version: m.version, ...(m.trial ? { trial: true as const } : {}) }));
      } catch (e) {
        console.warn(`  manifest for ${userId} failed: ${(e as Error).message}`);
      }
      if (apps.length === 0) apps = fallbackApps;
      for (const a of apps) {
        const key = `${a.appId}@${a.version}${a.trial ? " (trial)" : ""}`;
        manifestSummary.set(key, (manifestSummary.get(key) ?? 0) + 1);
      }
      return { userId, platform, client, apps, session: null, lastFlush: Date.now() + rand() * flushS * 1000 - flushS * 1000 };
    }),
  );
  if (manifestSummary.size === 0) {
    console.error("The manifest lists no mini-programs for these devices (and no --apps were given): nothing to launch.");
    process.exit(1);
  }
  console.log("Manifest (versions by device count):");
  for (const [k, n] of [...manifestSummary].sort()) console.log(`  ${k.padEnd(36)} ${n}`);

  const started = Date.now();
  const tickMs = 100;
  let credit = 0;
  let lastLog = started;
  const pending = new Set<Promise<void>>();
  while (Date.now() - started < durationS * 1000) {
    credit += (rate * tickMs) / 1000;
    for (; credit >= 1; credit--) step(pick(devices));
    const now = Date.now();
    for (const d of devices) {
      if (now - d.lastFlush >= flushS * 1000 && d.client.stats().queued > 0) {
        const p = flush(d).finally(() => pending.delete(p));
        pending.add(p);
      }
    }
    if (now - lastLog >= 10_000) {
      lastLog = now;
      console.log(`  ${Math.round((now - started) / 1000)} s: sent ${Object.values(sent).reduce((a, b) => a + b, 0)}, accepted ${totals.accepted}`);
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  // Close what is open, then deliver everything.
  for (const d of devices) {
    if (d.session) {
      track(d, "session_end", d.session.app, { durationMs: Date.now() - d.session.startedAt + 30_000 });
      d.session = null;
    }
  }
  await Promise.all(pending);
  const flushStarted = Date.now();
  await Promise.all(devices.map(flush));
  const seconds = (Date.now() - started) / 1000;
  const stats = devices.reduce((a, d) => {
    const s = d.client.stats();
    return { queued: a.queued + s.queued, dropped: a.dropped + s.dropped, retries: a.retries + s.retries };
  }, { queued: 0, dropped: 0, retries: 0 });
  const sentTotal = Object.values(sent).reduce((a, b) => a + b, 0);

  console.log("\nSent");
  for (const [type, n] of Object.entries(sent)) console.log(`  ${type.padEnd(12)} ${n}`);
  console.log(`  ${"total".padEnd(12)} ${sentTotal}  (${(sentTotal / seconds).toFixed(1)} events/s over ${seconds.toFixed(1)} s)`);
  console.log("Console answered");
  console.log(`  accepted     ${totals.accepted}`);
  console.log(`  duplicates   ${totals.duplicates}`);
  console.log(`  rejected     ${totals.rejected}${Object.keys(rejectedByCode).length ? `  ${JSON.stringify(rejectedByCode)}` : ""}`);
  console.log(`  requests     ${totals.flushes} flushes, ${stats.retries} retries, ${totals.failedFlushes} with errors; final flush ${Date.now() - flushStarted} ms`);
  console.log(`  still queued ${stats.queued}, dropped ${stats.dropped}`);
  const after = await todaysFigures();
  if (before && after) {
    console.log(`Today's figures: launches ${before.launches} → ${after.launches}, active users ${before.activeUsers} → ${after.activeUsers}`);
  }
  const ok = totals.accepted + totals.duplicates + totals.rejected === sentTotal && stats.queued === 0;
  if (!ok) console.log("Not everything sent was answered (see above).");
  process.exit(ok ? 0 : 1);
}

await main();
