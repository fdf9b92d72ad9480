// Issue 18 item 5: the previous period and the version comparison are exact. A random feed (the exactness harness's
// batches: duplicates, invalid events, unassigned apps, several hosts, versions and platforms) goes through real
// ingestion on top of the seeded 90 days; then
// - `previous` equals the overview of the previous range computed on its own, and the direct count over raw events;
// - each side of a version comparison equals the direct count over raw events under that version filter;
// - the CSV carries the same numbers as the JSON.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useSeededDb } from "@/test/seeded";
import type { Platform } from "@/db/schema";
import { getOverviewWithPrevious, getPreviousPeriod, getVersionComparison, overviewCsv } from "./comparison";
import { previousRange, versionComparisonCsv } from "./comparison-shared";
import { addDays, utcDay } from "./dates";
import { ingestEvents } from "./ingest";
import { getScopedAppIds } from "./queries/scoped-apps";
import { computeOverviewFromRaw } from "./raw";
import { compareVersions, getOverview } from "./service";
import { selectRows } from "./sql";
import { assign, body, hostsOf, prng, randomBatch } from "./testing";
import type { Overview, OverviewQuery } from "./types";

const s = useSeededDb();
const NOW = Date.now();
const TODAY = utcDay(NOW);
const APPS = ["com.demo.coupons", "com.demo.parking", "com.demo.weather"];
const VERSIONS = ["1.0.0", "1.1.0", "2.0.0"];
const PLATFORMS_USED: Platform[] = ["ios", "android", "web"];
let hosts: { id: string; name: string }[] = [];

beforeAll(async () => {
  const orgId = s.seed.orgs.demo!;
  hosts = (await hostsOf(s.db, orgId)).slice(0, 2);
  await assign(s.db, orgId, hosts[0]!.id, APPS);
  await assign(s.db, orgId, hosts[1]!.id, APPS.slice(0, 2));
  const rand = prng(20261204);
  const users = Array.from({ length: 150 }, (_, i) => `cmp-user-${i}`);
  for (let round = 0; round < 6; round++) {
    for (const [h, host] of hosts.entries()) {
      const assigned = h === 0 ? APPS : APPS.slice(0, 2);
      const batch = randomBatch({ rand, now: NOW, appIds: assigned, users, versions: VERSIONS, platforms: PLATFORMS_USED, size: 60, invalidShare: 0.05 });
      await ingestEvents(s.db, { orgId, id: host.id }, body(batch), NOW);
    }
  }
});

