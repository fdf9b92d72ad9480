// The closed days' sums a server process remembers (stats-cache.ts): every overview stays equal to the count over raw
// events while events arrive on open days, while a clock of its own brings events to a closed day, and after a
// rebuild; the cache is really what answers for the closed days; a read that raced a change keeps nothing.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "@/db";
import { createChangeFeed, processChangeFeed, type SdkChange } from "@/lib/sdk-server/change-feed";
import { useSeededDb } from "@/test/seeded";
import { addDays, DAY_MS, dayStartMs, utcDay } from "./dates";
import { ingestEvents } from "./ingest";
import { rebuildRollups } from "./queries/rebuild-rollups";
import { computeOverviewFromRaw } from "./raw";
import { getOverview, getOverviewTotals } from "./service";
import { firstOpenDay, StatsCache, statsCache } from "./stats-cache";
import { assign, body, hostsOf } from "./testing";

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const s = useSeededDb();
const TODAY = utcDay(Date.now());
const APP = "com.demo.weather";
const q = { from: addDays(TODAY, -29), to: TODAY };
let orgId = "";
let hostId = "";

const launch = (id: string, user: string, ts: number) => ({ id, type: "launch", appId: APP, version: "1.0.0", userId: user, ts, platform: "ios" });

async function expectExact(query: { from: string; to: string; appId?: string } = q) {
  const admin = await s.as("admin");
  const o = await getOverview(admin, query);
  expect(o).toEqual(await computeOverviewFromRaw(s.db, { orgId, appIds: null }, query));
  return o;
}

/** A closed day with launches in the seed, and one of its daily_stats rows. */
async function closedRow(): Promise<{ day: string; app_id: string; host_id: string; version: string; platform: string; launches: number }> {
  const rows = await s.db.execute(sql`
    SELECT day::text AS day, app_id, host_id, version, platform, launches FROM daily_stats
    WHERE org_id = ${orgId} AND day BETWEEN ${q.from}::date AND ${addDays(firstOpenDay(), -1)}::date AND launches > 0
    ORDER BY day, app_id, host_id, version, platform LIMIT 1`);
  const row = ((rows as { rows?: unknown[] }).rows ?? (rows as unknown[]))[0];
  expect(row).toBeDefined();
  return row as Awaited<ReturnType<typeof closedRow>>;
}

beforeAll(async () => {
  orgId = s.seed.orgs.demo!;
  hostId = (await hostsOf(s.db, orgId))[0]!.id;
  await assign(s.db, orgId, hostId, [APP]);
  // On PostgreSQL the cache answers only while this process hears every change made elsewhere.
  const feed = await processChangeFeed();
  await vi.waitFor(() => expect(feed.trusted()).toBe(true), { timeout: 5_000 });
});

