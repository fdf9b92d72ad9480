import { describe, expect, it } from "vitest";
import { createRateLimiter, envNumber } from "./rate-limit";

describe("token bucket", () => {
  it("lets a burst through, then one request per 1/rate seconds", () => {
    let t = 0;
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 5, now: () => t });
    for (let i = 0; i < 5; i++) expect(limiter.take("k")).toEqual({ ok: true });
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterSeconds: 1 });
    t += 100;
    expect(limiter.take("k")).toEqual({ ok: true });
    expect(limiter.take("k").ok).toBe(false);
  });

  it("says how long to wait when the rate is slow", () => {
    let t = 0;
    const limiter = createRateLimiter({ ratePerSecond: 0.1, burst: 1, now: () => t });
    limiter.take("k");
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterSeconds: 10 });
    t += 4000;
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterSeconds: 6 });
  });

  it("never holds more than the burst, however long the quiet spell", () => {
    let t = 0;
    const limiter = createRateLimiter({ ratePerSecond: 100, burst: 2, now: () => t });
    t += 3_600_000;
    expect([limiter.take("k").ok, limiter.take("k").ok, limiter.take("k").ok]).toEqual([true, true, false]);
  });

  it("keeps keys apart and forgets the least recently used beyond its size", () => {
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2, now: () => 0 });
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("b").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
    limiter.take("c");
    expect(limiter.size).toBe(2);
  });

  it("is off at rate 0", () => {
    const limiter = createRateLimiter({ ratePerSecond: 0, burst: 1 });
    for (let i = 0; i < 1000; i++) expect(limiter.take("k").ok).toBe(true);
  });
});

describe("envNumber", () => {
  it.each([
    [undefined, 50],
    ["", 50],
    ["120", 120],
    ["0", 0],
    ["-1", 50],
    ["lots", 50],
  ])("%s → %s", (raw, expected) => {
    expect(envNumber("X", 50, { X: raw })).toBe(expected);
  });
});
