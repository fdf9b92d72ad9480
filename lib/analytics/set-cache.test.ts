import { describe, expect, it } from "vitest";
import { SetCache, UnionSizes } from "./set-cache";

const bytes = (n: number) => new Uint8Array(n);

describe("SetCache", () => {
  it("holds an organization's versions dated in the range asked for, and no other organization's", () => {
    const c = new SetCache(1_000);
    c.put("a", "org1", "2026-11-01", "row-a", bytes(10));
    c.put("b", "org1", "2026-11-20", "row-b", bytes(10));
    c.put("c", "org2", "2026-11-10", "row-c", bytes(10));
    expect([...c.held("org1", "2026-11-01", "2026-11-10").keys()]).toEqual(["a"]);
    expect([...c.held("org1", "2026-10-01", "2026-12-01").keys()].sort()).toEqual(["a", "b"]);
    expect([...c.held("org3", "2026-10-01", "2026-12-01").keys()]).toEqual([]);
  });

  it("keeps within its budget, the least recently held or put leaving first", () => {
    const c = new SetCache(30);
    c.put("a", "o", "2026-11-01", "row-a", bytes(10));
    c.put("b", "o", "2026-11-02", "row-b", bytes(10));
    c.put("c", "o", "2026-11-03", "row-c", bytes(10));
    c.held("o", "2026-11-01", "2026-11-01"); // a is used: b is now the oldest
    c.put("d", "o", "2026-11-04", "row-d", bytes(10));
    expect([...c.held("o", "2026-11-01", "2026-11-30").keys()].sort()).toEqual(["a", "c", "d"]);
    expect(c.bytes).toBe(30);
    // A version larger than the whole budget is not kept (and evicts nothing).
    c.put("e", "o", "2026-11-05", "row-e", bytes(31));
    expect(c.count).toBe(3);
    // A version is put once.
    c.put("d", "o", "2026-11-04", "row-d", bytes(10));
    expect(c.bytes).toBe(30);
  });

  it("keeps one version of a row: a newer one replaces it, and is all a read is told about", () => {
    const c = new SetCache(1_000);
    // A fold rewrites today's row of the organization three times; another row and another organization's stay.
    c.put("v1", "o", "2026-11-05", "d|2026-11-05|app", bytes(100));
    c.put("x", "o", "2026-11-04", "d|2026-11-04|app", bytes(10));
    c.put("y", "o2", "2026-11-05", "d|2026-11-05|app", bytes(10));
    c.put("v2", "o", "2026-11-05", "d|2026-11-05|app", bytes(120));
    c.put("v3", "o", "2026-11-05", "d|2026-11-05|app", bytes(130));
    expect([...c.held("o", "2026-11-01", "2026-11-30").keys()].sort()).toEqual(["v3", "x"]);
    expect([...c.held("o2", "2026-11-01", "2026-11-30").keys()]).toEqual(["y"]);
    expect(c.bytes).toBe(150);
    expect(c.count).toBe(3);
    // An older version put after a newer one (a read in an earlier snapshot ending later) replaces it too: the next
    // read lists it, the database sends the newer version's bytes again, and those replace it back.
    c.put("v2", "o", "2026-11-05", "d|2026-11-05|app", bytes(120));
    expect([...c.held("o", "2026-11-05", "2026-11-05").keys()]).toEqual(["v2"]);
    expect(c.bytes).toBe(140);
    // Evicted by the budget, a row's version leaves no trace: a new one is simply kept.
    const small = new SetCache(100);
    small.put("r1", "o", "2026-11-05", "row", bytes(60));
    small.put("s1", "o", "2026-11-06", "other", bytes(60));
    small.put("r2", "o", "2026-11-05", "row", bytes(30));
    expect([...small.held("o", "2026-11-01", "2026-11-30").keys()].sort()).toEqual(["r2", "s1"]);
    expect(small.bytes).toBe(90);
  });

  it("with no budget keeps nothing", () => {
    const c = new SetCache(0);
    c.put("a", "o", "2026-11-01", "row-a", bytes(1));
    expect(c.count).toBe(0);
    expect(c.held("o", "2026-01-01", "2026-12-31").size).toBe(0);
  });
});

describe("UnionSizes", () => {
  it("keys a union by its versions in any order and any number of times, and has no key with a pending set in it", () => {
    expect(UnionSizes.keyOf(["a", "b", "c"])).toBe(UnionSizes.keyOf(["c", "a", "b", "a"]));
    expect(UnionSizes.keyOf(["a", "b"])).not.toBe(UnionSizes.keyOf(["a", "b", "c"]));
    expect(UnionSizes.keyOf(["a", undefined])).toBeNull();
  });

  it("remembers up to its capacity, the least recently used leaving first", () => {
    const u = new UnionSizes(2);
    u.set("x", 1);
    u.set("y", 2);
    expect(u.get("x")).toBe(1);
    u.set("z", 3);
    expect([u.get("x"), u.get("y"), u.get("z")]).toEqual([1, undefined, 3]);
    u.set(null, 4);
    expect(u.count).toBe(2);
    expect(u.get(null)).toBeUndefined();
  });
});
