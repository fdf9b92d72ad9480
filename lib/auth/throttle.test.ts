import { describe, expect, it } from "vitest";
import { useTestDb } from "@/test/db";
import { beginAttempt, delaySeconds, recordSuccess } from "./throttle";

const t = useTestDb();
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("sign-in throttling", () => {
  it("grows delays exponentially after the free attempts, up to a cap", () => {
    expect([4, 5, 6, 7, 8].map((f) => delaySeconds(f, 5, 30))).toEqual([0, 1, 2, 4, 8]);
    expect(delaySeconds(40, 5, 30)).toBe(30);
  });

  it("lets the first attempts through, then makes the attacker's address wait", async () => {
    const db = t.handle.db;
    for (let i = 0; i < 5; i++) expect(await beginAttempt(db, "victim@demo.test", "10.0.0.66", at(i))).toBe(0);
    expect(await beginAttempt(db, "victim@demo.test", "10.0.0.66", at(4))).toBeGreaterThan(0);
  });

  it("counts parallel guesses before any password is checked: only the free attempts go ahead", async () => {
    const db = t.handle.db;
    const waits = await Promise.all(Array.from({ length: 20 }, () => beginAttempt(db, "racer@demo.test", "10.0.0.77", at(50))));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
  });

  it("never keeps the real user out for longer than the account cap", async () => {
    const db = t.handle.db;
    // A long attack from many addresses on one account.
    for (let i = 0; i < 60; i++) await beginAttempt(db, "boss@demo.test", `10.1.0.${i}`, at(100 + i));
    const wait = await beginAttempt(db, "boss@demo.test", "192.0.2.10", at(160));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);
  });

  it("a success clears the account's counters but not a spraying address", async () => {
    const db = t.handle.db;
    for (let i = 0; i < 25; i++) await beginAttempt(db, `user${i}@demo.test`, "10.9.9.9", at(200 + i));
    await recordSuccess(db, "user3@demo.test", "10.9.9.9");
    expect(await beginAttempt(db, "someone-else@demo.test", "10.9.9.9", at(225))).toBeGreaterThan(0);
    expect(await beginAttempt(db, "user3@demo.test", "192.0.2.1", at(226))).toBe(0);
  });

  it("forgets failures older than the window", async () => {
    const db = t.handle.db;
    for (let i = 0; i < 12; i++) await beginAttempt(db, "old@demo.test", "10.2.2.2", at(300 + i));
    expect(await beginAttempt(db, "old@demo.test", "10.2.2.2", new Date(at(312).getTime() + 16 * 60_000))).toBe(0);
  });
});
