// CONTRACT §7: "The figures are exact, never sampled: they equal a direct count over the raw events."
// Random batches (duplicates, invalid events, unassigned apps, events at either edge of a UTC day, several
// hosts, platforms and versions) go through the real ingestion; then every figure the overview service
// answers from the rollups must equal raw.ts's direct computation, for many ranges and filter combinations,
// and for a developer who only sees their own mini-programs.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useSeededDb } from "@/test/seeded";
import type { Platform } from "@/db/schema";
import { addDays, utcDay } from "./dates";
import { ingestEvents } from "./ingest";
import { rebuildRollups } from "./queries/rebuild-rollups";
import { foldPendingUserDays } from "./queries/user-sets";
import { foldAllPending } from "./user-set-folder";
import { getScopedAppIds } from "./queries/scoped-apps";
import { computeOverviewFromRaw, computeSeriesFromRaw } from "./raw";
import { getDailySeries } from "@/lib/insights/queries/series";
import { getLatestAdoption, getOverview } from "./service";
import { selectRows } from "./sql";
import { assign, body, cohortSetsAsUserIds, hostsOf, prng, randomBatch, retentionRows, userSetsAsUserIds, type WireEvent } from "./testing";
import type { OverviewQuery } from "./types";

const s = useSeededDb();
const NOW = Date.now();
const TODAY = utcDay(NOW);
const APPS = ["com.demo.coupons", "com.demo.parking", "com.demo.expenses", "com.demo.weather", "com.demo.loyalty"];
const VERSIONS = ["1.0.0", "1.1.0", "2.0.0"];
const PLATFORMS_USED: Platform[] = ["ios", "android", "web"];
let hosts: { id: string; name: string }[] = [];
const totals = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, notAssigned: 0 };

beforeAll(async () => {
  const orgId = s.seed.orgs.demo!;
  hosts = (await hostsOf(s.db, orgId)).slice(0, 3);
  // Each host runs a different subset, so some events are for apps the host was never given.
  await assign(s.db, orgId, hosts[0]!.id, APPS.slice(0, 4));
  await assign(s.db, orgId, hosts[1]!.id, APPS.slice(1, 5));
  await assign(s.db, orgId, hosts[2]!.id, [APPS[0]!, APPS[4]!]);
  const rand = prng(20260101);
  // Users overlap across hosts and apps, so distinct counts differ from sums everywhere.
  const users = Array.from({ length: 300 }, (_, i) => `user-${i}`);
  const sent = new Map<string, WireEvent[]>();
  for (let round = 0; round < 12; round++) {
    // The hosts' batches of a round go at once, as devices send them: ingestion stores batches that wait together in
    // one statement (lib/analytics/queries/coalesce.ts), so these figures cover statements of several hosts.
    const batches = hosts.map((host, h) => {
      const assigned = h === 0 ? APPS.slice(0, 4) : h === 1 ? APPS.slice(1, 5) : [APPS[0]!, APPS[4]!];
      return randomBatch({
        rand,
        now: NOW,
        appIds: assigned,
        unassignedAppIds: APPS.filter((a) => !assigned.includes(a)),
        users,
        versions: VERSIONS,
        platforms: PLATFORMS_USED,
        size: 40 + Math.floor(rand() * 80),
        invalidShare: 0.08,
        resend: sent.get(host.id),
        resendShare: 0.12,
      });
    });
    const answers = await Promise.all(hosts.map((host, h) => ingestEvents(s.db, { orgId, id: host.id }, body(batches[h]!), NOW)));
    for (const [h, host] of hosts.entries()) {
      const batch = batches[h]!;
      const res = answers[h]!;
      expect(res.accepted + res.duplicates + res.rejected.length).toBe(batch.length);
      totals.sent += batch.length;
      totals.accepted += res.accepted;
      totals.duplicates += res.duplicates;
      totals.rejected += res.rejected.length;
      totals.notAssigned += res.rejected.filter((r) => r.code === "not_assigned").length;
      sent.set(host.id, [...(sent.get(host.id) ?? []), ...batch]);
    }
    // Halfway, one partial fold: the figures below then come from bitmaps, pending user-days of users already
    // numbered, and pending user-days of users not numbered yet, all at once.
    if (round === 5) expect((await foldPendingUserDays(s.db, orgId, 300)).folded).toBe(300);
  }
  // The same event id from another host is another event: idempotency is per (host, id).
  const shared = (sent.get(hosts[0]!.id) ?? []).filter((e) => e.appId === APPS[0] && typeof e.id === "string").slice(0, 5);
  const res = await ingestEvents(s.db, { orgId, id: hosts[2]!.id }, body(shared), NOW);
  totals.accepted += res.accepted;
  expect(await pendingCount(orgId)).toBeGreaterThan(300);
});

