// Issue 18: error groups, pages, custom events and funnels equal direct computations over the raw events
// (raw-keys.ts), on whichever database the suite runs on. Random batches through the real ingestion (duplicates,
// invalid events, unassigned apps, UTC day edges), plus hand-made sessions that sit on the funnel's edges: a gap of
// exactly 30 minutes (same session), just over (a new one), a session_end in the middle, repeated steps.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useSeededDb } from "@/test/seeded";
import type { Platform } from "@/db/schema";
import { addDays, utcDay } from "./dates";
import { errorFingerprint } from "./fingerprint";
import { SESSION_GAP_MS } from "./funnel";
import { ingestEvents } from "./ingest";
import { getCustomEventStats, getErrorGroups, getFunnel, getPageStats } from "./keys-service";
import type { FunnelQuery, KeyedQuery } from "./params";
import { foldPendingKeyUsers } from "./queries/key-sets";
import { getKeyTotals } from "./queries/keys";
import { rebuildRollups } from "./queries/rebuild-rollups";
import { getScopedAppIds } from "./queries/scoped-apps";
import { computeErrorGroupsFromRaw, computeEventsFromRaw, computeFunnelFromRaw, computePagesFromRaw } from "./raw-keys";
import { selectRows } from "./sql";
import { assign, body, eventId, hostsOf, prng, randomBatch, type WireEvent } from "./testing";

const s = useSeededDb();
const NOW = Date.now();
const TODAY = utcDay(NOW);
const APPS = ["com.demo.coupons", "com.demo.parking", "com.demo.weather"];
const VERSIONS = ["1.0.0", "1.1.0", "2.0.0"];
const PLATFORMS_USED: Platform[] = ["ios", "android", "web"];
let hosts: { id: string; name: string }[] = [];
let orgId = "";

/** A user's walk through pages and events, minutes apart, starting `start` ms ago. */
function walk(user: string, start: number, steps: [number, string, string?][]): WireEvent[] {
  return steps.map(([offset, type, value]) => {
    const e: WireEvent = { id: eventId(), type, appId: APPS[0], version: "2.0.0", userId: user, platform: "ios", ts: NOW - start + offset };
    if (type === "page_view") e.page = value;
    if (type === "custom") e.name = value;
    if (type === "session_end") e.durationMs = 1000;
    return e;
  });
}

beforeAll(async () => {
  orgId = s.seed.orgs.demo!;
  hosts = (await hostsOf(s.db, orgId)).slice(0, 2);
  await assign(s.db, orgId, hosts[0]!.id, APPS);
  await assign(s.db, orgId, hosts[1]!.id, APPS.slice(0, 2));
  const rand = prng(20261204);
  const users = Array.from({ length: 120 }, (_, i) => `kuser-${i}`);
  const sent: WireEvent[] = [];
  for (let round = 0; round < 8; round++) {
    for (const [h, host] of hosts.entries()) {
      const assigned = h === 0 ? APPS : APPS.slice(0, 2);
      const batch = randomBatch({
        rand, now: NOW, appIds: assigned, unassignedAppIds: APPS.filter((a) => !assigned.includes(a)), users, versions: VERSIONS,
        platforms: PLATFORMS_USED, size: 60 + Math.floor(rand() * 60), invalidShare: 0.05, resend: sent, resendShare: 0.1,
      });
      await ingestEvents(s.db, { orgId, id: host.id }, body(batch), NOW);
      sent.push(...batch);
    }
  }
  const M = 60_000;
  const walks = [
    ...walk("walker-1", 5 * 3600_000, [[0, "launch"], [M, "page_view", "pages/index/index"], [2 * M, "page_view", "pages/detail/detail"], [3 * M, "custom", "checkout"]]),
    // Exactly 30 minutes between steps: one session.
    ...walk("walker-2", 5 * 3600_000, [[0, "page_view", "pages/index/index"], [SESSION_GAP_MS, "page_view", "pages/detail/detail"], [2 * SESSION_GAP_MS, "custom", "checkout"]]),
    // Just over 30 minutes: the second step is in another session.
    ...walk("walker-3", 5 * 3600_000, [[0, "page_view", "pages/index/index"], [SESSION_GAP_MS + 1, "page_view", "pages/detail/detail"], [SESSION_GAP_MS + 2, "custom", "checkout"]]),
    // A session_end between the steps ends the session.
    ...walk("walker-4", 4 * 3600_000, [[0, "page_view", "pages/index/index"], [M, "session_end"], [2 * M, "page_view", "pages/detail/detail"], [3 * M, "custom", "checkout"]]),
    // Steps out of order, then in order, with the index page twice.
    ...walk("walker-5", 3 * 3600_000, [[0, "page_view", "pages/detail/detail"], [M, "page_view", "pages/index/index"], [2 * M, "page_view", "pages/index/index"], [3 * M, "page_view", "pages/detail/detail"], [4 * M, "custom", "checkout"]]),
  ];
  await ingestEvents(s.db, { orgId, id: hosts[0]!.id }, body(walks), NOW);
}, 120_000);

