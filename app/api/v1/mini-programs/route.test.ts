// /api/v1 mini-programs and versions through their route handlers, with seeded API tokens.
import fs from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { useSeededDb } from "@/test/seeded";
import * as list from "./route";
import * as one from "./[appId]/route";
import * as versionsRoute from "./[appId]/versions/route";
import * as collaboratorsRoute from "./[appId]/collaborators/route";
import * as collaboratorRoute from "./[appId]/collaborators/[userId]/route";
import * as versionRoute from "../versions/[versionId]/route";
import * as submitRoute from "../versions/[versionId]/submit/route";
import * as withdrawRoute from "../versions/[versionId]/withdraw/route";

withTempBlobStore();
const s = useSeededDb();

const BASE = "http://localhost/api/v1";
type Handler<P> = (req: NextRequest, seg: { params: Promise<P> }) => Promise<Response>;

async function call<P extends Record<string, string>>(
  handler: Handler<P>,
  url: string,
  opts: { token?: string; method?: string; json?: unknown; body?: Buffer; headers?: Record<string, string>; params?: P } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.body) {
    headers["content-type"] ??= "application/zip";
    body = new Uint8Array(opts.body);
  }
  const res = await handler(new NextRequest(`${BASE}${url}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body }), {
    params: Promise.resolve((opts.params ?? {}) as P),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const fixture = (name: string) => fs.readFileSync(path.resolve(import.meta.dirname, "../../../../test/fixtures/packages", name));

describe("GET, POST /api/v1/mini-programs", () => {
  it("lists what the token's user may see, in the list shape", async () => {
    const dev = await call(list.GET, "/mini-programs", { token: "t_developer_demo" });
    expect(dev.status).toBe(200);
    expect(dev.body.nextCursor).toBeNull();
    expect((dev.body.items as { appId: string }[]).map((m) => m.appId).sort()).toEqual(["com.demo.coupons", "com.demo.expenses", "com.demo.parking"]);
    const filtered = await call(list.GET, "/mini-programs?q=weather&category=utilities", { token: "t_analyst_demo" });
    expect((filtered.body.items as { appId: string }[]).map((m) => m.appId)).toEqual(["com.demo.weather"]);
    expect((await call(list.GET, "/mini-programs?category=nonsense", { token: "t_analyst_demo" })).status).toBe(422);
    expect((await call(list.GET, "/mini-programs")).status).toBe(401);
  });

  it("creates: 201 with the mini-program; the same appId again is 409; a bad one 422; an analyst 403", async () => {
    const body = { appId: "com.demo.api-made", name: "API made", category: "utilities", description: "From CI." };
    const made = await call(list.POST, "/mini-programs", { token: "t_developer_demo", json: body });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject(body);
    const again = await call(list.POST, "/mini-programs", { token: "t_admin_demo", json: body });
    expect(again).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    const bad = await call(list.POST, "/mini-programs", { token: "t_admin_demo", json: { ...body, appId: "Not A Domain" } });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: "invalid_input" } } });
    expect((await call(list.POST, "/mini-programs", { token: "t_analyst_demo", json: { ...body, appId: "com.demo.x" } })).status).toBe(403);
    const read = await call(one.GET, "/mini-programs/com.demo.api-made", { token: "t_developer_demo", params: { appId: "com.demo.api-made" } });
    expect(read).toMatchObject({ status: 200, body: { appId: "com.demo.api-made", name: "API made", category: "utilities", description: "From CI." } });
  });

  it("GET /mini-programs/{appId}: 404 for a developer who does not collaborate, and across organizations", async () => {
    expect((await call(one.GET, "/mini-programs/com.demo.weather", { token: "t_developer_demo", params: { appId: "com.demo.weather" } })).status).toBe(404);
    const foreign = await call(one.GET, "/mini-programs/com.demo.weather", { token: "t_admin_other", params: { appId: "com.demo.weather" } });
    expect(foreign).toEqual({ status: 404, body: { error: { code: "not_found", message: "Mini-program not found" } } });
  });

  it("PATCH /mini-programs/{appId} edits", async () => {
    const res = await call(one.PATCH, "/mini-programs/com.demo.expenses", { method: "PATCH", token: "t_developer_demo", json: { description: "Receipts in seconds." }, params: { appId: "com.demo.expenses" } });
    expect(res).toMatchObject({ status: 200, body: { description: "Receipts in seconds." } });
  });
});

describe("versions", () => {
  const appId = "com.demo.expenses";
  const params = { appId };

  it("uploads the zip body: 201 with version and report; 422 with the report for a rejected package", async () => {
    const bytes = buildMiniProgramPackage({ appId, version: "2.0.0", permissions: ["camera"] });
    const res = await call(versionsRoute.POST, `/mini-programs/${appId}/versions`, { token: "t_developer_demo", body: bytes, params });
    expect(res.status).toBe(201);
    expect(res.body.version).toMatchObject({ appId, version: "2.0.0", status: "draft", size: bytes.length, uploadedBy: "developer@demo.test", reviews: [] });
    expect(res.body.inspection).toMatchObject({ ok: true, errors: [], manifest: { appId, version: "2.0.0" } });

    const bad = await call(versionsRoute.POST, `/mini-programs/${appId}/versions`, { token: "t_developer_demo", body: fixture("bad-page-missing.zip"), params });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "invalid_input", details: { inspection: { ok: false } } });
    const codes = (bad.body.error as { details: { inspection: { errors: { code: string }[] } } }).details.inspection.errors.map((e) => e.code);
    expect(codes).toEqual(expect.arrayContaining(["page_missing", "app_id_mismatch"]));
  });

  it("refuses a body over 10 MiB with 413, by its declared length or by counting", async () => {
    const declared = await call(versionsRoute.POST, `/mini-programs/${appId}/versions`, {
      token: "t_developer_demo",
      body: Buffer.alloc(16),
      headers: { "content-length": String(11 * 1024 * 1024) },
      params,
    });
    expect(declared).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    const counted = await call(versionsRoute.POST, `/mini-programs/${appId}/versions`, { token: "t_developer_demo", body: Buffer.alloc(10 * 1024 * 1024 + 1), params });
    expect(counted).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
  });

  it("lists, reads, submits and withdraws; a wrong state is 409", async () => {
    const listed = await call(versionsRoute.GET, `/mini-programs/${appId}/versions?limit=1`, { token: "t_developer_demo", params });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.nextCursor).toEqual(expect.any(String));
    const draft = (listed.body.items as { id: string; status: string }[])[0]!;
    expect(draft.status).toBe("draft");
    const p = { versionId: draft.id };

    const read = await call(versionRoute.GET, `/versions/${draft.id}`, { token: "t_analyst_demo", params: p });
    expect(read.status).toBe(200);
    expect(Object.keys(read.body)).toEqual(expect.arrayContaining(["id", "appId", "version", "status", "sha256", "size", "uploadedBy", "createdAt", "reviews", "inspection"]));

    expect(await call(submitRoute.POST, `/versions/${draft.id}/submit`, { method: "POST", token: "t_developer_demo", params: p })).toMatchObject({ status: 200, body: { status: "in_review" } });
    expect(await call(submitRoute.POST, `/versions/${draft.id}/submit`, { method: "POST", token: "t_developer_demo", params: p })).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect((await call(submitRoute.POST, `/versions/${draft.id}/submit`, { method: "POST", token: "t_reviewer_demo", params: p })).status).toBe(403);
    expect(await call(withdrawRoute.POST, `/versions/${draft.id}/withdraw`, { method: "POST", token: "t_developer_demo", params: p })).toMatchObject({ status: 200, body: { status: "draft" } });
    expect((await call(withdrawRoute.POST, `/versions/${draft.id}/withdraw`, { method: "POST", token: "t_developer_demo", params: p })).status).toBe(409);
    expect((await call(versionRoute.GET, `/versions/${draft.id}`, { token: "t_admin_other", params: p })).status).toBe(404);
    expect((await call(submitRoute.POST, `/versions/${draft.id}/submit`, { method: "POST", token: "t_admin_other", params: p })).status).toBe(404);
  });

  it("a version with a review history shows it", async () => {
    const coupons = await call(versionsRoute.GET, "/mini-programs/com.demo.coupons/versions", { token: "t_reviewer_demo", params: { appId: "com.demo.coupons" } });
    const rejected = (coupons.body.items as { id: string; status: string }[]).find((v) => v.status === "rejected")!;
    const read = await call(versionRoute.GET, `/versions/${rejected.id}`, { token: "t_reviewer_demo", params: { versionId: rejected.id } });
    expect(read.body.reviews).toEqual([{ decision: "rejected", reasons: ["broken_functionality", "other"], comment: expect.any(String), reviewer: "reviewer@demo.test", at: expect.any(String) }]);
  });
});

describe("collaborators", () => {
  it("admins add and remove; developers may not", async () => {
    const params = { appId: "com.demo.weather" };
    expect((await call(collaboratorsRoute.POST, "/mini-programs/com.demo.weather/collaborators", { token: "t_developer_demo", json: { email: "developer@demo.test" }, params })).status).toBe(403);
    const added = await call(collaboratorsRoute.POST, "/mini-programs/com.demo.weather/collaborators", { token: "t_admin_demo", json: { email: "developer@demo.test" }, params });
    expect(added).toMatchObject({ status: 201, body: { email: "developer@demo.test" } });
    const listed = await call(collaboratorsRoute.GET, "/mini-programs/com.demo.weather/collaborators", { token: "t_developer_demo", params });
    expect((listed.body.items as { email: string }[]).map((c) => c.email)).toEqual(["admin@demo.test", "developer@demo.test"]);
    expect((await call(collaboratorsRoute.POST, "/mini-programs/com.demo.weather/collaborators", { token: "t_developer_demo", json: { email: "owner@demo.test" }, params })).status).toBe(403);
    const userId = s.seed.users["developer@demo.test"]!;
    const removed = await call(collaboratorRoute.DELETE, `/mini-programs/com.demo.weather/collaborators/${userId}`, { method: "DELETE", token: "t_admin_demo", params: { ...params, userId } });
    expect(removed.status).toBe(200);
    expect((await call(one.GET, "/mini-programs/com.demo.weather", { token: "t_developer_demo", params })).status).toBe(404);
  });
});