async function pendingCount(orgId: string): Promise<number> {
  return (await selectRows<{ n: number }>(s.db, sql`SELECT count(*)::int AS n FROM pending_user_days WHERE org_id = ${orgId}`))[0]!.n;
}

describe("the random feed", () => {
  it("exercised every path: accepted, duplicates, invalid, unassigned", () => {
    expect(totals.accepted).toBeGreaterThan(500);
    expect(totals.duplicates).toBeGreaterThan(20);
    expect(totals.rejected - totals.notAssigned).toBeGreaterThan(20);
    expect(totals.notAssigned).toBeGreaterThan(5);
  });

  it("stored exactly the accepted events", async () => {
    // The demo seed's history is there too (its ids start with "seed-"); these are the test's own.
    const [row] = await selectRows<{ n: number }>(s.db, sql`SELECT count(*)::int AS n FROM events WHERE org_id = ${s.seed.orgs.demo!} AND id NOT LIKE 'seed-%'`);
    expect(row!.n).toBe(totals.accepted);
  });
});

function queries(): [string, OverviewQuery][] {
  const [h0, h1, h2] = hosts.map((h) => h.id);
  const ranges: [string, string][] = [
    [addDays(TODAY, -7), TODAY],
    [addDays(TODAY, -3), addDays(TODAY, -1)],
    [TODAY, TODAY],
    [addDays(TODAY, -1), addDays(TODAY, -1)],
    [addDays(TODAY, -89), TODAY],
    [addDays(TODAY, -40), addDays(TODAY, -5)],
  ];
  const filters: Omit<OverviewQuery, "from" | "to">[] = [
    {},
    { hostId: h0 },
    { hostId: h2 },
    { appId: APPS[0] },
    { appId: APPS[4] },
    { platform: "android" },
    { version: "1.1.0" },
    { appId: APPS[1], version: "2.0.0" },
    { hostId: h1, platform: "ios" },
    { hostId: h0, appId: APPS[2], platform: "web", version: "1.0.0" },
    { appId: APPS[3], hostId: h2 },
  ];
  return ranges.flatMap(([from, to]) => filters.map((f) => [`${from}..${to} ${JSON.stringify(f)}`, { from, to, ...f }] as [string, OverviewQuery]));
}

