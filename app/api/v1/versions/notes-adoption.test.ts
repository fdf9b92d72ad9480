// CONTRACT §13 through the route handlers: release notes (PATCH /api/v1/versions/{id}, `?notes=` on upload) and
// GET /api/v1/analytics/adoption, with the seeded API tokens.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, versions } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { useSeededDb } from "@/test/seeded";
import { inProcessFetch } from "@/test/api-router";

withTempBlobStore();
const s = useSeededDb();
const api = inProcessFetch();

async function call(token: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let payload: BodyInit | undefined;
  if (body instanceof Uint8Array) {
    headers["content-type"] = "application/zip";
    payload = body as Uint8Array<ArrayBuffer>;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await api(`http://atrium.test${path}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function versionId(appId: string, version: string): Promise<string> {
  const [row] = await s.db
    .select({ id: versions.id })
    .from(versions)
    .where(and(eq(versions.orgId, s.seed.orgs.demo!), eq(versions.appId, appId), eq(versions.version, version)));
  return row!.id;
}

let n = 0;
const pkg = (appId: string) => new Uint8Array(buildMiniProgramPackage({ appId, version: `9.${++n}.0` }));

describe("release notes", () => {
  it("are written at upload with ?notes=, answered with the version, and over 10 KiB refuse the upload", async () => {
    const notes = "## What's new\n\n- Pay by plate number\n- <script>alert(1)</script> stays text";
    const up = await call("t_developer_demo", "POST", `/api/v1/mini-programs/com.demo.parking/versions?notes=${encodeURIComponent(notes)}`, pkg("com.demo.parking"));
    expect(up.status).toBe(201);
    expect(up.body.version.notes).toBe(notes);
    const read = await call("t_analyst_demo", "GET", `/api/v1/versions/${up.body.version.id}`);
    expect(read.body.notes).toBe(notes);
    const before = await s.db.select({ id: versions.id }).from(versions).where(eq(versions.orgId, s.seed.orgs.demo!));
    const tooLong = await call("t_developer_demo", "POST", `/api/v1/mini-programs/com.demo.parking/versions?notes=${"x".repeat(10 * 1024 + 1)}`, pkg("com.demo.parking"));
    expect(tooLong).toMatchObject({ status: 422, body: { error: { code: "invalid_input", details: { fields: { notes: [expect.any(String)] } } } } });
    expect(await s.db.select({ id: versions.id }).from(versions).where(eq(versions.orgId, s.seed.orgs.demo!))).toHaveLength(before.length);
  });

  it("PATCH sets them on a draft or in-review version (uploader, owner, admin), audited; exactly 10 KiB passes, one byte more is 422", async () => {
    const id = await versionId("com.demo.parking", "1.1.0"); // in review, uploaded by the developer
    const dev = await call("t_developer_demo", "PATCH", `/api/v1/versions/${id}`, { notes: "Fixes the **history** page." });
    expect(dev).toMatchObject({ status: 200, body: { id, notes: "Fixes the **history** page.", status: "in_review" } });
    expect((await call("t_owner_demo", "PATCH", `/api/v1/versions/${id}`, { notes: "é".repeat(5 * 1024) })).status).toBe(200);
    const over = await call("t_admin_demo", "PATCH", `/api/v1/versions/${id}`, { notes: "é".repeat(5 * 1024) + "x" });
    expect(over).toMatchObject({ status: 422, body: { error: { code: "invalid_input" } } });
    expect((await call("t_admin_demo", "GET", `/api/v1/versions/${id}`)).body.notes).toBe("é".repeat(5 * 1024));
    const entries = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "version.notes"), eq(auditLog.objectId, id)));
    expect(entries).toHaveLength(2);
  });

  it.each([
    ["an approved", "com.demo.coupons", "1.1.1"],
    ["a rejected", "com.demo.coupons", "1.1.0"],
    ["a revoked", "com.demo.parking", "1.0.0"],
  ])("PATCH on %s version is 409 and changes nothing", async (_label, appId, version) => {
    const id = await versionId(appId, version);
    const res = await call("t_admin_demo", "PATCH", `/api/v1/versions/${id}`, { notes: "late" });
    expect(res).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect((await call("t_admin_demo", "GET", `/api/v1/versions/${id}`)).body.notes).toBe("");
  });

  it("PATCH by a reviewer or analyst is 403, another org's version 404, a bad body 422", async () => {
    const id = await versionId("com.demo.coupons", "1.2.0");
    expect((await call("t_reviewer_demo", "PATCH", `/api/v1/versions/${id}`, { notes: "x" })).status).toBe(403);
    expect((await call("t_analyst_demo", "PATCH", `/api/v1/versions/${id}`, { notes: "x" })).status).toBe(403);
    expect((await call("t_admin_other", "PATCH", `/api/v1/versions/${id}`, { notes: "x" })).status).toBe(404);
    expect((await call("t_admin_demo", "PATCH", `/api/v1/versions/${id}`, { notes: 5 })).status).toBe(422);
    expect((await call("t_admin_demo", "PATCH", `/api/v1/versions/${id}`, { notes: "x", status: "approved" })).status).toBe(422);
  });
});

describe("GET /api/v1/analytics/adoption", () => {
  it("answers the last complete UTC day's users and shares per version", async () => {
    const res = await call("t_analyst_demo", "GET", "/api/v1/analytics/adoption?appId=com.demo.coupons");
    expect(res.status).toBe(200);
    const yesterday = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
    expect(res.body).toMatchObject({ appId: "com.demo.coupons", day: yesterday });
    const rows = res.body.versions as { version: string; users: number; share: number | null }[];
    expect(rows.map((r) => r.version)).toEqual(expect.arrayContaining(["1.1.1"]));
    const total = rows.reduce((a, r) => a + r.users, 0);
    expect(total).toBeGreaterThan(0);
    expect(rows.reduce((a, r) => a + (r.share ?? 0), 0)).toBeCloseTo(1, 10);
  });

  it("lists approved versions with null shares when nobody ran any", async () => {
    const res = await call("t_admin_demo", "GET", "/api/v1/analytics/adoption?appId=com.demo.weather");
    expect(res.status).toBe(200);
    for (const v of res.body.versions as { users: number; share: number | null }[]) {
      if (res.body.versions.every((x: { users: number }) => x.users === 0)) expect(v.share).toBeNull();
    }
  });

  it.each([
    ["no appId", "", 422],
    ["an unknown appId", "?appId=com.nobody.here", 404],
    ["another org's host", "?appId=com.demo.coupons&hostId=hst_00000000000000000000000000", 404],
    ["an unknown parameter", "?appId=com.demo.coupons&from=2026-01-01", 422],
  ])("%s answers %i", async (_label, qs, status) => {
    expect((await call("t_admin_demo", "GET", `/api/v1/analytics/adoption${qs}`)).status).toBe(status);
  });
});
