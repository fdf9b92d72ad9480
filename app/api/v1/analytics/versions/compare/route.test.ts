// GET /api/v1/analytics/versions/compare and the overview's compare=previous and format=csv, as an automation script
// sees them (issue 18 items 5 and 6): shapes, bad input (422 / 404), roles and developer scoping, CSV answers.
import { describe, expect, it } from "vitest";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { answer, apiRequest } from "@/test/api";
import { useSeededDb } from "@/test/seeded";
import { GET as overview } from "../../overview/route";
import { GET } from "./route";

withTempBlobStore();
useSeededDb();
const TODAY = utcDay(Date.now());
const range = `from=${addDays(TODAY, -29)}&to=${TODAY}`;

const call = (token: string, query: string) => answer(GET(apiRequest(token, `/api/v1/analytics/versions/compare?${query}`), { params: Promise.resolve({}) }));
const raw = (path: string, query: string, token = "t_analyst_demo") =>
  (path === "overview" ? overview : GET)(apiRequest(token, `/api/v1/analytics/${path}?${query}`), { params: Promise.resolve({}) });

describe("the version comparison", () => {
  it("defaults to the newest two versions with traffic, b the newest, with the overview's figures of each", async () => {
    const { status, body } = await call("t_analyst_demo", `appId=com.demo.coupons&${range}`);
    expect(status).toBe(200);
    const c = body as unknown as { versions: string[]; a: { version: string; totals: Record<string, number> }; b: { version: string; totals: Record<string, number>; platforms: unknown[] } };
    expect(c.versions.length).toBeGreaterThanOrEqual(2);
    expect([c.b.version, c.a.version]).toEqual(c.versions.slice(0, 2));
    // Each side is the overview under that version filter.
    for (const side of [c.a, c.b]) {
      const o = await answer(raw("overview", `${range}&appId=com.demo.coupons&version=${side.version}`));
      expect(side.totals).toEqual(o.body.totals);
    }
    expect(c.b.platforms.length).toBeGreaterThan(0);
  });

  it.each([
    ["no appId", range],
    ["the same version twice", `appId=com.demo.coupons&a=1.0.0&b=1.0.0&${range}`],
    ["more than 366 days", `appId=com.demo.coupons&from=${addDays(TODAY, -366)}&to=${TODAY}`],
    ["from after to", `appId=com.demo.coupons&from=${TODAY}&to=${addDays(TODAY, -1)}`],
    ["an unknown parameter", `appId=com.demo.coupons&platform=ios`],
    ["an unknown format", `appId=com.demo.coupons&format=xml`],
    ["no two versions with traffic to default to", `appId=com.demo.coupons&from=2020-01-01&to=2020-01-31`],
  ])("answers 422 for %s", async (_label, query) => {
    const { status, body } = await call("t_admin_demo", query);
    expect(status).toBe(422);
    expect(body.error!.code).toBe("invalid_input");
  });

  it.each([
    ["an unknown mini-program", `appId=com.demo.nothing&${range}`],
    ["an unknown host", `appId=com.demo.coupons&hostId=host_nope&${range}`],
    ["an unknown version", `appId=com.demo.coupons&a=9.9.9&b=1.0.0&${range}`],
    ["an unknown b", `appId=com.demo.coupons&a=1.0.0&b=7.7.7&${range}`],
  ])("answers 404 for %s", async (_label, query) => {
    const { status, body } = await call("t_admin_demo", query);
    expect(status).toBe(404);
    expect(body.error!.code).toBe("not_found");
  });

  it("hides a mini-program from a developer who does not collaborate on it, and from another organization", async () => {
    expect((await call("t_developer_demo", `appId=com.demo.loyalty&${range}`)).status).toBe(404);
    expect((await call("t_developer_demo", `appId=com.demo.coupons&${range}`)).status).toBe(200);
    expect((await call("t_admin_other", `appId=com.demo.parking&${range}`)).status).toBe(404);
  });

  it.each(["owner", "admin", "reviewer", "analyst"])("is open to the %s role", async (role) => {
    expect((await call(`t_${role}_demo`, `appId=com.demo.coupons&${range}`)).status).toBe(200);
  });

  it("answers CSV with the JSON's numbers", async () => {
    const json = (await call("t_analyst_demo", `appId=com.demo.coupons&${range}`)).body as unknown as { a: { version: string; totals: { launches: number } }; b: { version: string; totals: { launches: number } } };
    const res = await raw("versions/compare", `appId=com.demo.coupons&${range}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("metric,a,b,delta,change");
    expect(lines[1]).toBe(`version,${json.a.version},${json.b.version},,`);
    expect(lines.find((l) => l.startsWith("launches,"))).toMatch(new RegExp(`^launches,${json.a.totals.launches},${json.b.totals.launches},${json.b.totals.launches - json.a.totals.launches},`));
  });
});

describe("the overview's comparison and CSV", () => {
  it("adds the previous period with compare=previous, and nothing without it", async () => {
    const plain = await answer(raw("overview", range));
    expect(plain.body.previous).toBeUndefined();
    const { status, body } = await answer(raw("overview", `${range}&compare=previous`));
    expect(status).toBe(200);
    const previous = body.previous as { from: string; to: string; totals: unknown; days: unknown[] };
    expect(previous).toMatchObject({ from: addDays(TODAY, -59), to: addDays(TODAY, -30) });
    expect(previous.days).toHaveLength(30);
    expect(previous.totals).toEqual((await answer(raw("overview", `from=${addDays(TODAY, -59)}&to=${addDays(TODAY, -30)}`))).body.totals);
    // The fields of CONTRACT §7 are all still there, unchanged.
    expect({ ...body, previous: undefined }).toEqual({ ...plain.body, previous: undefined });
  });

  it.each([
    ["an unknown comparison", `${range}&compare=last_year`],
    ["an unknown table", `${range}&format=csv&table=pivot`],
    ["an unknown format", `${range}&format=xlsx`],
  ])("answers 422 for %s", async (_label, query) => {
    const { status, body } = await answer(raw("overview", query));
    expect(status).toBe(422);
    expect(body.error!.code).toBe("invalid_input");
  });

  it("answers each table as CSV", async () => {
    const json = (await answer(raw("overview", `${range}&compare=previous`))).body as { totals: { launches: number }; previous: { totals: { launches: number } } };
    const text = async (q: string) => {
      const res = await raw("overview", q);
      expect(res.headers.get("content-type")).toContain("text/csv");
      return (await res.text()).trimEnd().split("\r\n");
    };
    expect((await text(`${range}&format=csv`))[0]).toMatch(/^day,launches,activeUsers,mau,/);
    const days = await text(`${range}&format=csv&compare=previous`);
    expect(days[0]).toMatch(/^period,offset,day,launches,/);
    expect(days).toHaveLength(61);
    const totals = await text(`${range}&format=csv&table=totals&compare=previous`);
    expect(totals[0]).toBe("metric,current,previous,delta,change");
    expect(totals.find((l) => l.startsWith("launches,"))).toMatch(new RegExp(`^launches,${json.totals.launches},${json.previous.totals.launches},`));
    expect((await text(`${range}&format=csv&table=breakdown`))[0]).toMatch(/^dimension,key,name,launches,/);
  });
});
