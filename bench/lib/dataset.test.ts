import { describe, expect, it } from "vitest";
import { checkEvent } from "@/lib/analytics/validate";
import { BIG_ORG_APPS, buildDataset, DAY_MS, eventCsvLine, generateEvents, isoUtc, MINI_PROGRAM_COUNT, ORG_COUNT, wireEvent } from "./dataset";

const UNTIL = Date.UTC(2026, 7, 1, 12, 0, 0);

describe("buildDataset", () => {
  const ds = buildDataset(1, 1_000_000);

  it("has 30 organizations and 200 mini-programs, the biggest with 50 on four hosts", () => {
    expect(ds.orgs).toHaveLength(ORG_COUNT);
    expect(ds.orgs.reduce((a, o) => a + o.apps.length, 0)).toBe(MINI_PROGRAM_COUNT);
    expect(ds.orgs[0]!.apps).toHaveLength(BIG_ORG_APPS);
    expect(ds.orgs[0]!.hosts).toHaveLength(4);
    expect(new Set(ds.orgs.flatMap((o) => o.apps.map((a) => a.appId))).size).toBe(MINI_PROGRAM_COUNT);
  });

  it("is skewed: the biggest organization has many times the median one's share", () => {
    const shares = ds.orgs.map((o) => o.weight);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(shares[0]! / shares[15]!).toBeGreaterThan(10);
  });
});

describe("generateEvents", () => {
  const ds = buildDataset(7, 200_000);
  const org = ds.orgs[1]!;
  const opts = { events: 5_000, until: UNTIL, days: 90, idPrefix: "h", seed: 7 };

  it("is deterministic: the same seed gives the same events", () => {
    const a = [...generateEvents(org, opts)].map(eventCsvLine);
    const b = [...generateEvents(org, opts)].map(eventCsvLine);
    expect(a).toEqual(b);
    const c = [...generateEvents(org, { ...opts, seed: 8 })].map(eventCsvLine);
    expect(c).not.toEqual(a);
  });

  it("produces whole sessions, unique ids, and stays inside the range", () => {
    const events = [...generateEvents(org, opts)];
    expect(events.length).toBeGreaterThanOrEqual(opts.events);
    expect(events.length).toBeLessThan(opts.events + 10);
    expect(new Set(events.map((e) => `${e.hostId}/${e.id}`)).size).toBe(events.length);
    const first = Math.floor(UNTIL / DAY_MS) * DAY_MS - 89 * DAY_MS;
    for (const e of events) {
      expect(e.ts).toBeGreaterThanOrEqual(first);
      expect(e.ts).toBeLessThanOrEqual(UNTIL);
    }
    const launches = events.filter((e) => e.type === "launch").length;
    expect(events.filter((e) => e.type === "session_end").length).toBe(launches);
    // Skewed users: the busiest user has far more events than the average one.
    const perUser = new Map<string, number>();
    for (const e of events) perUser.set(e.userId, (perUser.get(e.userId) ?? 0) + 1);
    expect(Math.max(...perUser.values())).toBeGreaterThan(5 * (events.length / perUser.size));
  });

  it("makes events the API accepts when they are recent", () => {
    const now = Date.now();
    const recent = [...generateEvents(org, { ...opts, events: 500, until: now - 60_000, days: 5, idPrefix: "i" })];
    for (const e of recent) expect(checkEvent(wireEvent(e), now)).toMatchObject({ ok: true });
  });

  it("writes CSV lines with 13 fields and empty (NULL) optional fields", () => {
    const [launch] = [...generateEvents(org, { ...opts, events: 1 })];
    const line = eventCsvLine(launch!);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.trimEnd().split(",")).toHaveLength(13);
    expect(line.trimEnd().endsWith(",,,,")).toBe(true);
  });
});

describe("isoUtc", () => {
  it.each([0, 1, 999, 86_399_999, Date.UTC(2026, 1, 28, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 12, 3, 4, 5), UNTIL])("formats %s as Date#toISOString does", (ms) => {
    expect(isoUtc(ms)).toBe(new Date(ms).toISOString());
  });
});
