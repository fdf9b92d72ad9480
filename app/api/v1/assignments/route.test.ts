// /api/v1 assignments as an automation script sees them (CONTRACT §3): status codes, shapes, the one error
// shape with every policy reason, 409 on a state that does not allow the change, roles and tenancy.
import { describe, expect, it } from "vitest";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { answer, apiRequest, type RequestInit } from "@/test/api";
import { useSeededDb } from "@/test/seeded";
import { GET as listForHost, POST as assign } from "../hosts/[hostId]/assignments/route";
import { GET as events } from "./[id]/events/route";
import { POST as promote } from "./[id]/promote/route";
import { POST as rollback } from "./[id]/rollback/route";
import { DELETE as remove, GET as read, PATCH as patch } from "./[id]/route";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

type Who = "owner" | "admin" | "reviewer" | "developer" | "analyst" | "other";
const TOKEN: Record<Who, string> = {
  owner: "t_owner_demo",
  admin: "t_admin_demo",
  reviewer: "t_reviewer_demo",
  developer: "t_developer_demo",
  analyst: "t_analyst_demo",
  other: "t_admin_other",
};

const req = (who: Who, path: string, init: RequestInit = {}) => apiRequest(TOKEN[who], path, init);
const send = answer;

const onHost = (hostId: string) => ({ params: Promise.resolve({ hostId }) });
const onId = (id: string) => ({ params: Promise.resolve({ id }) });

async function lab() {
  const admin = await s.as("admin");
  const app = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0" }, { version: "1.2.0", status: "draft" }]);
  const host = await labHost(admin);
  return { app, host, v: (x: string) => app.versions[x]!.id };
}

async function assigned(who: Who = "admin") {
  const l = await lab();
  const { status, body } = await send(assign(req(who, `/api/v1/hosts/${l.host.id}/assignments`, { method: "POST", body: { appId: l.app.appId, versionId: l.v("1.0.0") } }), onHost(l.host.id)));
  expect(status).toBe(201);
  return { ...l, id: String(body.id) };
}

describe("POST /api/v1/hosts/{hostId}/assignments", () => {
  it("answers 201 with the assignment of the contract", async () => {
    const { app, host, v } = await lab();
    const { status, body } = await send(assign(req("admin", `/api/v1/hosts/${host.id}/assignments`, { method: "POST", body: { appId: app.appId, versionId: v("1.0.0") } }), onHost(host.id)));
    expect(status).toBe(201);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^asg_/),
      hostId: host.id,
      appId: app.appId,
      stableVersionId: v("1.0.0"),
      candidateVersionId: null,
      rolloutPercent: 0,
      paused: false,
      revision: 1,
    });
    const list = await send(listForHost(req("analyst", `/api/v1/hosts/${host.id}/assignments`), onHost(host.id)));
    expect(list).toMatchObject({ status: 200, body: { items: [{ id: body.id }], nextCursor: null } });
  });

  it("answers 422 invalid_input with each reason when the version does not fit the host's policy", async () => {
    const admin = await s.as("admin");
    const host = await labHost(admin, { allowedPermissions: [], allowedDomains: [], minSdkVersion: "9.0.0" });
    const { app, v } = await lab();
    const { status, body } = await send(assign(req("admin", `/api/v1/hosts/${host.id}/assignments`, { method: "POST", body: { appId: app.appId, versionId: v("1.0.0") } }), onHost(host.id)));
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "invalid_input", message: expect.any(String) });
    expect(body.error!.details!.reasons!.map((r) => r.code)).toEqual(["permission_not_allowed", "domain_not_allowed", "min_sdk_too_low"]);
  });

  it("answers 409 when the host already runs the mini-program, 422 for a draft, 422 for a malformed body", async () => {
    const { app, host, v } = await assigned();
    const post = (body: unknown) => send(assign(req("admin", `/api/v1/hosts/${host.id}/assignments`, { method: "POST", body }), onHost(host.id)));
    expect((await post({ appId: app.appId, versionId: v("1.1.0") })).status).toBe(409);
    const other = await labHost(await s.as("admin"));
    const draft = await send(assign(req("admin", `/api/v1/hosts/${other.id}/assignments`, { method: "POST", body: { appId: app.appId, versionId: v("1.2.0") } }), onHost(other.id)));
    expect(draft.status).toBe(422);
    expect(draft.body.error!.details!.reasons).toEqual([expect.objectContaining({ code: "version_not_approved" })]);
    expect((await post({ appId: app.appId })).body.error).toMatchObject({ code: "invalid_input", details: { fields: { versionId: expect.any(Array) } } });
  });
});

