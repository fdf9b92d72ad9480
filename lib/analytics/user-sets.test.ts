// The distinct-set rollups under concurrent ingestion (PostgreSQL runs the batches truly at once; PGlite one
// after another): every user gets exactly one number, numbers stay dense, the day bitmaps hold exactly the
// user-days that daily_users holds (no batch's merge lost to another's), and every overview figure, retention
// included, still equals the direct count over raw events.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useSeededDb } from "@/test/seeded";
import { decodeBitmap, encodeBitmap } from "./bitmaps";
import { addDays, utcDay } from "./dates";
import { ingestEvents } from "./ingest";
import { assignUserIds, backfillUserSets, rebuildUserSets } from "./queries/user-sets";
import { computeOverviewFromRaw } from "./raw";
import { getOverview } from "./service";
import { selectRows } from "./sql";
import { assign, body, hostsOf, prng, randomBatch } from "./testing";

const s = useSeededDb();
const NOW = Date.now();
const TODAY = utcDay(NOW);
const APPS = ["com.demo.coupons", "com.demo.parking", "com.demo.expenses"];
let orgId = "";
let hosts: { id: string }[] = [];

async function setsAsUserIds() {
  const names = new Map(
    (await selectRows<{ uid: number; user_id: string }>(s.db, sql`SELECT uid, user_id FROM org_users WHERE org_id = ${orgId}`)).map((r) => [Number(r.uid), r.user_id]),
  );
  const rows = await selectRows<{ day: string; app_id: string; host_id: string; version: string; platform: string; users: Uint8Array }>(
    s.db,
    sql`SELECT day::text, app_id, host_id, version, platform, users FROM daily_user_sets WHERE org_id = ${orgId} ORDER BY 1, 2, 3, 4, 5`,
  );
  return rows.map(({ users, ...key }) => ({ ...key, users: decodeBitmap(users).map((u) => names.get(u) ?? `?${u}`).sort() }));
}

beforeAll(async () => {
  orgId = s.seed.orgs.demo!;
  hosts = (await hostsOf(s.db, orgId)).slice(0, 2);
  for (const h of hosts) await assign(s.db, orgId, h.id, APPS);
});

describe("roaring bitmaps", () => {
  it("round-trip through the portable format", () => {
    const values = [0, 1, 2, 65_535, 65_536, 1_000_000, ...Array.from({ length: 5000 }, (_, i) => 200_000 + i * 3)];
    expect(decodeBitmap(encodeBitmap(values))).toEqual([...new Set(values)].sort((a, b) => a - b));
    expect(decodeBitmap(encodeBitmap([]))).toEqual([]);
  });
});

describe("user numbering", () => {
  it("gives each user one number when batches that bring the same new users race", async () => {
    const users = Array.from({ length: 40 }, (_, i) => `race-num-${i}`);
    // Eight overlapping requests at once, each with a different slice (and order) of the same new users.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, k) => s.db.transaction((tx) => assignUserIds(tx, orgId, users.filter((_, i) => (i + k) % 3 !== 0).reverse()))),
    );
    const agreed = new Map<string, number>();
    for (const a of answers) {
      for (const [u, n] of a) {
        expect(agreed.get(u) ?? n, u).toBe(n);
        agreed.set(u, n);
      }
    }
    expect(agreed.size).toBe(users.length);
    const stored = await selectRows<{ user_id: string; uid: number }>(s.db, sql`SELECT user_id, uid FROM org_users WHERE org_id = ${orgId} AND user_id LIKE 'race-num-%'`);
    expect(new Map(stored.map((r) => [r.user_id, Number(r.uid)]))).toEqual(agreed);
    // Numbers are unique (a unique index) and below the counter, which hands out no number twice.
    const [c] = await selectRows<{ next: number; max: number; n: number }>(
      s.db,
      sql`SELECT (SELECT next FROM org_user_counters WHERE org_id = ${orgId}) AS next, max(uid)::int AS max, count(*)::int AS n FROM org_users WHERE org_id = ${orgId}`,
    );
    expect(c!.max).toBeLessThan(c!.next);
    // Racing batches may each reserve numbers for the same user; only the winner's is kept, so a few gaps at most.
    expect(c!.next).toBeLessThan(c!.n + users.length * 8);
  });
});

describe("day bitmaps under concurrent ingestion", () => {
  it("hold exactly the user-days of daily_users, and every figure equals the raw count", async () => {
    const rand = prng(4242);
    const users = Array.from({ length: 120 }, (_, i) => `conc-${i}`);
    const batches = Array.from({ length: 16 }, () =>
      randomBatch({ rand, now: NOW, appIds: APPS, users, versions: ["1.0.0", "2.0.0"], platforms: ["ios", "android"], size: 60 }),
    );
    // Two hosts, sixteen batches at once over the same users and days: many batches hit the same bitmap rows.
    const results = await Promise.all(batches.map((b, i) => ingestEvents(s.db, { orgId, id: hosts[i % 2]!.id }, body(b), NOW)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBeGreaterThan(800);

    const incremental = await setsAsUserIds();
    const fromUserDays = await selectRows<{ n: number }>(
      s.db,
      sql`SELECT count(*)::int AS n FROM daily_users WHERE org_id = ${orgId} AND user_id LIKE 'conc-%'`,
    );
    const finest = incremental.filter((r) => r.app_id !== "" && r.host_id !== "");
    expect(finest.reduce((n, r) => n + r.users.filter((u) => u.startsWith("conc-")).length, 0)).toBe(fromUserDays[0]!.n);
    // Rebuilding from daily_users gives the same sets at every grain.
    await rebuildUserSets(s.db, orgId);
    expect(await setsAsUserIds()).toEqual(incremental);

    const admin = await s.as("admin");
    for (const q of [{ from: addDays(TODAY, -9), to: TODAY }, { from: addDays(TODAY, -9), to: TODAY, appId: APPS[1] }, { from: addDays(TODAY, -9), to: TODAY, hostId: hosts[0]!.id, platform: "ios" as const }]) {
      expect(await getOverview(admin, q, { now: NOW }), JSON.stringify(q)).toEqual(await computeOverviewFromRaw(s.db, { orgId, appIds: null }, q, { now: NOW }));
    }
  });
});

describe("backfill (migration 0019)", () => {
  it("builds the bitmaps of an organization that has user-days but none yet, once", async () => {
    const before = await setsAsUserIds();
    expect(before.length).toBeGreaterThan(10);
    // As after the migration's SQL part: users numbered, no bitmaps.
    await s.db.execute(sql`DELETE FROM daily_user_sets WHERE org_id = ${orgId}`);
    expect(await backfillUserSets(s.db)).toBeGreaterThanOrEqual(1);
    expect(await setsAsUserIds()).toEqual(before);
    expect(await backfillUserSets(s.db)).toBe(0);
  });
});
