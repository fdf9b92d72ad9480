// Each rule an SDK event must satisfy (CONTRACT §6), one case per row: what is refused and with which code.
import { describe, expect, it } from "vitest";
import { checkEvent, parseTimestamp } from "./validate";

const NOW = Date.UTC(2030, 0, 15, 12);
const good = { id: "evt_1-A", type: "launch", appId: "com.demo.coupons", version: "1.2.0", userId: "u-42", ts: NOW - 1000, platform: "ios" };

describe("a valid event", () => {
  it.each([
    ["epoch milliseconds", { ts: NOW }],
    ["ISO 8601 in UTC", { ts: "2030-01-15T11:00:00Z" }],
    ["ISO 8601 with an offset and fractions", { ts: "2030-01-15T19:00:00.123456+08:00" }],
    ["epoch milliseconds as digits", { ts: String(NOW - 5) }],
    ["exactly 7 days old", { ts: NOW - 7 * 86_400_000 }],
    ["exactly 5 minutes ahead", { ts: NOW + 300_000 }],
    ["a session end with its duration", { type: "session_end", durationMs: 86_400_000 }],
    ["a zero-length session", { type: "session_end", durationMs: 0 }],
    ["an error with a 2 KiB message", { type: "error", message: "x".repeat(2048) }],
    ["a custom event with a name and page", { type: "custom", name: "share", page: "pages/index/index" }],
    ["a 64-character id and a 128-character user", { id: "a".repeat(64), userId: "u".repeat(128) }],
    ["unknown extra fields (ignored)", { extra: { nested: true } }],
  ])("accepts %s", (_label, patch) => {
    expect(checkEvent({ ...good, ...patch }, NOW)).toMatchObject({ ok: true });
  });

  it("is stored with its timestamp normalised to UTC", () => {
    const r = checkEvent({ ...good, ts: "2030-01-15T19:00:00.5+08:00" }, NOW);
    expect(r).toMatchObject({ ok: true, event: { ts: "2030-01-15T11:00:00.500Z" } });
  });

  it("keeps durationMs only on session_end", () => {
    expect(checkEvent({ ...good, durationMs: 500 }, NOW)).toMatchObject({ ok: true, event: { durationMs: null } });
  });
});

describe("an invalid event", () => {
  it.each([
    ["not an object", "launch", "invalid_event"],
    ["an array", [good], "invalid_event"],
    ["a missing id", { ...good, id: undefined }, "invalid_event"],
    ["an empty id", { ...good, id: "" }, "invalid_event"],
    ["a 65-character id", { ...good, id: "a".repeat(65) }, "invalid_event"],
    ["an id with a space", { ...good, id: "a b" }, "invalid_event"],
    ["an unknown type", { ...good, type: "purchase" }, "invalid_event"],
    ["a malformed appId", { ...good, appId: "Coupons" }, "invalid_event"],
    ["an empty version", { ...good, version: "" }, "invalid_event"],
    ["an empty userId", { ...good, userId: "" }, "invalid_event"],
    ["a 129-character userId", { ...good, userId: "u".repeat(129) }, "invalid_event"],
    ["a numeric userId", { ...good, userId: 42 }, "invalid_event"],
    ["an unknown platform", { ...good, platform: "symbian" }, "invalid_event"],
    ["a session end without durationMs", { ...good, type: "session_end" }, "invalid_event"],
    ["a negative duration", { ...good, type: "session_end", durationMs: -1 }, "invalid_event"],
    ["a duration over a day", { ...good, type: "session_end", durationMs: 86_400_001 }, "invalid_event"],
    ["a fractional duration", { ...good, type: "session_end", durationMs: 1.5 }, "invalid_event"],
    ["a message over 2 KiB (in UTF-8 bytes)", { ...good, type: "error", message: "é".repeat(1025) }, "invalid_event"],
    ["a page over 512 characters", { ...good, page: "p".repeat(513) }, "invalid_event"],
    ["a name over 128 characters", { ...good, type: "custom", name: "n".repeat(129) }, "invalid_event"],
    ["a timestamp without a zone", { ...good, ts: "2030-01-15T11:00:00" }, "invalid_event"],
    ["a timestamp in prose", { ...good, ts: "yesterday" }, "invalid_event"],
    ["a fractional epoch", { ...good, ts: NOW + 0.5 }, "invalid_event"],
    ["a timestamp over 7 days old", { ...good, ts: NOW - 7 * 86_400_000 - 1 }, "stale_timestamp"],
    ["a timestamp over 5 minutes ahead", { ...good, ts: NOW + 300_001 }, "future_timestamp"],
  ])("refuses %s", (_label, raw, code) => {
    expect(checkEvent(raw, NOW)).toMatchObject({ ok: false, code });
  });
});

describe("timestamps", () => {
  it.each([
    [1_700_000_000_000, 1_700_000_000_000],
    ["2023-11-14T22:13:20Z", 1_700_000_000_000],
    ["2023-11-14T22:13:20.000+00:00", 1_700_000_000_000],
    ["2023-11-15T06:13:20+0800", 1_700_000_000_000],
    ["2023-02-30T00:00:00Z", null],
    [-1, null],
    [null, null],
  ])("%s → %s", (ts, ms) => {
    expect(parseTimestamp(ts)).toBe(ms);
  });
});
