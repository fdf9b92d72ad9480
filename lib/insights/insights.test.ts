// Insights on a database (CONTRACT §11), on PGlite and PostgreSQL alike: the anomalies the API lists carry the
// exact figures of their day (equal to a direct count over the raw events), a seeded story is found, nothing is
// listed for a partial day or out of the caller's reach; recommendations never offer what a host runs or its
// policy refuses, and their co-usage figures equal a direct count.
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { anomalyNotifications, hostApps, versions, webhookDeliveries } from "@/db/schema";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { parseAnomalyQuery } from "@/lib/analytics/params";
import { bulkInsertEvents, type BulkEvent } from "@/lib/analytics/queries/bulk-insert-events";
import { rebuildRollups } from "@/lib/analytics/queries/rebuild-rollups";
import { selectRows } from "@/lib/analytics/sql";
import { assign } from "@/lib/analytics/testing";
import { prng } from "@/lib/random";
import { declarationsOf, policyReasons } from "@/lib/sdk-server/policy-fit";
import { createHost, createHostInput } from "@/lib/services/hosts";
import { createWebhookEndpoint, createWebhookInput } from "@/lib/services/webhooks";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { apiCaller } from "@/test/api";
import { useSeededDb } from "@/test/seeded";
import { getAnomalies } from "./anomaly-service";
import { runAnomalyNotifications } from "./notify";
import { getRecommendations } from "./recommendations";

setWebhookDispatcherAuto(false);
const s = useSeededDb();
const api = apiCaller("t_admin_demo");
const NOW = Date.now();
const TODAY = utcDay(NOW);
const SPIKE_DAY = addDays(TODAY, -3);
const DAYS = 70;
let labHost = "";
let orgId = "";

/** 70 days of a weekly-shaped series for Weather and Coupons on a new host, with an error spike on SPIKE_DAY. */
async function writeLabEvents(): Promise<void> {
  const rand = prng(1811);
  const events: BulkEvent[] = [];
  let seq = 0;
  for (let d = DAYS; d >= 0; d--) {
    const day = addDays(TODAY, -d);
    const start = Date.parse(`${day}T00:00:00Z`);
    const weekday = new Date(start).getUTCDay();
    const users = Math.round((weekday === 0 || weekday === 6 ? 90 : 140) * (0.9 + 0.2 * rand()));
    for (let u = 0; u < users; u++) {
      const userId = `lab-${u}`;
      const at = (k: number) => new Date(Math.min(start + 3_600_000 * (1 + (u % 20)) + k * 1000, NOW)).toISOString();
      const base = { hostId: labHost, userId, platform: "ios" as const };
      events.push({ ...base, id: `lab-${++seq}`, type: "launch", appId: "com.demo.weather", version: "2.0.0", ts: at(0) });
      const errorRate = day === SPIKE_DAY ? 0.3 : 0.015;
      if (rand() < errorRate) events.push({ ...base, id: `lab-${++seq}`, type: "error", appId: "com.demo.weather", version: "2.0.0", ts: at(1), message: "boom" });
      // Half of the lab's users use Coupons too.
      if (u % 2 === 0) events.push({ ...base, id: `lab-${++seq}`, type: "launch", appId: "com.demo.coupons", version: "1.1.1", ts: at(2) });
    }
  }
  // Today, still under way: a collapse that must not be judged.
  for (let i = 0; i < 3; i++) events.push({ hostId: labHost, userId: `lab-${i}`, platform: "ios", id: `lab-today-${i}`, type: "error", appId: "com.demo.weather", version: "2.0.0", ts: new Date(NOW).toISOString() });
  for (let i = 0; i < events.length; i += 5000) await bulkInsertEvents(s.db, orgId, events.slice(i, i + 5000));
  await rebuildRollups(s.db, orgId);
}

beforeAll(async () => {
  orgId = s.seed.orgs.demo!;
  const admin = await s.as("admin");
  labHost = (await createHost(admin, createHostInput.parse({ name: "Insights lab", platforms: [{ platform: "ios", identifier: "com.demo.lab" }] }))).id;
  await assign(s.db, orgId, labHost, ["com.demo.weather", "com.demo.coupons"]);
  await writeLabEvents();
}, 120_000);

/** The day's figures of one series, counted directly over the raw events. */
async function rawDay(hostId: string, appId: string, day: string) {
  const [r] = await selectRows<{ launches: number; errors: number; users: number }>(
    s.db,
    sql`SELECT count(*) FILTER (WHERE type = 'launch')::int AS launches, count(*) FILTER (WHERE type = 'error')::int AS errors, count(DISTINCT user_id)::int AS users
        FROM events WHERE org_id = ${orgId} AND host_id = ${hostId} AND app_id = ${appId} AND (ts AT TIME ZONE 'UTC')::date = ${day}::date`,
  );
  return r!;
}

