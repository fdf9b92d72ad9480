import { describe, expect, it, vi } from "vitest";
import { events, organizations } from "@/db/schema";
import { newId } from "@/lib/ids";
import { useTestDb } from "@/test/db";
import { analyzeAnalyticsTables, createAutoAnalyze } from "./auto-analyze";

function setup(opts: { tableRows?: number; minRows?: number; growth?: number; minIntervalMs?: number } = {}) {
  let clock = 1_000_000;
  let release: (() => void) | null = null;
  let hold = false;
  const run = vi.fn(async () => {
    if (hold) await new Promise<void>((r) => (release = r));
    return opts.tableRows ?? 0;
  });
  const a = createAutoAnalyze({ run, now: () => clock, minRows: opts.minRows ?? 100, growth: opts.growth ?? 0.5, minIntervalMs: opts.minIntervalMs ?? 1_000 });
  return {
    a,
    run,
    tick: (ms: number) => (clock += ms),
    holdRuns: () => (hold = true),
    finish: async () => {
      release?.();
      await vi.waitFor(() => expect(a.state.running).toBe(false));
    },
  };
}

describe("auto-analyze", () => {
  it("waits until enough rows were stored, then analyzes once", async () => {
    const t = setup();
    t.a.noteStored(60);
    expect(t.run).not.toHaveBeenCalled();
    t.a.noteStored(40);
    expect(t.run).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(t.a.state.runs).toBe(1));
    expect(t.a.state.pending).toBe(0);
  });

  it("scales the threshold with the table's size at the last ANALYZE", async () => {
    const t = setup({ tableRows: 10_000 });
    await t.a.runNow();
    t.tick(5_000);
    t.a.noteStored(4_999);
    expect(t.run).toHaveBeenCalledTimes(1);
    t.a.noteStored(1);
    expect(t.run).toHaveBeenCalledTimes(2);
  });

  it("never runs two at once, and keeps what arrived meanwhile for the next", async () => {
    const t = setup({ minIntervalMs: 0 });
    t.holdRuns();
    t.a.noteStored(100);
    t.a.noteStored(500);
    expect(t.run).toHaveBeenCalledTimes(1);
    await t.finish();
    expect(t.a.state.pending).toBe(500);
    t.a.noteStored(1);
    expect(t.run).toHaveBeenCalledTimes(2);
  });

  it("waits the minimum interval between runs", async () => {
    const t = setup({ minIntervalMs: 1_000 });
    t.a.noteStored(100);
    await vi.waitFor(() => expect(t.a.state.runs).toBe(1));
    t.a.noteStored(100);
    expect(t.run).toHaveBeenCalledTimes(1);
    t.tick(1_000);
    t.a.noteStored(1);
    expect(t.run).toHaveBeenCalledTimes(2);
  });

  it("survives a failing ANALYZE and tries again after more rows", async () => {
    const run = vi.fn().mockRejectedValueOnce(new Error("down")).mockResolvedValue(0);
    const a = createAutoAnalyze({ run, minRows: 10, minIntervalMs: 0 });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    a.noteStored(10);
    await vi.waitFor(() => expect(a.state.running).toBe(false));
    expect(a.state.pending).toBe(10);
    a.noteStored(1);
    await vi.waitFor(() => expect(a.state.runs).toBe(1));
    spy.mockRestore();
  });
});

describe("analyzeAnalyticsTables", () => {
  const box = useTestDb();

  it("analyzes the analytics tables and answers the events table's size", async () => {
    const orgId = newId("org");
    await box.handle.db.insert(organizations).values({ id: orgId, slug: `a-${orgId.slice(-8)}`, name: "Analyze" });
    await box.handle.db.insert(events).values(
      Array.from({ length: 3 }, (_, i) => ({ orgId, hostId: "hst_x", id: `e${i}`, type: "launch" as const, appId: "com.a.b", version: "1.0.0", userId: `u${i}`, platform: "ios" as const, ts: new Date() })),
    );
    expect(await analyzeAnalyticsTables()).toBe(3);
  });
});
