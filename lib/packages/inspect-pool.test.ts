// Inspection off the event loop (issue 12 item 17): the same report as in-process, the server's loop free
// meanwhile, and a package that outgrows a worker's heap or deadline refused as too costly.
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { inspectPackage } from "./inspect";
import { InspectionPool, inspectPackageOffThread, poolSize } from "./inspect-pool";
import { buildMiniProgramPackage } from "./zip-writer";

const FIXTURES = path.resolve(import.meta.dirname, "../../test/fixtures/packages");
/** Enough for a worker to start and inspect a small package, not to parse heavyPackage's script. */
const HEAP_TOO_SMALL_MB = Number(process.env.HEAP_TOO_SMALL_MB ?? 24);
const opts = { expectedAppId: "com.example.fixture", existingVersions: [] };

/** About 1.8 MiB of one valid script that does not compress into a "bomb": real work for the parser. */
function heavyPackage(): Buffer {
  let seed = 7;
  const rand = () => (seed = (seed * 48271) % 2147483647);
  const fn = (i: number) =>
    `function f${i}_${rand().toString(36)}(a,b){var c${rand() % 997}=a+b*${rand()};if(a)/'/.test(b);return ["https://x${i % 7}.example.org/${rand().toString(36)}",{k${rand() % 89}:${rand()}}]}`;
  const code = Array.from({ length: 12000 }, (_, i) => fn(i)).join(";");
  return buildMiniProgramPackage({ appId: "com.example.heavy", version: "1.0.0", extraFiles: { "lib/heavy.js": code } });
}

/** How busy the event loop was while `work` ran: 1 means it never waited for anything. */
async function loopUtilization(work: () => Promise<unknown>): Promise<number> {
  const start = performance.eventLoopUtilization();
  await work();
  return performance.eventLoopUtilization(start).utilization;
}

describe("inspection on the worker pool", () => {
  const pools: InspectionPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it("sizes the pool for the machine: at least one worker, one core left for requests", () => {
    expect(poolSize()).toBeGreaterThanOrEqual(1);
    expect(poolSize()).toBeLessThanOrEqual(4);
  });

  it.each(["ok-1.0.0.zip", "ok-1.1.0-warnings.zip", "bad-zip-bomb.zip", "bad-not-zip.zip", "bad-traversal.zip"])(
    "answers %s exactly as in-process inspection does",
    async (file) => {
      const bytes = readFileSync(path.join(FIXTURES, file));
      expect(await inspectPackageOffThread(bytes, opts)).toEqual(await inspectPackage(bytes, opts));
    },
  );

  it("leaves the event loop idle while a heavy package is inspected", async () => {
    const pkg = heavyPackage();
    await inspectPackageOffThread(pkg); // the worker has started and warmed up
    const onLoop = await loopUtilization(() => inspectPackage(pkg));
    const offLoop = await loopUtilization(() => inspectPackageOffThread(pkg));
    console.log(`event-loop utilization while inspecting: in-process ${onLoop.toFixed(2)}, worker pool ${offLoop.toFixed(2)}`);
    expect(onLoop).toBeGreaterThan(0.5);
    expect(offLoop).toBeLessThan(0.5);
  });

  it("runs uploads side by side and gives each its own report", async () => {
    const a = buildMiniProgramPackage({ appId: "com.example.a", version: "1.0.0", code: { "pages/index/index": "wx.login()" } });
    const b = buildMiniProgramPackage({ appId: "com.example.b", version: "2.0.0" });
    const [ra, rb] = await Promise.all([inspectPackageOffThread(a), inspectPackageOffThread(b)]);
    expect([ra.manifest?.appId, ra.warnings.map((w) => w.code)]).toEqual(["com.example.a", ["platform_specific_api"]]);
    expect([rb.manifest?.appId, rb.warnings]).toEqual(["com.example.b", []]);
  });

  it("refuses a package that needs more memory than a worker may have, and carries on", async () => {
    const pool = new InspectionPool({ size: 1, heapMb: HEAP_TOO_SMALL_MB });
    pools.push(pool);
    const inspection = await pool.run(heavyPackage(), {});
    expect(inspection.ok).toBe(false);
    expect(inspection.errors).toEqual([expect.objectContaining({ code: "too_large", key: "too_large.inspection", params: { limit: "memory", memoryMiB: HEAP_TOO_SMALL_MB } })]);
    const small = buildMiniProgramPackage({ appId: "com.example.small", version: "1.0.0" });
    expect((await pool.run(small, {})).ok).toBe(true);
  });

  it("refuses a package still being inspected at the deadline", async () => {
    const pool = new InspectionPool({ size: 1, deadlineMs: 1 });
    pools.push(pool);
    const inspection = await pool.run(heavyPackage(), {});
    expect(inspection.errors).toEqual([expect.objectContaining({ code: "too_large", params: { limit: "time", seconds: 0.001 } })]);
    expect(inspection.errors[0]?.message).toContain("took longer than");
  });
});
