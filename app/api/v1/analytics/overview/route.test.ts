// GET /api/v1/analytics/overview as an automation script sees it (CONTRACT §3, §7): the shape, the range
// rules, roles, developer scoping and tenancy.
import { describe, expect, it } from "vitest";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { answer, apiRequest } from "@/test/api";
import { useSeededDb } from "@/test/seeded";
import { GET } from "./route";

withTempBlobStore();
useSeededDb();
const TODAY = utcDay(Date.now());

const call = (token: string, query: string) => answer(GET(apiRequest(token, `/api/v1/analytics/overview?${query}`), { params: Promise.resolve({}) }));

const range = `from=${addDays(TODAY, -29)}&to=${TODAY}`;
const TOTAL_FIELDS = ["launches", "activeUsers", "sessions", "avgSessionMs", "errors", "errorRate"];
const DAY_FIELDS = ["day", "launches", "activeUsers", "mau", "sessions", "avgSessionMs", "errors", "errorRate", "retentionD1", "retentionD7"];

describe("the overview", () => {
  it("has the shape of CONTRACT §7", async () => {
    const { status, body } = await call("t_analyst_demo", range);
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: addDays(TODAY, -29), to: TODAY });
    expect(Object.keys(body.totals as object)).toEqual(expect.arrayContaining(TOTAL_FIELDS));
    const days = body.days as Record<string, unknown>[];
    expect(days).toHaveLength(30);
    for (const d of days) expect(Object.keys(d)).toEqual(expect.arrayContaining(DAY_FIELDS));
    const breakdown = body.breakdown as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(breakdown).sort()).toEqual(["host", "miniProgram", "platform", "version"]);
    // The seeded history is there, and each breakdown row carries its key and the totals' fields.
    expect((body.totals as { launches: number }).launches).toBeGreaterThan(0);
    for (const [dim, key] of [["host", "hostId"], ["miniProgram", "appId"], ["version", "version"], ["platform", "platform"]] as const) {
      expect(breakdown[dim]!.length, dim).toBeGreaterThan(0);
      for (const row of breakdown[dim]!) expect(Object.keys(row)).toEqual(expect.arrayContaining([key, "key", ...TOTAL_FIELDS]));
    }
  });

  it("marks the day not yet ended as partial and answers null for retention whose window is still open (CONTRACT §7)", async () => {
    const { body } = await call("t_admin_demo", `from=${addDays(TODAY, -29)}&to=${addDays(TODAY, 1)}`);
    const days = body.days as { day: string; partial: boolean; newUsers: number; retentionD1: number | null; retentionD7: number | null }[];
    const at = (n: number) => days.find((d) => d.day === addDays(TODAY, n))!;
    expect(days.filter((d) => d.partial).map((d) => d.day)).toEqual([TODAY, addDays(TODAY, 1)]);
    // Yesterday's D1 needs today to end; D7 needs d + 7 to end, so the last 7 days have none.
    for (const n of [-1, 0, 1]) expect(at(n).retentionD1, `D1 of day ${n}`).toBeNull();
    for (let n = -7; n <= 1; n++) expect(at(n).retentionD7, `D7 of day ${n}`).toBeNull();
    // Older cohorts of the seeded history have figures. (Which recent day has new users depends on the hour the
    // seed ran, so take the latest closed cohort rather than a fixed day.)
    const latestCohort = (upTo: number) => days.filter((d) => d.day <= addDays(TODAY, upTo) && d.newUsers > 0).at(-1);
    expect(latestCohort(-2)?.retentionD1).toEqual(expect.any(Number));
    expect(latestCohort(-8)?.retentionD7).toEqual(expect.any(Number));
  });

  it("gives the range's retention, weighted by cohort size over the cohorts whose window has ended, as the dashboard shows it", async () => {
    const { body } = await call("t_analyst_demo", range);
    const days = body.days as { newUsers: number; retentionD1: number | null; retentionD7: number | null }[];
    const expected = (key: "retentionD1" | "retentionD7") => {
      const closed = days.filter((d) => d[key] !== null);
      const users = closed.reduce((n, d) => n + d.newUsers, 0);
      return users > 0 ? closed.reduce((n, d) => n + d[key]! * d.newUsers, 0) / users : null;
    };
    const retention = body.retention as { d1: number | null; d7: number | null };
    expect(retention.d1).not.toBeNull();
    expect(retention.d1).toBeCloseTo(expected("retentionD1")!, 12);
    expect(retention.d7).toBeCloseTo(expected("retentionD7")!, 12);
    // A cohort-size weighting, not a mean of daily shares (the seeded cohorts differ in size).
    const shares = days.flatMap((d) => (d.retentionD1 === null ? [] : [d.retentionD1]));
    expect(retention.d1).not.toBeCloseTo(shares.reduce((a, b) => a + b, 0) / shares.length, 6);
    // A range with no closed cohort has none.
    const today = await call("t_analyst_demo", `from=${TODAY}&to=${TODAY}`);
    expect(today.body.retention).toEqual({ d1: null, d7: null });
  });

  it("defaults to the last 30 days", async () => {
    const { body } = await call("t_admin_demo", "");
    expect(body).toMatchObject({ from: addDays(TODAY, -29), to: TODAY });
  });

  it.each([
    ["from after to", `from=${TODAY}&to=${addDays(TODAY, -1)}`],
    ["more than 366 days", `from=${addDays(TODAY, -366)}&to=${TODAY}`],
    ["a day that does not exist", "from=2026-02-30&to=2026-03-01"],
    ["a malformed day", "from=20260101"],
    ["an unknown platform", `${range}&platform=symbian`],
    ["an unknown parameter", `${range}&sort=desc`],
  ])("answers 422 for %s", async (_label, query) => {
    const { status, body } = await call("t_admin_demo", query);
    expect(status).toBe(422);
    expect(body.error!.code).toBe("invalid_input");
  });

  it("takes exactly 366 days", async () => {
    expect((await call("t_admin_demo", `from=${addDays(TODAY, -365)}&to=${TODAY}`)).status).toBe(200);
  });

  it.each(["owner", "admin", "reviewer", "developer", "analyst"])("is open to the %s role", async (role) => {
    expect((await call(`t_${role}_demo`, range)).status).toBe(200);
  });

  it("needs a token", async () => {
    expect((await call("t_nobody", range)).status).toBe(401);
  });
});