function keyedQueries(): [string, KeyedQuery][] {
  const [h0, h1] = hosts.map((h) => h.id);
  const ranges: [string, string][] = [
    [addDays(TODAY, -7), TODAY],
    [addDays(TODAY, -3), addDays(TODAY, -1)],
    [TODAY, TODAY],
    [addDays(TODAY, -89), TODAY],
  ];
  const filters: Omit<KeyedQuery, "from" | "to">[] = [
    { appId: APPS[0]! },
    { appId: APPS[1]!, hostId: h1 },
    { appId: APPS[2]! },
    { appId: APPS[0]!, version: "1.1.0" },
    { appId: APPS[0]!, version: "2.0.0", hostId: h0 },
    { appId: APPS[1]!, platform: "android" },
    { appId: APPS[0]!, hostId: h1, platform: "web", version: "1.0.0" },
  ];
  return ranges.flatMap(([from, to]) => filters.map((f) => [`${from}..${to} ${JSON.stringify(f)}`, { from, to, ...f }] as [string, KeyedQuery]));
}

describe("stored fingerprints", () => {
  it("are errorFingerprint(message) on every error event and absent on the rest", async () => {
    const rows = await selectRows<{ type: string; message: string | null; fingerprint: string | null }>(
      s.db,
      sql`SELECT type, message, fingerprint FROM events WHERE org_id = ${orgId}`,
    );
    expect(rows.filter((r) => r.type === "error").length).toBeGreaterThan(50);
    for (const r of rows) expect(r.fingerprint).toBe(r.type === "error" ? errorFingerprint(r.message) : null);
  });
});

