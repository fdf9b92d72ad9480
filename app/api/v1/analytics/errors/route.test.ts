// Issue 18's API (errors, pages, events, funnel) as a script sees it: shapes on the seeded demo, CSV, and bad input
// answered with the overview's codes (a range over the limit 422, an unknown mini-program or host 404, a funnel
// with no steps or more than 10 422), developers limited to their mini-programs.
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { ingestEvents } from "@/lib/analytics/ingest";
import { assign, body, eventId, hostsOf } from "@/lib/analytics/testing";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { answer, apiRequest } from "@/test/api";
import { useSeededDb } from "@/test/seeded";
import { GET as errorsGET } from "./route";
import { GET as pagesGET } from "../pages/route";
import { GET as eventsGET } from "../events/route";
import { POST as funnelPOST } from "../funnel/route";

withTempBlobStore();
const s = useSeededDb();
const TODAY = utcDay(Date.now());

// The seeded history is a 3% sample under vitest, too thin to promise two error groups in any 30 days: add two
// groups of known sizes (3 and 2 events) so the order is tested whatever the sample holds.
beforeAll(async () => {
  const orgId = s.seed.orgs.demo!;
  const [host] = await hostsOf(s.db, orgId);
  await assign(s.db, orgId, host!.id, ["com.demo.parking"]);
  const now = Date.now();
  const error = (message: string, i: number) => ({ id: eventId(), type: "error", appId: "com.demo.parking", version: "1.0.1", userId: `route-user-${i}`, platform: "ios", ts: now - (i + 1) * 60_000, message });
  const events = [0, 1, 2].map((i) => error(`RangeError: route test overflow at step ${i}`, i)).concat([3, 4].map((i) => error(`SyntaxError: route test token ${i}`, i)));
  const result = await ingestEvents(s.db, { orgId, id: host!.id }, body(events), now);
  expect(result.accepted).toBe(5);
});
const range = `from=${addDays(TODAY, -29)}&to=${TODAY}`;
const none = { params: Promise.resolve({}) };

const get = (handler: typeof errorsGET, path: string, token = "t_analyst_demo", headers: Record<string, string> = {}) =>
  handler(apiRequest(token, path, { headers }), none);
const funnel = (body: unknown, token = "t_analyst_demo", query = "") =>
  answer(funnelPOST(apiRequest(token, `/api/v1/analytics/funnel${query}`, { method: "POST", body: body as BodyInit }), none));
const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ type: i % 2 ? "event" : "page", value: i % 2 ? "share" : "pages/index/index" }));