describe("a rollout over the API", () => {
  it("PATCH, promote, rollback, DELETE, each answering the assignment as it now is", async () => {
    const { id, v } = await assigned();
    const p = await send(patch(req("admin", `/api/v1/assignments/${id}`, { method: "PATCH", body: { candidateVersionId: v("1.1.0"), rolloutPercent: 10 } }), onId(id)));
    expect(p).toMatchObject({ status: 200, body: { candidateVersionId: v("1.1.0"), rolloutPercent: 10, paused: false } });
    const raised = await send(patch(req("admin", `/api/v1/assignments/${id}`, { method: "PATCH", body: { rolloutPercent: 50, paused: true } }), onId(id)));
    expect(raised.body).toMatchObject({ rolloutPercent: 50, paused: true });
    const promoted = await send(promote(req("admin", `/api/v1/assignments/${id}/promote`, { method: "POST" }), onId(id)));
    expect(promoted).toMatchObject({ status: 200, body: { stableVersionId: v("1.1.0"), candidateVersionId: null, rolloutPercent: 0, paused: false } });
    const back = await send(rollback(req("admin", `/api/v1/assignments/${id}/rollback`, { method: "POST" }), onId(id)));
    expect(back).toMatchObject({ status: 200, body: { stableVersionId: v("1.0.0") } });
    expect((await send(rollback(req("admin", `/api/v1/assignments/${id}/rollback`, { method: "POST" }), onId(id)))).body.error?.code).toBe("conflict");
    expect((await send(promote(req("admin", `/api/v1/assignments/${id}/promote`, { method: "POST" }), onId(id)))).status).toBe(409);
    const timeline = await send(events(req("reviewer", `/api/v1/assignments/${id}/events`), onId(id)));
    expect((timeline.body.items as { action: string }[]).map((e) => e.action)).toEqual(["rollback", "promote", "pause", "rollout", "rollout", "candidate", "assign"]);
    const del = await send(remove(req("admin", `/api/v1/assignments/${id}`, { method: "DELETE" }), onId(id)));
    expect(del).toMatchObject({ status: 200, body: { id, deleted: true } });
    expect((await send(read(req("admin", `/api/v1/assignments/${id}`), onId(id)))).status).toBe(404);
  });

  it.each([[101], [-5], [12.5], ["50"]])("refuses rolloutPercent %j with 422", async (percent) => {
    const { id, v } = await assigned();
    await send(patch(req("admin", `/api/v1/assignments/${id}`, { method: "PATCH", body: { candidateVersionId: v("1.1.0") } }), onId(id)));
    const { status, body } = await send(patch(req("admin", `/api/v1/assignments/${id}`, { method: "PATCH", body: { rolloutPercent: percent } }), onId(id)));
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "invalid_input", details: { fields: { rolloutPercent: expect.any(Array) } } });
  });

  it("answers 409 to the loser of two racing PATCHes sent with the same revision", async () => {
    const { id, v } = await assigned();
    await send(patch(req("admin", `/api/v1/assignments/${id}`, { method: "PATCH", body: { candidateVersionId: v("1.1.0") } }), onId(id)));
    const results = await Promise.all(
      [10, 25].map((rolloutPercent) => send(patch(req("admin", `/api/v1/assignments/${id}`, { method: "PATCH", body: { rolloutPercent, revision: 2 } }), onId(id)))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error).toMatchObject({ code: "conflict", details: { revision: 3 } });
  });
});

describe("roles and tenancy", () => {
  it.each<[Who, number]>([
    ["owner", 201],
    ["admin", 201],
    ["reviewer", 403],
    ["developer", 403],
    ["analyst", 403],
  ])("%s assigning → %s", async (who, expected) => {
    const { app, host, v } = await lab();
    const { status, body } = await send(assign(req(who, `/api/v1/hosts/${host.id}/assignments`, { method: "POST", body: { appId: app.appId, versionId: v("1.0.0") } }), onHost(host.id)));
    expect(status).toBe(expected);
    if (expected === 403) expect(body.error?.code).toBe("forbidden");
  });

  it.each<[Who, number]>([
    ["reviewer", 403],
    ["developer", 403],
    ["analyst", 403],
  ])("%s changing a rollout → %s", async (who, expected) => {
    const { id, v } = await assigned();
    expect((await send(patch(req(who, `/api/v1/assignments/${id}`, { method: "PATCH", body: { candidateVersionId: v("1.1.0") } }), onId(id)))).status).toBe(expected);
    expect((await send(promote(req(who, `/api/v1/assignments/${id}/promote`, { method: "POST" }), onId(id)))).status).toBe(expected);
    expect((await send(rollback(req(who, `/api/v1/assignments/${id}/rollback`, { method: "POST" }), onId(id)))).status).toBe(expected);
    expect((await send(remove(req(who, `/api/v1/assignments/${id}`, { method: "DELETE" }), onId(id)))).status).toBe(expected);
  });

  it("another organization gets 404 not_found for everything, as if nothing existed", async () => {
    const { id, host, app, v } = await assigned();
    const notFound = { status: 404, body: { error: { code: "not_found" } } };
    expect(await send(read(req("other", `/api/v1/assignments/${id}`), onId(id)))).toMatchObject(notFound);
    expect(await send(listForHost(req("other", `/api/v1/hosts/${host.id}/assignments`), onHost(host.id)))).toMatchObject(notFound);
    expect(await send(patch(req("other", `/api/v1/assignments/${id}`, { method: "PATCH", body: { paused: true } }), onId(id)))).toMatchObject(notFound);
    expect(await send(promote(req("other", `/api/v1/assignments/${id}/promote`, { method: "POST" }), onId(id)))).toMatchObject(notFound);
    expect(await send(remove(req("other", `/api/v1/assignments/${id}`, { method: "DELETE" }), onId(id)))).toMatchObject(notFound);
    expect(await send(assign(req("other", `/api/v1/hosts/${host.id}/assignments`, { method: "POST", body: { appId: app.appId, versionId: v("1.0.0") } }), onHost(host.id)))).toMatchObject(notFound);
  });

  it("answers 401 without a token", async () => {
    const { id } = await assigned();
    const res = await read(apiRequest(null, `/api/v1/assignments/${id}`), onId(id));
    expect(res.status).toBe(401);
  });
});