describe("every figure equals the direct count over raw events", () => {
  it("for an admin, over every range and filter combination", async () => {
    const admin = await s.as("admin");
    let nonEmpty = 0;
    for (const [label, q] of queries()) {
      const fromRollups = await getOverview(admin, q, { now: NOW });
      const fromRaw = await computeOverviewFromRaw(s.db, { orgId: admin.org.id, appIds: null }, q, { now: NOW });
      expect(fromRollups, label).toEqual(fromRaw);
      if (fromRollups.totals.launches > 0) nonEmpty++;
    }
    // Most combinations have data: the comparison is not between two empty answers.
    expect(nonEmpty).toBeGreaterThan(40);
    const week = await getOverview(admin, queries()[0]![1], { now: NOW });
    const d1 = week.days.map((d) => d.retentionD1).filter((r): r is number => r !== null);
    expect(d1.some((r) => r > 0 && r < 1)).toBe(true);
    // No day of the last week has seen its day d+7 end yet (CONTRACT §7); the seeded 90 days have.
    expect(week.days.every((d) => d.retentionD7 === null)).toBe(true);
    const quarter = await getOverview(admin, { from: addDays(TODAY, -89), to: TODAY }, { now: NOW });
    expect(quarter.days.some((d) => d.retentionD7 !== null && d.retentionD7 > 0)).toBe(true);
    expect(week.totals.activeUsers).toBeLessThan(week.days.reduce((n, d) => n + d.activeUsers, 0));
  }, 120_000); // every range × filter combination: minutes, not seconds, when CI runs both databases side by side

  // 17 s on PGlite in a full local CI run, beside the other lanes.
  it("for a developer, limited to the mini-programs they collaborate on", async () => {
    const dev = await s.as("developer");
    const scope = { orgId: dev.org.id, appIds: await getScopedAppIds(dev) };
    expect(scope.appIds).not.toContain("com.demo.weather");
    for (const [label, q] of queries().filter(([, q]) => q.appId === undefined || scope.appIds!.includes(q.appId))) {
      const fromRollups = await getOverview(dev, q, { now: NOW });
      expect(fromRollups, label).toEqual(await computeOverviewFromRaw(s.db, scope, q, { now: NOW }));
      expect(fromRollups.breakdown.miniProgram.every((r) => scope.appIds!.includes(r.appId)), label).toBe(true);
    }
  }, 120_000);

  it("has a day for every day of the range, days in UTC, and null ratios without a denominator", async () => {
    const admin = await s.as("admin");
    const q = { from: addDays(TODAY, -9), to: addDays(TODAY, 2) };
    const o = await getOverview(admin, q, { now: NOW });
    expect(o.days.map((d) => d.day)).toEqual(Array.from({ length: 12 }, (_, i) => addDays(q.from, i)));
    const future = o.days.at(-1)!;
    expect(future).toMatchObject({ launches: 0, activeUsers: 0, sessions: 0, avgSessionMs: null, errorRate: null, retentionD1: null, retentionD7: null });
    // Retention for today is not known before tomorrow.
    expect(o.days.find((d) => d.day === TODAY)!.retentionD1).toBeNull();
  });
});

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byHostAppDay = <T extends { hostId: string; appId: string; day: string }>(rows: T[]) => [...rows].sort((a, b) => cmp(a.hostId, b.hostId) || cmp(a.appId, b.appId) || cmp(a.day, b.day));

/** The insights' anomaly series for each range and filter combination (every other one with `step` 2…). */
async function expectSeriesExact(scope: { orgId: string; appIds: string[] | null }, step = 1) {
  let nonEmpty = 0;
  for (const [label, q] of queries().filter((_, i) => i % step === 0)) {
    const { from, to, ...f } = q;
    // Both in one order (the series query's is the database's collation; within a series its days ascend).
    const series = byHostAppDay(await getDailySeries(s.db, scope, f, from, to));
    expect(series, label).toEqual(byHostAppDay(await computeSeriesFromRaw(s.db, scope, f, from, to)));
    if (series.some((r) => r.activeUsers > 1)) nonEmpty++;
  }
  expect(nonEmpty).toBeGreaterThan(5);
}

describe("the insights' daily series per host and mini-program equals the direct count over raw events", () => {
  it("for an admin and for a developer, with user-days pending", async () => {
    expect(await pendingCount(s.seed.orgs.demo!)).toBeGreaterThan(300);
    await expectSeriesExact({ orgId: s.seed.orgs.demo!, appIds: null });
    const dev = await s.as("developer");
    await expectSeriesExact({ orgId: dev.org.id, appIds: await getScopedAppIds(dev) }, 2);
  });
});

describe("the distinct figures before, after and between background folds", () => {
  it("equal the raw count once everything is folded, and again with new user-days pending", async () => {
    const orgId = s.seed.orgs.demo!;
    const admin = await s.as("admin");
    // A third of the combinations each time (all of them ran above, with user-days pending).
    const some = queries().filter((_, i) => i % 3 === 0);
    const compare = async () => {
      for (const [label, q] of some) expect(await getOverview(admin, q, { now: NOW }), label).toEqual(await computeOverviewFromRaw(s.db, { orgId, appIds: null }, q, { now: NOW }));
      await expectSeriesExact({ orgId, appIds: null }, 3);
    };
    const folded = await foldAllPending(s.db);
    expect(folded.folded).toBeGreaterThan(300);
    expect(await pendingCount(orgId)).toBe(0);
    await compare();
    // More events, new users among them, not folded yet.
    const rand = prng(777);
    const users = [...Array.from({ length: 40 }, (_, i) => `user-${i}`), ...Array.from({ length: 40 }, (_, i) => `late-user-${i}`)];
    for (const [h, host] of hosts.slice(0, 2).entries()) {
      const assigned = h === 0 ? APPS.slice(0, 4) : APPS.slice(1, 5);
      await ingestEvents(s.db, { orgId, id: host.id }, body(randomBatch({ rand, now: NOW, appIds: assigned, users, versions: VERSIONS, platforms: PLATFORMS_USED, size: 120 })), NOW);
    }
    expect(await pendingCount(orgId)).toBeGreaterThan(20);
    await compare();
  }, 120_000);
});