describe("GET /api/v1/analytics/anomalies", () => {
  it("finds the error spike, with the day's exact figures, and every item's value equals a direct count", async () => {
    const res = await api("GET", `/api/v1/analytics/anomalies?from=${addDays(TODAY, -30)}&to=${TODAY}`);
    expect(res.status).toBe(200);
    const items = res.body.items as { day: string; hostId: string; appId: string; metric: string; value: number; expected: number; direction: string; score: number }[];
    const spike = items.find((a) => a.hostId === labHost && a.appId === "com.demo.weather" && a.metric === "errorRate");
    expect(spike).toMatchObject({ day: SPIKE_DAY, direction: "up" });
    const raw = await rawDay(labHost, "com.demo.weather", SPIKE_DAY);
    expect(spike!.value).toBe(raw.errors / raw.launches);
    expect(spike!.expected).toBeLessThan(0.05);
    expect(spike!.score).toBeGreaterThanOrEqual(4);
    for (const a of items) {
      const r = await rawDay(a.hostId, a.appId, a.day);
      expect(a.value).toBe(a.metric === "launches" ? r.launches : a.metric === "activeUsers" ? r.users : r.errors / r.launches);
      expect(a.day < TODAY, "a day still under way is never judged").toBe(true);
    }
    for (let i = 1; i < items.length; i++) expect(items[i - 1]!.score).toBeGreaterThanOrEqual(items[i]!.score);
    // The lab's regular series raise no false alarm.
    expect(items.filter((a) => a.hostId === labHost && a.day !== SPIKE_DAY)).toEqual([]);
  });

  it("filters by host and mini-program; an unknown or foreign one is 404; bad ranges are 422", async () => {
    const q = `from=${addDays(TODAY, -10)}&to=${TODAY}`;
    const byHost = await api("GET", `/api/v1/analytics/anomalies?${q}&hostId=${labHost}&appId=com.demo.weather`);
    expect((byHost.body.items as { hostId: string; appId: string }[]).every((a) => a.hostId === labHost && a.appId === "com.demo.weather")).toBe(true);
    expect((byHost.body.items as unknown[]).length).toBeGreaterThan(0);
    const byApp = await api("GET", `/api/v1/analytics/anomalies?${q}&appId=com.demo.parking`);
    expect((byApp.body.items as { appId: string }[]).every((a) => a.appId === "com.demo.parking")).toBe(true);
    const [otherHost] = await s.db.select({ id: hostApps.id }).from(hostApps).where(eq(hostApps.orgId, s.seed.orgs.other!));
    for (const bad of [`hostId=hst_nope`, `hostId=${otherHost!.id}`, `appId=com.demo.nope`]) {
      const res = await api("GET", `/api/v1/analytics/anomalies?${q}&${bad}`);
      expect(res.status, bad).toBe(404);
      expect(res.body.error?.code).toBe("not_found");
    }
    for (const bad of [`from=2020-01-01&to=2026-01-01`, `from=2026-02-30`, `from=${TODAY}&to=${addDays(TODAY, -1)}`, `${q}&platform=ios`]) {
      const res = await api("GET", `/api/v1/analytics/anomalies?${bad}`);
      expect(res.status, bad).toBe(422);
      expect(res.body.error?.code).toBe("invalid_input");
    }
    expect(() => parseAnomalyQuery(new URLSearchParams("from=2026-01-01&to=2027-06-01"))).toThrow(/at most 366 days/);
  });

  it("shows a developer only their own mini-programs' anomalies", async () => {
    const dev = await s.as("developer");
    const mine = await getAnomalies(dev, { from: addDays(TODAY, -30), to: TODAY }, { now: NOW });
    expect(mine.items.filter((a) => a.appId === "com.demo.weather")).toEqual([]);
    const devRes = await api("GET", `/api/v1/analytics/anomalies?from=${addDays(TODAY, -30)}&to=${TODAY}&appId=com.demo.weather`, { token: "t_developer_demo" });
    expect(devRes.status).toBe(404);
  });

  it("sends anomaly.detected once per anomaly, whichever pass finds it", async () => {
    const admin = await s.as("admin");
    const { endpoint } = await createWebhookEndpoint(admin, createWebhookInput.parse({ url: "http://127.0.0.1:9/anomalies", events: ["anomaly.detected"] }));
    // Two passes racing (two server processes): the table's key lets one of them send each anomaly.
    const [first, second] = await Promise.all([runAnomalyNotifications(s.db, new Date(NOW)), runAnomalyNotifications(s.db, new Date(NOW))]);
    expect(first!.anomalies).toBeGreaterThan(0);
    expect(first!.sent + second!.sent).toBe(first!.anomalies);
    expect(second!.anomalies).toBe(first!.anomalies);
    expect((await runAnomalyNotifications(s.db, new Date(NOW))).sent).toBe(0);
    const deliveries = await s.db
      .select({ payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.event, "anomaly.detected")));
    expect(deliveries).toHaveLength(first!.anomalies);
    const spike = deliveries.map((d) => (d.payload.data as { anomaly: Record<string, unknown> }).anomaly).find((a) => a.hostId === labHost && a.metric === "errorRate");
    expect(spike).toMatchObject({ day: SPIKE_DAY, appId: "com.demo.weather", direction: "up", hostName: "Insights lab" });
    const rows = await s.db.select().from(anomalyNotifications).where(eq(anomalyNotifications.orgId, orgId));
    expect(rows).toHaveLength(first!.anomalies);
  });
});