/** RFC 4180 rows (what lib/csv.ts writes: quoted cells with doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ",") {
      row.push(cell);
      cell = "";
    } else if (!quoted && ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else {
      cell += ch;
    }
  }
  return rows;
}

const pick = (o: Overview) => ({ from: o.from, to: o.to, totals: o.totals, days: o.days, retention: o.retention });

function queries(): OverviewQuery[] {
  const [h0, h1] = hosts.map((h) => h.id);
  const ranges: [string, string][] = [
    [addDays(TODAY, -6), TODAY],
    [addDays(TODAY, -3), addDays(TODAY, -1)],
    [TODAY, TODAY],
    [addDays(TODAY, -29), TODAY],
  ];
  const filters: Omit<OverviewQuery, "from" | "to">[] = [{}, { hostId: h0 }, { appId: APPS[0] }, { platform: "ios" }, { appId: APPS[1], version: "2.0.0", hostId: h1 }];
  return ranges.flatMap(([from, to]) => filters.map((f) => ({ from, to, ...f })));
}

describe("the previous period", () => {
  it("is the N days before from", () => {
    expect(previousRange("2026-03-10", "2026-03-16")).toEqual({ from: "2026-03-03", to: "2026-03-09" });
    expect(previousRange("2026-03-01", "2026-03-01")).toEqual({ from: "2026-02-28", to: "2026-02-28" });
    // Across a leap day and a year end.
    expect(previousRange("2024-03-01", "2024-03-30")).toEqual({ from: "2024-01-31", to: "2024-02-29" });
    expect(previousRange("2026-01-01", "2026-01-31")).toEqual({ from: "2025-12-01", to: "2025-12-31" });
  });

  it("equals the overview of the previous range asked on its own, and the direct count over raw events", async () => {
    const admin = await s.as("admin");
    let nonEmpty = 0;
    for (const q of queries()) {
      const label = JSON.stringify(q);
      const both = await getOverviewWithPrevious(admin, q, { now: NOW });
      const prev = previousRange(q.from, q.to);
      expect(both.previous, label).toEqual(pick(await getOverview(admin, { ...q, ...prev }, { now: NOW })));
      expect(both.previous, label).toEqual(pick(await computeOverviewFromRaw(s.db, { orgId: admin.org.id, appIds: null }, { ...q, ...prev }, { now: NOW })));
      // The current figures are untouched by the comparison.
      expect({ ...both, previous: undefined }, label).toEqual({ ...(await computeOverviewFromRaw(s.db, { orgId: admin.org.id, appIds: null }, q, { now: NOW })), previous: undefined });
      expect(both.previous!.days).toHaveLength(both.days.length);
      expect(both.previous!.to).toBe(addDays(q.from, -1));
      if (both.previous!.totals.launches > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(8);
  }, 120_000);

  it("respects a developer's scope like the overview does", async () => {
    const dev = await s.as("developer");
    const scope = { orgId: dev.org.id, appIds: await getScopedAppIds(dev) };
    const q = { from: addDays(TODAY, -13), to: TODAY };
    const prev = await getPreviousPeriod(dev, q, { now: NOW });
    expect(prev).toEqual(pick(await computeOverviewFromRaw(s.db, scope, { ...q, ...previousRange(q.from, q.to) }, { now: NOW })));
  });

  it("writes the same numbers to CSV as the JSON", async () => {
    const admin = await s.as("admin");
    const o = await getOverviewWithPrevious(admin, { from: addDays(TODAY, -6), to: TODAY }, { now: NOW });
    const days = parseCsv(overviewCsv(o, "days"));
    expect(days[0]!.slice(0, 4)).toEqual(["period", "offset", "day", "launches"]);
    expect(days).toHaveLength(1 + 14);
    const previousRows = days.filter((r) => r[0] === "previous");
    expect(previousRows.map((r) => r[2])).toEqual(o.previous!.days.map((d) => d.day));
    expect(previousRows.map((r) => Number(r[3]))).toEqual(o.previous!.days.map((d) => d.launches));
    const totals = parseCsv(overviewCsv(o, "totals"));
    expect(totals[0]).toEqual(["metric", "current", "previous", "delta", "change"]);
    const launches = totals.find((r) => r[0] === "launches")!;
    expect(launches.slice(1, 4).map(Number)).toEqual([o.totals.launches, o.previous!.totals.launches, o.totals.launches - o.previous!.totals.launches]);
    const errorRate = totals.find((r) => r[0] === "errorRate")!;
    expect(Number(errorRate[1])).toBe(o.totals.errorRate);
  });
});

describe("the version comparison", () => {
  it("gives each version's figures exactly as the direct count over raw events under that version", async () => {
    const admin = await s.as("admin");
    const scope = { orgId: admin.org.id, appIds: null };
    let compared = 0;
    for (const appId of APPS) {
      for (const hostId of [undefined, hosts[0]!.id]) {
        for (const [from, to] of [[addDays(TODAY, -6), TODAY], [addDays(TODAY, -29), addDays(TODAY, -1)]] as const) {
          const label = `${appId} ${hostId ?? "all hosts"} ${from}..${to}`;
          const raw = await selectRows<{ version: string }>(
            s.db,
            sql`SELECT DISTINCT version FROM events WHERE org_id = ${admin.org.id} AND app_id = ${appId} ${hostId ? sql`AND host_id = ${hostId}` : sql``}
                AND ts >= ${from}::date AND ts < ${addDays(to, 1)}::date`,
          );
          const used = raw.map((r) => r.version).sort((x, y) => compareVersions(y, x));
          if (used.length < 2) continue;
          const c = await getVersionComparison(admin, { appId, from, to, ...(hostId ? { hostId } : {}) }, { now: NOW });
          // Default: the newest two with traffic, b the newest.
          expect(c.versions, label).toEqual(used);
          expect([c.b.version, c.a.version], label).toEqual(used.slice(0, 2));
          for (const side of [c.a, c.b]) {
            const expected = await computeOverviewFromRaw(s.db, scope, { from, to, appId, version: side.version, ...(hostId ? { hostId } : {}) }, { now: NOW });
            expect(side.totals, label).toEqual(expected.totals);
            expect(side.retention, label).toEqual(expected.retention);
            expect(side.platforms, label).toEqual(expected.breakdown.platform);
          }
          // Named versions, the other way round.
          const swapped = await getVersionComparison(admin, { appId, from, to, a: c.b.version, b: c.a.version, ...(hostId ? { hostId } : {}) }, { now: NOW });
          expect(swapped.a, label).toEqual(c.b);
          expect(swapped.b, label).toEqual(c.a);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(6);
  }, 120_000);

  it("writes the same numbers to CSV as the JSON", async () => {
    const admin = await s.as("admin");
    const c = await getVersionComparison(admin, { appId: APPS[0]!, from: addDays(TODAY, -6), to: TODAY }, { now: NOW });
    const rows = parseCsv(versionComparisonCsv(c));
    expect(rows[0]).toEqual(["metric", "a", "b", "delta", "change"]);
    expect(rows[1]).toEqual(["version", c.a.version, c.b.version, "", ""]);
    const launches = rows.find((r) => r[0] === "launches")!;
    expect(launches.slice(1, 4).map(Number)).toEqual([c.a.totals.launches, c.b.totals.launches, c.b.totals.launches - c.a.totals.launches]);
    for (const p of c.b.platforms) expect(Number(rows.find((r) => r[0] === `activeUsers:${p.platform}`)![2])).toBe(p.activeUsers);
  });

  it("answers 404 for an unknown mini-program, host or version, 422 for the same version twice", async () => {
    const admin = await s.as("admin");
    const range = { from: addDays(TODAY, -6), to: TODAY };
    await expect(getVersionComparison(admin, { appId: "com.demo.nothing", ...range })).rejects.toMatchObject({ code: "not_found" });
    await expect(getVersionComparison(admin, { appId: APPS[0]!, hostId: "host_nope", ...range })).rejects.toMatchObject({ code: "not_found" });
    await expect(getVersionComparison(admin, { appId: APPS[0]!, a: "9.9.9", b: "1.0.0", ...range })).rejects.toMatchObject({ code: "not_found" });
    await expect(getVersionComparison(admin, { appId: APPS[0]!, a: "1.0.0", b: "1.0.0", ...range })).rejects.toMatchObject({ code: "invalid_input" });
    // An uploaded version without traffic is known: its figures are zeros, not an error.
    const quiet = await getVersionComparison(admin, { appId: APPS[0]!, a: "1.2.0", b: "1.0.0", from: addDays(TODAY, -400), to: addDays(TODAY, -380) });
    expect(quiet.a.totals.launches).toBe(0);
    // A developer who does not collaborate on a mini-program cannot tell it exists.
    const dev = await s.as("developer");
    const scoped = await getScopedAppIds(dev);
    const foreign = APPS.find((a) => !scoped!.includes(a))!;
    await expect(getVersionComparison(dev, { appId: foreign, ...range })).rejects.toMatchObject({ code: "not_found" });
  });
});
