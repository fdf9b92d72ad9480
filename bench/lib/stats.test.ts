import { describe, expect, it } from "vitest";
import { median, percentile, round, summarize } from "./stats";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose

  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
    [0.5, 1],
    [1, 1],
  ])("p%s of 1..100 is %s", (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  it("is always one of the samples", () => {
    expect(percentile([10, 20, 30, 40], 95)).toBe(40);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([7], 99)).toBe(7);
  });

  it("does not reorder its input", () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });

  it("is NaN without samples and refuses a p outside 0–100", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("summarize and median", () => {
  it("summarises a sample", () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ n: 5, min: 1, p50: 3, p95: 5, max: 5, mean: 3 });
  });

  it("takes the lower middle of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2);
  });
});

describe("round", () => {
  it.each([
    [1234.567, 1235],
    [123.456, 123],
    [12.345, 12.3],
    [1.23456, 1.23],
    [0.0123, 0.01],
    [0, 0],
  ])("%s → %s", (v, r) => expect(round(v)).toBe(r));
});
