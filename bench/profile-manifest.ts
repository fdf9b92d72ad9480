// tsx bench/profile-manifest.ts [--pglite DIR] [--requests 3000] [--profile FILE]: the manifest route handler
// (GET /api/sdk/v1/manifest) called in-process, as the bench's manifest figure calls it over HTTP: the biggest
// organization's first host (50 assignments), a different end user per request, each request signed. Prints the
// time per request (median of 5 rounds), and with --profile writes a CPU profile of one round and prints its
// heaviest functions: what the route adds to the framework's own cost per request.
import fs from "node:fs";
import path from "node:path";
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { NextRequest } from "next/server";
import { signRequest } from "@/lib/sdk/signing";
import { buildDataset } from "./lib/dataset";
import { SEED } from "./lib/ingest";
import { BENCH_AUTH_SECRET } from "./lib/server";
import { median } from "./lib/stats";

const { values } = parseArgs({ options: { pglite: { type: "string" }, requests: { type: "string" }, profile: { type: "string" } } });
process.env.PGLITE_DIR = values.pglite ?? path.resolve(import.meta.dirname, "../.data/bench/pglite");
delete process.env.DATABASE_URL;
// The secret bench/run.ts runs the server with: the hosts' SDK secrets are stored encrypted under a key derived from it.
process.env.AUTH_SECRET = BENCH_AUTH_SECRET;
const n = Number(values.requests ?? 3000);
const host = buildDataset(SEED, 0).orgs[0]!.hosts[0]!;
const { GET } = await import("@/app/api/sdk/v1/manifest/route");

function request(i: number): NextRequest {
  const p = `/api/sdk/v1/manifest?user=device-${i % 1000}&platform=ios&sdkVersion=3.2.0`;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signRequest({ secret: host.sdkSecret, method: "GET", pathWithQuery: p, body: "", timestamp });
  return new NextRequest(`http://127.0.0.1${p}`, { headers: { "x-mp-key": host.sdkKey, "x-mp-timestamp": String(timestamp), "x-mp-signature": signature } });
}

async function round(): Promise<number> {
  // Requests are signed beforehand, as the load generator's are.
  const reqs = Array.from({ length: n }, (_, i) => request(i));
  const t = performance.now();
  for (const req of reqs) {
    const res = await GET(req, { params: Promise.resolve({}) });
    if (res.status !== 200) throw new Error(`manifest answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  return ((performance.now() - t) * 1000) / n;
}

await round();
const rounds: number[] = [];
for (let i = 0; i < 5; i++) rounds.push(await round());
console.log(`manifest route in-process: median ${median(rounds).toFixed(0)} µs a request (${rounds.map((x) => x.toFixed(0)).join(", ")})`);

if (values.profile) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  await round();
  const { profile } = await session.post("Profiler.stop");
  fs.writeFileSync(values.profile, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples!.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas![i]!);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / n).toFixed(1).padStart(6)} µs/request  ${key}`);
  }
}
process.exit(0);
