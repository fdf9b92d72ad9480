import { describe, expect, it } from "vitest";
import { isRetryableStatus, parseRetryAfter, retryDelayMs, type BackoffPolicy } from "./retry";

const NOW = Date.parse("2025-01-01T00:00:00Z");
const policy = (random: number): BackoffPolicy => ({ baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000, random: () => random });

describe("isRetryableStatus", () => {
  it.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
    [413, false],
    [422, false],
  ])("%i → %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["delta-seconds", "7", 7000],
    ["zero", "0", 0],
    ["an HTTP date 30 s ahead", "Wed, 01 Jan 2025 00:00:30 GMT", 30_000],
    ["an HTTP date in the past", "Tue, 31 Dec 2024 23:59:00 GMT", 0],
    ["garbage", "soon", null],
    ["a negative number", "-5", null],
    ["absent", null, null],
  ])("reads %s", (_name, header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe("retryDelayMs", () => {
  it("doubles per attempt, jittered within the upper half", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, null, policy(0)))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, null, policy(1)))).toEqual([500, 1000, 2000, 4000]);
  });

  it("stops growing at maxDelayMs", () => {
    expect(retryDelayMs(20, null, policy(1))).toBe(30_000);
  });

  it("never retries before the server's Retry-After", () => {
    expect(retryDelayMs(1, 5000, policy(0.5))).toBe(5000);
    expect(retryDelayMs(6, 100, policy(1))).toBe(16_000);
  });

  it("caps an extreme Retry-After", () => {
    expect(retryDelayMs(1, 86_400_000, policy(0))).toBe(60_000);
  });
});
