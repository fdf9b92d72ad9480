import { describe, expect, it } from "vitest";
import { createTtlCache } from "./ttl-cache";

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe("createTtlCache", () => {
  it("returns a value until its time to live has passed", () => {
    const time = clock();
    const cache = createTtlCache<string, number>({ ttlMs: 1000, max: 10, now: time.now });
    cache.set("a", 1);
    time.advance(999);
    expect(cache.get("a")).toBe(1);
    time.advance(1);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("does not extend the time to live on reads", () => {
    const time = clock();
    const cache = createTtlCache<string, number>({ ttlMs: 1000, max: 10, now: time.now });
    cache.set("a", 1);
    time.advance(600);
    cache.get("a");
    time.advance(600);
    expect(cache.get("a")).toBeUndefined();
  });

  it("renews the time to live when a key is set again", () => {
    const time = clock();
    const cache = createTtlCache<string, number>({ ttlMs: 1000, max: 10, now: time.now });
    cache.set("a", 1);
    time.advance(600);
    cache.set("a", 2);
    time.advance(600);
    expect(cache.get("a")).toBe(2);
  });

  it("evicts the least recently used entry beyond max", () => {
    const cache = createTtlCache<string, number>({ ttlMs: 1000, max: 2 });
    cache.set("a", 1);
    cache.set("b", 2);
    cache.get("a");
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
  });

  it("deletes and clears", () => {
    const cache = createTtlCache<string, number>({ ttlMs: 1000, max: 5 });
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.delete("a")).toBe(true);
    expect(cache.get("a")).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it.each([
    [{ ttlMs: 0, max: 1 }],
    [{ ttlMs: 1000, max: 0 }],
    [{ ttlMs: 1000, max: 1.5 }],
    [{ ttlMs: Number.NaN, max: 1 }],
  ])("refuses options %j", (options) => {
    expect(() => createTtlCache(options)).toThrow(RangeError);
  });
});
