// Group commit of event batches (./coalesce.ts), against a store that records the statements it is asked to run.
import { describe, expect, it } from "vitest";
import type { DbOrTx } from "@/db";
import type { ValidEvent } from "../validate";
import { MAX_COMBINED_EVENTS, storeEvents } from "./coalesce";
import type { InsertPart, InsertResult } from "./insert-events";

const events = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ id: `${tag}-${i}` }) as unknown as ValidEvent);

/** A store whose statements finish when the test says so; each part "stores" as many events as it has. */
function recordingStore(opts: { fail?: (parts: InsertPart[]) => boolean } = {}) {
  const statements: { orgId: string; parts: InsertPart[]; finish: () => void }[] = [];
  const store = (orgId: string, parts: InsertPart[]) =>
    new Promise<InsertResult>((resolve, reject) => {
      statements.push({
        orgId,
        parts,
        finish: () =>
          opts.fail?.(parts)
            ? reject(new Error(`failed: ${parts.map((p) => p.events[0]?.id).join(",")}`))
            : resolve({
                inserted: parts.map((p) => p.events.length),
                assignedAppIds: new Map(parts.map((p) => [p.hostId, new Set([`app-of-${p.hostId}`])])),
                newUserDays: parts.length * 10,
              }),
      });
    });
  return { statements, store };
}

const settled = () => new Promise((r) => setImmediate(() => setImmediate(() => setImmediate(r))));
// A database handle of its own per test (not PostgreSQL: one statement in flight at a time).
const newDb = () => ({}) as unknown as DbOrTx;

describe("group commit of event batches", () => {
  it("sends the first batch at once, then combines the organization's batches that waited, each answered for itself", async () => {
    const db = newDb();
    const { statements, store } = recordingStore();
    const first = storeEvents(db, "org-a", { hostId: "h1", events: events(3, "a0") }, store);
    const waiting = [
      storeEvents(db, "org-a", { hostId: "h1", events: events(5, "a1") }, store),
      storeEvents(db, "org-b", { hostId: "h9", events: events(7, "b1") }, store),
      storeEvents(db, "org-a", { hostId: "h2", events: events(2, "a2") }, store),
    ];
    await settled();
    expect(statements).toHaveLength(1);
    statements[0]!.finish();
    expect(await first).toEqual({ inserted: 3, assignedAppIds: new Set(["app-of-h1"]), newUserDays: 10 });
    await settled();
    // The oldest waiting batch's organization first, with its others in arrival order; the other organization after.
    expect(statements.map((s) => [s.orgId, s.parts.map((p) => p.events[0]!.id)])).toEqual([
      ["org-a", ["a0-0"]],
      ["org-a", ["a1-0", "a2-0"]],
    ]);
    statements[1]!.finish();
    await settled();
    statements[2]!.finish();
    const [a1, b1, a2] = await Promise.all(waiting);
    expect(a1).toEqual({ inserted: 5, assignedAppIds: new Set(["app-of-h1"]), newUserDays: 20 });
    expect(a2).toEqual({ inserted: 2, assignedAppIds: new Set(["app-of-h2"]), newUserDays: 0 });
    expect(b1).toEqual({ inserted: 7, assignedAppIds: new Set(["app-of-h9"]), newUserDays: 10 });
    expect(statements.map((s) => s.orgId)).toEqual(["org-a", "org-a", "org-b"]);
  });

  it("takes at most MAX_COMBINED_EVENTS events in one statement, and lets no later batch pass one that did not fit", async () => {
    const db = newDb();
    const { statements, store } = recordingStore();
    const half = MAX_COMBINED_EVENTS / 2;
    const all = [storeEvents(db, "org-a", { hostId: "h1", events: events(1, "x") }, store)];
    for (const [n, tag] of [
      [half, "p"],
      [half - 1, "q"],
      [2, "r"],
      [1, "s"],
    ] as const)
      all.push(storeEvents(db, "org-a", { hostId: "h1", events: events(n, tag) }, store));
    for (let i = 0; i < 3; i++) {
      await settled();
      statements.at(-1)!.finish();
    }
    await Promise.all(all);
    // r (2 events) does not fit beside p and q; s would, but may not go ahead of r.
    expect(statements.map((s) => s.parts.map((p) => p.events[0]!.id))).toEqual([["x-0"], ["p-0", "q-0"], ["r-0", "s-0"]]);
    expect(statements.every((s) => s.parts.reduce((n, p) => n + p.events.length, 0) <= MAX_COMBINED_EVENTS)).toBe(true);
  });

  it("tries each batch of a failed statement alone, so only the failing one fails", async () => {
    const db = newDb();
    const { statements, store } = recordingStore({ fail: (parts) => parts.some((p) => p.events[0]!.id === "bad-0") });
    const first = storeEvents(db, "org-a", { hostId: "h1", events: events(1, "first") }, store);
    const good1 = storeEvents(db, "org-a", { hostId: "h1", events: events(4, "good1") }, store);
    const bad = storeEvents(db, "org-a", { hostId: "h1", events: events(2, "bad") }, store);
    const good2 = storeEvents(db, "org-a", { hostId: "h2", events: events(3, "good2") }, store);
    const outcomes = Promise.allSettled([first, good1, bad, good2]);
    for (let i = 0; i < 5; i++) {
      await settled();
      statements.at(-1)!.finish();
    }
    const [f, g1, b, g2] = await outcomes;
    expect(statements.map((s) => s.parts.map((p) => p.events[0]!.id))).toEqual([["first-0"], ["good1-0", "bad-0", "good2-0"], ["good1-0"], ["bad-0"], ["good2-0"]]);
    expect(f).toMatchObject({ status: "fulfilled", value: { inserted: 1 } });
    expect(g1).toMatchObject({ status: "fulfilled", value: { inserted: 4 } });
    expect(b).toMatchObject({ status: "rejected", reason: { message: "failed: bad-0" } });
    expect(g2).toMatchObject({ status: "fulfilled", value: { inserted: 3, assignedAppIds: new Set(["app-of-h2"]) } });
  });

  it("never combines batches sent through different database handles", async () => {
    const [db1, db2] = [newDb(), newDb()];
    const { statements, store } = recordingStore();
    const a = storeEvents(db1, "org-a", { hostId: "h1", events: events(1, "one") }, store);
    const b = storeEvents(db2, "org-a", { hostId: "h1", events: events(1, "two") }, store);
    await settled();
    // Each handle's first batch goes at once, alone.
    expect(statements.map((s) => s.parts.length)).toEqual([1, 1]);
    for (const s of statements) s.finish();
    await Promise.all([a, b]);
  });
});
