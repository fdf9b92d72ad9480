import { describe, expect, it } from "vitest";
import { apportion, hash32, prng, weightedSampler, zipfWeights } from "./random";

describe("prng", () => {
  it("replays the same sequence for the same seed, another for another seed", () => {
    const a = prng(42);
    const b = prng(42);
    const c = prng(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe("zipfWeights", () => {
  it("sums to 1 and falls with rank as 1/r^s", () => {
    const w = zipfWeights(30, 1.1);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(w[0]! / w[1]!).toBeCloseTo(2 ** 1.1, 10);
    for (let i = 1; i < w.length; i++) expect(w[i]!).toBeLessThan(w[i - 1]!);
  });
});

describe("weightedSampler", () => {
  it("draws indexes in proportion to their weights", () => {
    const pick = weightedSampler([1, 0, 3]);
    const rand = prng(7);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[pick(rand)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.8);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.2);
  });

  it("maps the ends of [0, 1) to the first and last index", () => {
    const pick = weightedSampler([1, 1, 1]);
    expect(pick(() => 0)).toBe(0);
    expect(pick(() => 0.999999)).toBe(2);
  });
});

describe("apportion", () => {
  it("always adds up to the total and respects the minimum", () => {
    const parts = apportion(150, zipfWeights(29, 1.1), 1);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(150);
    expect(Math.min(...parts)).toBeGreaterThanOrEqual(1);
    expect(parts[0]).toBeGreaterThan(parts[28]!);
  });

  it("refuses a minimum it cannot give", () => {
    expect(() => apportion(2, [1, 1, 1], 1)).toThrow(RangeError);
  });
});

describe("hash32", () => {
  it("is stable and spreads similar strings", () => {
    expect(hash32("org_bench00")).toBe(hash32("org_bench00"));
    expect(hash32("org_bench00")).not.toBe(hash32("org_bench01"));
  });
});
