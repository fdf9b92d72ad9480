import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chooseVersion, getsCandidate, rolloutBucket } from "./bucket";

const APP = "com.demo.coupons";
const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
const stable = { version: "1.1.0" };
const candidate = { version: "1.2.0" };

/** The contract's rule, written out again independently of the implementation. */
function contractBucket(appId: string, candidateVersion: string, userId: string): number {
  const digest = createHash("sha256").update(`${appId}@${candidateVersion}:${userId}`).digest();
  return digest.readUInt32BE(0) % 10_000;
}

describe("rolloutBucket", () => {
  // Computed with OpenSSL: printf 'com.demo.coupons@1.2.0:user-1' | openssl dgst -sha256
  // gives 946e1deb…, and 0x946e1deb = 2490244587, which is 4587 modulo 10000.
  it.each([
    ["user-1", 4587],
    ["user-2", 5113],
    ["user-3", 1081],
  ])("puts %s in bucket %i for com.demo.coupons@1.2.0", (userId, bucket) => {
    expect(rolloutBucket(APP, "1.2.0", userId)).toBe(bucket);
  });

  it("agrees with the contract's rule for every user", () => {
    const disagreeing = users.filter((u) => rolloutBucket(APP, "1.2.0", u) !== contractBucket(APP, "1.2.0", u));
    expect(disagreeing).toEqual([]);
  });

  it("reshuffles users for each candidate version", () => {
    const same = users.filter((u) => rolloutBucket(APP, "1.2.0", u) === rolloutBucket(APP, "1.3.0", u));
    expect(same.length).toBeLessThan(users.length / 100);
  });
});

describe("getsCandidate", () => {
  it.each([
    [0, 0, false],
    [0, 1, true],
    [99, 1, true],
    [100, 1, false],
    [4999, 50, true],
    [5000, 50, false],
    [9999, 99, false],
    [9999, 100, true],
  ])("bucket %i at %i%% gets the candidate: %s", (bucket, percent, expected) => {
    expect(getsCandidate(bucket, percent)).toBe(expected);
  });
});

describe("chooseVersion", () => {
  const choose = (userId: string, rolloutPercent: number, paused = false) =>
    chooseVersion({ appId: APP, userId, stable, candidate, rolloutPercent, paused });

  it("gives each user exactly what the rule says", () => {
    const buckets = new Map(users.map((u) => [u, contractBucket(APP, candidate.version, u)]));
    for (const percent of [0, 1, 5, 10, 25, 50, 75, 99, 100]) {
      const wrong = users.filter((u) => choose(u, percent) !== ((buckets.get(u) ?? -1) < percent * 100 ? candidate : stable));
      expect(wrong, `at ${percent}%`).toEqual([]);
    }
  });

  it("never takes the candidate away from a user when the percent rises", () => {
    // Every step from 0 to 100 for a quarter of the users: 500,000 choices.
    const sample = users.slice(0, 5_000);
    const losers: string[] = [];
    const hadIt = new Set<string>();
    for (let percent = 0; percent <= 100; percent++) {
      for (const userId of sample) {
        const getsIt = choose(userId, percent) === candidate;
        if (getsIt) hadIt.add(userId);
        else if (hadIt.has(userId)) losers.push(`${userId} at ${percent}%`);
      }
    }
    expect(losers).toEqual([]);
    expect(hadIt.size).toBe(sample.length);
  });

  it.each([1, 5, 10, 25, 50, 90])("serves the candidate to about %i%% of users", (percent) => {
    const share = users.filter((u) => choose(u, percent) === candidate).length / users.length;
    // 20,000 users: the binomial standard deviation is at most 0.35 points; allow about four of them.
    expect(Math.abs(share * 100 - percent)).toBeLessThan(1.5);
  });

  it("serves everyone the stable version while paused, even at 100%", () => {
    expect(users.every((u) => choose(u, 100, true) === stable)).toBe(true);
  });

  it("serves the stable version when there is no candidate", () => {
    for (const c of [null, undefined]) {
      expect(chooseVersion({ appId: APP, userId: "user-1", stable, candidate: c, rolloutPercent: 100, paused: false })).toBe(stable);
    }
  });

  it("serves nothing outside the rollout when the stable version is not deliverable", () => {
    const outside = users.find((u) => contractBucket(APP, candidate.version, u) >= 1000) ?? "";
    expect(chooseVersion({ appId: APP, userId: outside, stable: null, candidate, rolloutPercent: 10, paused: false })).toBeNull();
  });
});