describe("GET /api/v1/analytics/errors, pages, events", () => {
  it("answer the seeded demo's groups, pages and events", async () => {
    const errors = await answer(get(errorsGET, `/api/v1/analytics/errors?${range}&appId=com.demo.parking`));
    expect(errors.status).toBe(200);
    const items = (errors.body as { items: { fingerprint: string; count: number; users: number; days: unknown[]; versions: string[] }[] }).items;
    expect(items.length).toBeGreaterThan(1);
    expect(items[0]!.days).toHaveLength(30);
    for (let i = 1; i < items.length; i++) expect(items[i - 1]!.count).toBeGreaterThanOrEqual(items[i]!.count);
    const pages = await answer(get(pagesGET, `/api/v1/analytics/pages?${range}&appId=com.demo.parking&platform=ios`));
    expect((pages.body as { items: { page: string }[] }).items.map((p) => p.page).sort()).toEqual(["pages/index/index", "pages/pay/pay"]);
    const events = await answer(get(eventsGET, `/api/v1/analytics/events?${range}&appId=com.demo.coupons`));
    expect((events.body as { items: { name: string; count: number }[] }).items.length).toBeGreaterThan(0);
  });

  it("mark groups new in a version only with a version filter", async () => {
    const all = await answer(get(errorsGET, `/api/v1/analytics/errors?${range}&appId=com.demo.parking`));
    expect((all.body as { items: object[] }).items.every((i) => !("newInVersion" in i))).toBe(true);
    const v = (all.body as { items: { versions: string[] }[] }).items[0]!.versions[0]!;
    const one = await answer(get(errorsGET, `/api/v1/analytics/errors?${range}&appId=com.demo.parking&version=${v}`));
    expect((one.body as { items: { newInVersion: boolean }[] }).items.every((i) => typeof i.newInVersion === "boolean")).toBe(true);
  });

  it("answer CSV with ?format=csv or Accept: text/csv", async () => {
    const res = await get(pagesGET, `/api/v1/analytics/pages?${range}&appId=com.demo.coupons&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text.split("\r\n")[0]).toBe("page,views,users");
    expect(text).toContain("pages/detail/detail");
    const accept = await get(errorsGET, `/api/v1/analytics/errors?${range}&appId=com.demo.coupons`, "t_analyst_demo", { accept: "text/csv" });
    expect((await accept.text()).split("\r\n")[0]).toBe("fingerprint,message,count,users,firstSeen,lastSeen,versions,newInVersion");
    expect((await answer(get(pagesGET, `/api/v1/analytics/pages?${range}&appId=com.demo.coupons&format=xml`))).status).toBe(422);
  });

  it("refuse bad input with the overview's codes", async () => {
    for (const handler of [errorsGET, pagesGET, eventsGET]) {
      const name = handler === errorsGET ? "errors" : handler === pagesGET ? "pages" : "events";
      const at = (q: string) => answer(get(handler, `/api/v1/analytics/${name}?${q}`));
      expect((await at(`from=${addDays(TODAY, -400)}&to=${TODAY}&appId=com.demo.coupons`)).status, name).toBe(422);
      expect((await at(`from=${TODAY}&to=${addDays(TODAY, -1)}&appId=com.demo.coupons`)).status, name).toBe(422);
      expect((await at(range)).status, name).toBe(422);
      expect((await at(`${range}&appId=com.nobody.here`)).status, name).toBe(404);
      expect((await at(`${range}&appId=com.demo.coupons&hostId=hst_nope`)).status, name).toBe(404);
      expect((await at(`${range}&appId=com.demo.coupons&colour=red`)).status, name).toBe(422);
    }
  });

  it("keep developers to their mini-programs: another one is 404", async () => {
    expect((await answer(get(errorsGET, `/api/v1/analytics/errors?${range}&appId=com.demo.weather`, "t_developer_demo"))).status).toBe(404);
  });
});

describe("POST /api/v1/analytics/funnel", () => {
  it("answers each step's sessions, users and conversion, and CSV", async () => {
    const q = { from: addDays(TODAY, -6), to: TODAY, appId: "com.demo.coupons", steps: [{ type: "page", value: "pages/index/index" }, { type: "page", value: "pages/detail/detail" }] };
    const { status, body } = await funnel(q);
    expect(status).toBe(200);
    const got = (body as { steps: { sessions: number; users: number; conversion: number | null }[] }).steps;
    expect(got).toHaveLength(2);
    expect(got[0]!.sessions).toBeGreaterThan(0);
    expect(got[0]!.conversion).toBe(1);
    expect(got[1]!.sessions).toBeLessThanOrEqual(got[0]!.sessions);
    expect(got[1]!.conversion).toBeCloseTo(got[1]!.sessions / got[0]!.sessions, 12);
    const csv = await funnelPOST(apiRequest("t_analyst_demo", "/api/v1/analytics/funnel?format=csv", { method: "POST", body: q as unknown as BodyInit }), none);
    expect((await csv.text()).split("\r\n")[0]).toBe("step,type,value,sessions,users,conversion");
  });

  it("refuses no steps, more than 10, a bad step, a range over the limit (422) and an unknown mini-program (404)", async () => {
    const base = { from: addDays(TODAY, -6), to: TODAY, appId: "com.demo.coupons" };
    expect((await funnel({ ...base, steps: [] })).status).toBe(422);
    expect((await funnel({ ...base })).status).toBe(422);
    expect((await funnel({ ...base, steps: steps(11) })).status).toBe(422);
    expect((await funnel({ ...base, steps: steps(10) })).status).toBe(200);
    expect((await funnel({ ...base, steps: [{ type: "launch", value: "x" }] })).status).toBe(422);
    expect((await funnel({ ...base, from: addDays(TODAY, -400), steps: steps(1) })).status).toBe(422);
    expect((await funnel({ ...base, appId: "com.nobody.here", steps: steps(1) })).status).toBe(404);
    expect((await funnel({ ...base, appId: "com.demo.weather", steps: steps(1) }, "t_developer_demo")).status).toBe(404);
  });
});