describe("error groups, pages and events equal the direct count over raw events", () => {
  it("for an admin, over every range and filter", async () => {
    const admin = await s.as("admin");
    const scope = { orgId, appIds: null };
    let groups = 0;
    let newOnes = 0;
    for (const [label, q] of keyedQueries()) {
      const errors = await getErrorGroups(admin, q);
      expect(errors, label).toEqual(await computeErrorGroupsFromRaw(s.db, scope, q));
      expect(await getPageStats(admin, q), label).toEqual(await computePagesFromRaw(s.db, scope, q));
      expect(await getCustomEventStats(admin, q), label).toEqual(await computeEventsFromRaw(s.db, scope, q));
      groups += errors.items.length;
      newOnes += errors.items.filter((i) => i.newInVersion).length;
    }
    // Not a comparison of empty answers: groups, several per query, some new in their version and some not.
    expect(groups).toBeGreaterThan(40);
    expect(newOnes).toBeGreaterThan(0);
    const week = await getErrorGroups(admin, keyedQueries()[0]![1]);
    expect(week.items.length).toBeGreaterThanOrEqual(4);
    expect(week.items.some((i) => i.users < i.count)).toBe(true);
    // The seed's messages with numbers and ids are grouped: fewer groups than distinct messages.
    const [distinct] = await selectRows<{ n: number }>(s.db, sql`SELECT count(DISTINCT message)::int AS n FROM events WHERE org_id = ${orgId} AND type = 'error' AND app_id = ${APPS[0]}`);
    expect(distinct!.n).toBeGreaterThan(week.items.length);
  }, 180_000);

  it("cut to the first n keys, ties on the count at the cut included, equal the raw order's first n", async () => {
    // getKeyTotals counts distinct users only for the keys counted at least as often as the n-th: the users still
    // decide the order among keys tied on the count, so a cut through a tie must come out as the raw order's.
    const scope = { orgId, appIds: null };
    let tiesAtCut = 0;
    for (const [label, q] of keyedQueries().slice(0, 6)) {
      const f = { appId: q.appId, ...(q.hostId !== undefined ? { hostId: q.hostId } : {}), ...(q.platform !== undefined ? { platform: q.platform } : {}), ...(q.version !== undefined ? { version: q.version } : {}) };
      for (const [kind, raw] of [
        ["page", (await computePagesFromRaw(s.db, scope, q)).items.map((i) => ({ key: i.page, count: i.views, users: i.users }))],
        ["event", (await computeEventsFromRaw(s.db, scope, q)).items.map((i) => ({ key: i.name, count: i.count, users: i.users }))],
        ["error", (await computeErrorGroupsFromRaw(s.db, scope, q)).items.map((i) => ({ key: i.fingerprint, count: i.count, users: i.users }))],
      ] as const) {
        for (let n = 1; n <= raw.length; n++) {
          const got = (await getKeyTotals(s.db, scope, f, kind, q.from, q.to, n)).map(({ key, count, users }) => ({ key, count, users }));
          expect(got, `${label} ${kind} first ${n}`).toEqual(raw.slice(0, n));
          if (n < raw.length && raw[n]!.count === raw[n - 1]!.count) tiesAtCut++;
        }
      }
    }
    expect(tiesAtCut).toBeGreaterThan(0);
  }, 180_000);

  it("for a developer, limited to the mini-programs they collaborate on (others are 404)", async () => {
    const dev = await s.as("developer");
    const scope = { orgId, appIds: await getScopedAppIds(dev) };
    let compared = 0;
    for (const [label, q] of keyedQueries()) {
      if (!scope.appIds!.includes(q.appId)) {
        await expect(getErrorGroups(dev, q)).rejects.toMatchObject({ code: "not_found" });
        continue;
      }
      expect(await getErrorGroups(dev, q), label).toEqual(await computeErrorGroupsFromRaw(s.db, scope, q));
      expect(await getPageStats(dev, q), label).toEqual(await computePagesFromRaw(s.db, scope, q));
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  }, 120_000);
});

describe("funnels equal the direct computation over raw events", () => {
  const steps = [
    { type: "page" as const, value: "pages/index/index" },
    { type: "page" as const, value: "pages/detail/detail" },
    { type: "event" as const, value: "checkout" },
  ];
  it("for several step lists, ranges and hosts", async () => {
    const admin = await s.as("admin");
    const scope = { orgId, appIds: null };
    const stepLists = [
      steps,
      [steps[0]!],
      [steps[0]!, steps[0]!],
      [{ type: "event" as const, value: "share" }, steps[1]!, { type: "page" as const, value: "pages/cart/cart" }],
      [...steps, steps[0]!, steps[1]!, steps[2]!, steps[0]!, steps[1]!, steps[2]!, { type: "page" as const, value: "nowhere" }],
    ];
    let reachedLast = 0;
    for (const list of stepLists) {
      for (const [from, to] of [[addDays(TODAY, -7), TODAY], [TODAY, TODAY], [addDays(TODAY, -2), addDays(TODAY, -1)]] as const) {
        for (const hostId of [undefined, hosts[0]!.id, hosts[1]!.id]) {
          for (const appId of [APPS[0]!, APPS[1]!]) {
            const q: FunnelQuery = { from, to, appId, steps: list, ...(hostId ? { hostId } : {}) };
            const got = await getFunnel(admin, q);
            expect(got, JSON.stringify(q)).toEqual(await computeFunnelFromRaw(s.db, scope, q));
            if (got.steps.length > 1 && got.steps.at(-1)!.sessions > 0) reachedLast++;
          }
        }
      }
    }
    expect(reachedLast).toBeGreaterThan(0);
  }, 180_000);

  it("counts the hand-made sessions by the documented rule", async () => {
    const admin = await s.as("admin");
    // Only the walkers' host and today: walker-1 and walker-2 reach all three steps; walker-3 and walker-4 stop at
    // the first; walker-5 reaches all three (detail before index does not count, detail after does).
    const walkers = await getFunnel(admin, { from: addDays(TODAY, -1), to: TODAY, appId: APPS[0]!, hostId: hosts[0]!.id, steps });
    const raw = await computeFunnelFromRaw(s.db, { orgId, appIds: null }, { from: addDays(TODAY, -1), to: TODAY, appId: APPS[0]!, hostId: hosts[0]!.id, steps });
    expect(walkers).toEqual(raw);
    const [third] = walkers.steps.slice(2);
    const [random] = await selectRows<{ n: number }>(s.db, sql`SELECT count(*)::int AS n FROM events WHERE org_id = ${orgId} AND user_id LIKE 'walker-%'`);
    expect(random!.n).toBe(19);
    expect(third!.sessions).toBeGreaterThanOrEqual(3);
    expect(walkers.steps[0]!.conversion).toBe(1);
  });
});

describe("the keyed rollups", () => {
  it("rebuilt from raw events (with fingerprints backfilled) equal what ingestion built", async () => {
    const snapshot = async () => ({
      keys: await selectRows(s.db, sql`SELECT app_id, kind, day::text, key, host_id, version, platform, count, first_ts::text, last_ts::text, sample FROM daily_keys WHERE org_id = ${orgId} ORDER BY 1, 2, 3, 4, 5, 6, 7`),
      users: await selectRows(s.db, sql`SELECT app_id, kind, day::text, key, host_id, version, platform, user_id FROM daily_key_users WHERE org_id = ${orgId} ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`),
    });
    const incremental = await snapshot();
    expect(incremental.keys.length).toBeGreaterThan(100);
    // As if these error events had been stored before fingerprints existed.
    await s.db.execute(sql`UPDATE events SET fingerprint = NULL WHERE org_id = ${orgId} AND type = 'error'`);
    await rebuildRollups(s.db, orgId);
    expect(await snapshot()).toEqual(incremental);
  }, 120_000);
});

describe("the key bitmaps (daily_key_sets)", () => {
  it("keep a mini-program's pages, events and error groups exact with key-users pending, while folded in small batches, and folded", async () => {
    const admin = await s.as("admin");
    const scope = { orgId, appIds: null };
    // The unfiltered reads are the ones the bitmaps answer (a host, version or platform filter reads daily_key_users).
    const unfiltered = keyedQueries().filter(([, q]) => q.hostId === undefined && q.version === undefined && q.platform === undefined);
    expect(unfiltered.length).toBeGreaterThanOrEqual(8);
    const compare = async (stage: string) => {
      for (const [label, q] of unfiltered) {
        expect(await getPageStats(admin, q), `${stage}: ${label}`).toEqual(await computePagesFromRaw(s.db, scope, q));
        expect(await getCustomEventStats(admin, q), `${stage}: ${label}`).toEqual(await computeEventsFromRaw(s.db, scope, q));
        expect(await getErrorGroups(admin, q), `${stage}: ${label}`).toEqual(await computeErrorGroupsFromRaw(s.db, scope, q));
      }
    };
    const count = async (table: "pending_key_users" | "daily_key_sets") =>
      (await selectRows<{ n: number }>(s.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE org_id = ${orgId}`))[0]!.n;
    await foldPendingKeyUsers(s.db, orgId, 1_000_000);
    expect(await count("pending_key_users")).toBe(0);
    expect(await count("daily_key_sets")).toBeGreaterThan(50);
    await compare("all folded");
    // Fresh events on days that have bitmaps: users already numbered, and users with no number yet.
    const rand = prng(20261206);
    const users = [...Array.from({ length: 40 }, (_, i) => `kuser-${i}`), ...Array.from({ length: 40 }, (_, i) => `kfresh-${i}`)];
    for (let round = 0; round < 3; round++) {
      const batch = randomBatch({ rand, now: NOW, appIds: APPS, users, versions: VERSIONS, platforms: PLATFORMS_USED, size: 120, invalidShare: 0 });
      await ingestEvents(s.db, { orgId, id: hosts[0]!.id }, body(batch), NOW);
    }
    const [fresh] = await selectRows<{ unnumbered: number }>(
      s.db,
      sql`SELECT count(*)::int AS unnumbered FROM pending_key_users p
          WHERE p.org_id = ${orgId} AND NOT EXISTS (SELECT 1 FROM org_users o WHERE o.org_id = p.org_id AND o.user_id = p.user_id)`,
    );
    expect(fresh!.unnumbered).toBeGreaterThan(0);
    await compare("pending beside bitmaps");
    let folds = 0;
    for (let more = true; more; ) {
      more = (await foldPendingKeyUsers(s.db, orgId, 25)).more;
      if (++folds % 4 === 1) await compare(`after ${folds} folds of 25`);
    }
    expect(folds).toBeGreaterThan(4);
    expect(await count("pending_key_users")).toBe(0);
    await compare("folded again");
    // A rebuild renumbers every user: the key bitmaps are rebuilt with the numbers.
    await rebuildRollups(s.db, orgId);
    await compare("rebuilt");
  }, 240_000);
});