describe("rebuilding the rollups from raw events", () => {
  it("gives exactly the rows that incremental ingestion built", async () => {
    const orgId = s.seed.orgs.demo!;
    // The day bitmaps incremental ingestion built are the folded ones.
    await foldAllPending(s.db);
    const snapshot = async () => ({
      stats: await selectRows(s.db, sql`SELECT day::text, app_id, host_id, version, platform, events, launches, page_views, sessions, session_ms::float8, errors FROM daily_stats WHERE org_id = ${orgId} ORDER BY 1, 2, 3, 4, 5`),
      users: await selectRows(s.db, sql`SELECT day::text, app_id, host_id, version, platform, user_id FROM daily_users WHERE org_id = ${orgId} ORDER BY 1, 2, 3, 4, 5, 6`),
      // folded_day too: a rebuild leaves no first launch to the background fold.
      firsts: await selectRows(s.db, sql`SELECT app_id, user_id, ts::text, day::text, host_id, event_id, version, platform, folded_day::text FROM first_launches WHERE org_id = ${orgId} ORDER BY 1, 2`),
      // The day bitmaps, as user ids (a rebuild numbers users afresh): every grain, every row.
      sets: await userSetsAsUserIds(s.db, orgId),
      cohorts: await cohortSetsAsUserIds(s.db, orgId),
      // What the folds kept up beside them: the weekly unions and each cohort's D1/D7 figures.
      weeks: await userSetsAsUserIds(s.db, orgId, "week"),
      retention: await retentionRows(s.db, orgId),
    });
    const incremental = await snapshot();
    expect(incremental.sets.length).toBeGreaterThan(100);
    expect(incremental.weeks.length).toBeGreaterThan(20);
    expect(incremental.retention.some((r) => r.d1 > 0)).toBe(true);
    expect(incremental.retention.some((r) => r.d7 > 0)).toBe(true);
    expect(incremental.users.length).toBeGreaterThan(100);
    expect(incremental.cohorts.length).toBeGreaterThan(10);
    await rebuildRollups(s.db, orgId);
    expect(await snapshot()).toEqual(incremental);
  });
});

describe("adoption (CONTRACT §13) equals the direct count over raw events", () => {
  it("per version over the last complete UTC day, for each mini-program, with and without a host", async () => {
    const admin = await s.as("admin");
    const yesterday = addDays(TODAY, -1);
    let nonEmpty = 0;
    for (const appId of APPS) {
      for (const hostId of [undefined, ...hosts.map((h) => h.id)]) {
        const got = await getLatestAdoption(admin, hostId ? { appId, hostId } : { appId }, { now: NOW });
        const raw = await selectRows<{ version: string; users: number }>(
          s.db,
          sql`SELECT version, count(DISTINCT user_id)::int AS users FROM events
              WHERE org_id = ${admin.org.id} AND app_id = ${appId} ${hostId ? sql`AND host_id = ${hostId}` : sql``}
                AND ts >= ${yesterday}::date AND ts < ${TODAY}::date
              GROUP BY version`,
        );
        const label = `${appId} ${hostId ?? "all hosts"}`;
        expect(got.day, label).toBe(yesterday);
        expect(Object.fromEntries(got.versions.filter((v) => v.users > 0).map((v) => [v.version, v.users])), label).toEqual(Object.fromEntries(raw.map((r) => [r.version, r.users])));
        const total = raw.reduce((a, r) => a + r.users, 0);
        if (total > 0) {
          nonEmpty++;
          expect(got.versions.reduce((a, v) => a + (v.share ?? 0), 0), label).toBeCloseTo(1, 10);
          for (const v of got.versions) expect(v.share, label).toBeCloseTo(v.users / total, 12);
        } else {
          expect(got.versions.every((v) => v.share === null), label).toBe(true);
        }
      }
    }
    expect(nonEmpty).toBeGreaterThan(8);
  });
});