describe("the closed days' sums", () => {
  it("are what answers for the closed days once read: a change no server process makes is not seen until they are dropped", async () => {
    statsCache.clear();
    const before = await expectExact();
    expect(statsCache.count).toBe(1);
    const row = await closedRow();
    const where = sql`org_id = ${orgId} AND day = ${row.day}::date AND app_id = ${row.app_id} AND host_id = ${row.host_id} AND version = ${row.version} AND platform = ${row.platform}`;
    await s.db.execute(sql`UPDATE daily_stats SET launches = launches + 1000 WHERE ${where}`);
    try {
      const admin = await s.as("admin");
      expect((await getOverview(admin, q)).totals.launches).toBe(before.totals.launches);
      expect((await getOverviewTotals(admin, q)).totals.launches).toBe(before.totals.launches);
      statsCache.forgetOrg(orgId);
      expect((await getOverview(admin, q)).totals.launches).toBe(before.totals.launches + 1000);
    } finally {
      await s.db.execute(sql`UPDATE daily_stats SET launches = launches - 1000 WHERE ${where}`);
      statsCache.forgetOrg(orgId);
    }
    await expectExact();
  });

  it("keep every overview exact while events arrive on open days", async () => {
    statsCache.clear();
    const before = await expectExact();
    const now = Date.now();
    // Today, and the earliest an event may be dated: both open days.
    const res = await ingestEvents(s.db, { orgId, id: hostId }, body([launch("sc-open-1", "sc-a", now - 60_000), launch("sc-open-2", "sc-b", now - 7 * DAY_MS + 60_000)]), now);
    expect(res.accepted).toBe(2);
    expect(statsCache.count).toBe(1);
    const after = await expectExact();
    expect(after.totals.launches).toBe(before.totals.launches + 2);
    // A filtered overview and the totals alone are their own entries, exact too.
    await expectExact({ ...q, appId: APP });
    const admin = await s.as("admin");
    expect((await getOverviewTotals(admin, q)).totals).toEqual(after.totals);
  });

  it("are dropped when ingestion with a clock of its own reaches a closed day", async () => {
    statsCache.clear();
    const before = await expectExact();
    // A clock 10 days back: its events may be dated 17 days ago, long closed by this process's clock.
    const clock = Date.now() - 10 * DAY_MS;
    const day = addDays(TODAY, -15);
    expect(day < firstOpenDay()).toBe(true);
    const res = await ingestEvents(s.db, { orgId, id: hostId }, body([launch("sc-late-1", "sc-c", dayStartMs(day) + 3_600_000)]), clock);
    expect(res.accepted).toBe(1);
    const after = await expectExact();
    expect(after.totals.launches).toBe(before.totals.launches + 1);
    expect(after.days.find((d) => d.day === day)!.launches).toBe(before.days.find((d) => d.day === day)!.launches + 1);
  });

  it("are dropped by a rebuild of the organization's rollups", async () => {
    statsCache.clear();
    const row = await closedRow();
    const before = await expectExact();
    // Raw events gone without the rollups knowing (as a repair would find them); the rebuild puts the rollups right.
    const gone = await s.db.execute(sql`
      DELETE FROM events WHERE org_id = ${orgId} AND type = 'launch' AND (ts AT TIME ZONE 'UTC')::date = ${row.day}::date
        AND app_id = ${row.app_id} AND host_id = ${row.host_id} AND version = ${row.version} AND platform = ${row.platform}`);
    const count = (gone as { affectedRows?: number; count?: number }).affectedRows ?? (gone as { count?: number }).count ?? 0;
    expect(count).toBe(row.launches);
    await rebuildRollups(s.db, orgId);
    const after = await expectExact();
    expect(after.totals.launches).toBe(before.totals.launches - row.launches);
  });

  it.runIf(onPostgres)("are dropped in other server processes when a rebuild commits (PostgreSQL)", async () => {
    // Another server process: its own connection to this file's database, listening as a server's feed does.
    const heard: SdkChange[] = [];
    const other = await openDatabase({ databaseUrl: s.url()!, maxConnections: 1 });
    const feed = createChangeFeed(other, (c) => heard.push(c));
    try {
      await vi.waitFor(() => expect(feed.trusted()).toBe(true), { timeout: 5_000 });
      await rebuildRollups(s.db, orgId);
      await vi.waitFor(() => expect(heard).toContainEqual({ orgId }), { timeout: 5_000 });
    } finally {
      await feed.close();
      await other.close();
    }
  });
});

describe("a read that raced a change", () => {
  it("keeps nothing: what it read may be from before the change", () => {
    const cache = new StatsCache(1_000);
    const key = StatsCache.keyOf({ orgId: "org_a", appIds: null }, {}, "2026-01-01", "2026-01-31");
    const stamp = cache.stamp;
    cache.forgetOrg("org_b");
    cache.put(key, "org_a", { daily: [], breakdown: [] }, stamp);
    expect(cache.get(key)).toBeUndefined();
    cache.put(key, "org_a", { daily: [], breakdown: [] }, cache.stamp);
    expect(cache.get(key)).toBeDefined();
    cache.forgetOrg("org_a");
    expect(cache.get(key)).toBeUndefined();
  });
});