describe("developers", () => {
  it("see only the mini-programs they collaborate on", async () => {
    const { body } = await call("t_developer_demo", range);
    const apps = (body.breakdown as { miniProgram: { appId: string }[] }).miniProgram.map((r) => r.appId);
    expect(apps.length).toBeGreaterThan(0);
    // The developer created Coupons, Parking and Expenses; Loyalty (the admin's) has data but is not theirs.
    expect(apps).not.toContain("com.demo.loyalty");
    const all = await call("t_admin_demo", range);
    expect((all.body.breakdown as { miniProgram: { appId: string }[] }).miniProgram.map((r) => r.appId)).toContain("com.demo.loyalty");
  });

  it("get 404 for a mini-program they do not collaborate on, as for a missing one", async () => {
    for (const appId of ["com.demo.loyalty", "com.demo.nothing"]) {
      const { status, body } = await call("t_developer_demo", `${range}&appId=${appId}`);
      expect(status).toBe(404);
      expect(body.error!.code).toBe("not_found");
    }
    expect((await call("t_developer_demo", `${range}&appId=com.demo.coupons`)).status).toBe(200);
  });
});

describe("tenancy", () => {
  it("answers another organization's host or mini-program as missing", async () => {
    const demo = await call("t_admin_demo", range);
    const demoHost = (demo.body.breakdown as { host: { hostId: string }[] }).host[0]!.hostId;
    expect((await call("t_admin_other", `${range}&hostId=${demoHost}`)).status).toBe(404);
    // Other Corp has no events: its figures are its own (zero), never Demo's.
    const other = await call("t_admin_other", range);
    expect(other.body.totals).toMatchObject({ launches: 0, activeUsers: 0, avgSessionMs: null, errorRate: null });
  });
});