describe("GET /api/v1/hosts/{hostId}/recommendations", () => {
  type Item = { appId: string; name: string; score: number; reasons: string[]; versionId: string; version: string; signals: { kind: string; anchorAppId?: string; users?: number }[] };

  it("lists approved mini-programs the host does not run, never one its policy refuses, best first, each with reasons", async () => {
    const hosts = await s.db.select().from(hostApps).where(eq(hostApps.orgId, orgId));
    for (const host of hosts) {
      const res = await api("GET", `/api/v1/hosts/${host.id}/recommendations`);
      expect(res.status).toBe(200);
      const items = res.body.items as Item[];
      const running = await selectRows<{ appId: string }>(s.db, sql`SELECT app_id AS "appId" FROM assignments WHERE org_id = ${orgId} AND host_id = ${host.id}`);
      for (const item of items) {
        expect(running.map((r) => r.appId)).not.toContain(item.appId);
        const [v] = await s.db.select().from(versions).where(and(eq(versions.orgId, orgId), eq(versions.id, item.versionId)));
        expect(v).toMatchObject({ appId: item.appId, status: "approved" });
        expect(policyReasons(host.policy, declarationsOf(v!.manifest))).toEqual([]);
        expect(item.reasons.length).toBeGreaterThan(0);
      }
      for (let i = 1; i < items.length; i++) expect(items[i - 1]!.score).toBeGreaterThanOrEqual(items[i]!.score);
      if (host.name === "Demo Wallet") expect(items, "the wallet's strict policy refuses every other demo mini-program").toEqual([]);
      // Offered: the version Demo Wallet runs as stable, not the newer candidate its guardrail halted.
      if (host.name === "Demo SuperApp") expect(items.find((i) => i.appId === "com.demo.loyalty")).toMatchObject({ version: "1.0.0" });
    }
  });

  it("ranks by co-usage, with figures equal to a direct count over the raw events", async () => {
    // A host that runs Coupons only: the lab's people who use Coupons also use Weather.
    const admin = await s.as("admin");
    const probe = (await createHost(admin, createHostInput.parse({ name: "Recommendation probe", platforms: [{ platform: "android", identifier: "com.demo.probe" }] }))).id;
    await assign(s.db, orgId, probe, ["com.demo.coupons"]);
    const { items } = await getRecommendations(admin, probe, { now: NOW });
    const weather = items.find((i) => i.appId === "com.demo.weather")!;
    const co = weather.signals.find((x) => x.kind === "coUsage");
    expect(co).toMatchObject({ anchorAppId: "com.demo.coupons" });
    const from = addDays(TODAY, -30);
    const to = addDays(TODAY, -1);
    const [direct] = await selectRows<{ both: number; anchor: number }>(
      s.db,
      sql`WITH e AS (SELECT DISTINCT app_id, user_id FROM events WHERE org_id = ${orgId} AND host_id <> ${probe}
            AND (ts AT TIME ZONE 'UTC')::date BETWEEN ${from}::date AND ${to}::date)
          SELECT (SELECT count(*) FROM e a JOIN e b ON a.user_id = b.user_id WHERE a.app_id = 'com.demo.coupons' AND b.app_id = 'com.demo.weather')::int AS both,
                 (SELECT count(*) FROM e WHERE app_id = 'com.demo.coupons')::int AS anchor`,
    );
    expect(co).toMatchObject({ users: direct!.both, share: direct!.both / direct!.anchor });
    expect(weather.reasons.join(" ")).toMatch(/also use it/);
    expect(items[0]!.appId).toBe("com.demo.weather");
  });

  it("answers 404 for an unknown or another organization's host", async () => {
    const [otherHost] = await s.db.select({ id: hostApps.id }).from(hostApps).where(eq(hostApps.orgId, s.seed.orgs.other!));
    for (const id of ["hst_nope", otherHost!.id]) {
      const res = await api("GET", `/api/v1/hosts/${id}/recommendations`);
      expect(res.status).toBe(404);
      expect(res.body.error?.code).toBe("not_found");
    }
  });
});
