// Permission requests (CONTRACT §12) as an automation script sees them: who may ask and decide, every state
// (pending → approved | rejected, and 409 from a decided one), the policy widened in the approval's transaction,
// bad input (unknown permission, invalid domain, nothing to ask, an app the developer does not collaborate on) with
// nothing written, audit entries and webhook deliveries, tenancy, and two approvals racing (one 200, one 409).
import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, hostApps, permissionRequests, webhookDeliveries } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { assignVersion } from "@/lib/services/assignments";
import { addCollaborator } from "@/lib/services/mini-programs";
import { approvePermissionRequest } from "@/lib/services/permission-requests";
import { createWebhookEndpoint, createWebhookInput } from "@/lib/services/webhooks";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { toErrorBody } from "@/lib/errors";
import { answer, apiRequest, type RequestInit } from "@/test/api";
import { useSeededDb } from "@/test/seeded";
import { GET as list, POST as create } from "../hosts/[hostId]/requests/route";
import { POST as approve } from "./[id]/approve/route";
import { POST as reject } from "./[id]/reject/route";

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
const onHost = (hostId: string) => ({ params: Promise.resolve({ hostId }) });
const onId = (id: string) => ({ params: Promise.resolve({ id }) });

const ask = (who: Who, hostId: string, body: unknown) => answer(create(req(who, `/api/v1/hosts/${hostId}/requests`, { method: "POST", body }), onHost(hostId)));
const decide = (who: Who, id: string, how: "approve" | "reject", body: unknown = {}) =>
  answer((how === "approve" ? approve : reject)(req(who, `/api/v1/requests/${id}/${how}`, { method: "POST", body }), onId(id)));
const listOf = (who: Who, hostId: string, query = "") => answer(list(req(who, `/api/v1/hosts/${hostId}/requests${query}`), onHost(hostId)));

/** A mini-program needing camera and a domain, the developer among its collaborators, and a host allowing neither. */
async function lab() {
  const admin = await s.as("admin");
  const app = await labMiniProgram(admin, [{ version: "1.0.0", permissions: ["location", "camera"], domains: ["https://api.demo.test", "https://pay.demo.test"] }]);
  await addCollaborator(admin, app.appId, { email: "developer@demo.test" });
  const host = await labHost(admin, { allowedPermissions: ["location"], allowedDomains: ["https://api.demo.test"] });
  return { admin, app, host, versionId: app.versions["1.0.0"]!.id };
}

const want = (appId: string) => ({ appId, permissions: ["camera"], domains: ["https://pay.demo.test"], reason: "Scanning receipts" });

async function rowsOf(hostId: string) {
  const [{ n }] = (await s.db.select({ n: count() }).from(permissionRequests).where(and(eq(permissionRequests.orgId, s.seed.orgs.demo!), eq(permissionRequests.hostId, hostId)))) as [{ n: number }];
  return Number(n);
}
async function policyOf(hostId: string) {
  const [h] = await s.db.select({ policy: hostApps.policy }).from(hostApps).where(and(eq(hostApps.orgId, s.seed.orgs.demo!), eq(hostApps.id, hostId)));
  return h!.policy;
}
async function auditOf(objectId: string) {
  const rows = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.objectId, objectId)));
  return rows.map((r) => r.action).sort();
}

let endpointId = "";
beforeAll(async () => {
  const admin = await s.as("admin");
  const { endpoint } = await createWebhookEndpoint(
    admin,
    createWebhookInput.parse({ url: "https://hooks.demo.example/requests", events: ["permission_request.created", "permission_request.approved", "permission_request.rejected"] }),
  );
  endpointId = endpoint.id;
});
async function deliveredEvents() {
  const rows = await s.db.select({ event: webhookDeliveries.event, payload: webhookDeliveries.payload }).from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, s.seed.orgs.demo!), eq(webhookDeliveries.endpointId, endpointId)));
  return rows;
}

describe("POST /api/v1/hosts/{hostId}/requests", () => {
  it.each(["developer", "admin", "owner"] as const)("%s may ask: 201 pending, with only what the policy lacks; audited and sent to webhooks", async (who) => {
    const { app, host } = await lab();
    const before = (await deliveredEvents()).length;
    const res = await ask(who, host.id, { ...want(app.appId), permissions: ["camera", "location"], domains: ["https://pay.demo.test", "https://API.demo.test/"] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ hostId: host.id, appId: app.appId, status: "pending", permissions: ["camera"], domains: ["https://pay.demo.test"], reason: "Scanning receipts" });
    expect(res.body.requestedBy).toBe(`${who}@demo.test (API token)`);
    expect(await auditOf(res.body.id as string)).toEqual(["permission_request.create"]);
    const events = await deliveredEvents();
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)).toMatchObject({ event: "permission_request.created", payload: { type: "permission_request.created", data: { request: { id: res.body.id } } } });
  });

  it.each(["reviewer", "analyst"] as const)("%s may not ask: 403, nothing written", async (who) => {
    const { app, host } = await lab();
    const res = await ask(who, host.id, want(app.appId));
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe("forbidden");
    expect(await rowsOf(host.id)).toBe(0);
  });

  it("a developer asking for a mini-program they do not collaborate on gets 404, nothing written", async () => {
    const admin = await s.as("admin");
    const foreignApp = await labMiniProgram(admin, [{ version: "1.0.0" }]);
    const host = await labHost(admin, { allowedPermissions: [] });
    const res = await ask("developer", host.id, { appId: foreignApp.appId, permissions: ["location"] });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("not_found");
    expect(await rowsOf(host.id)).toBe(0);
  });

  it.each([
    ["an unknown permission", { permissions: ["telepathy"] }, "permissions.0"],
    ["an invalid domain", { domains: ["http://plain.demo.test"] }, "domains.0"],
    ["a domain that is no host name", { domains: ["https://exa mple"] }, "domains.0"],
    ["permissions as a string", { permissions: "camera" }, "permissions"],
    ["a reason over 1,000 characters", { reason: "x".repeat(1001) }, "reason"],
  ])("%s: 422 naming the field, nothing written", async (_label, patch, field) => {
    const { app, host } = await lab();
    const res = await ask("developer", host.id, { ...want(app.appId), ...patch });
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe("invalid_input");
    expect(Object.keys(res.body.error?.details?.fields ?? {})).toContain(field);
    expect(await rowsOf(host.id)).toBe(0);
  });

  it.each([
    ["nothing asked", { permissions: [], domains: [] }],
    ["only what is allowed already", { permissions: ["location"], domains: ["https://api.demo.test"] }],
  ])("%s: 422 nothing_to_request, nothing written", async (_label, patch) => {
    const { app, host } = await lab();
    const res = await ask("developer", host.id, { ...want(app.appId), ...patch });
    expect(res.status).toBe(422);
    expect(res.body.error?.details?.reason).toBe("nothing_to_request");
    expect(await rowsOf(host.id)).toBe(0);
  });

  it("a domain asked of a host allowing any domain is nothing to ask", async () => {
    const admin = await s.as("admin");
    const app = await labMiniProgram(admin, [{ version: "1.0.0" }]);
    const host = await labHost(admin, { allowedPermissions: [] });
    const res = await ask("admin", host.id, { appId: app.appId, domains: ["https://anything.demo.test"] });
    expect(res.status).toBe(422);
    expect(res.body.error?.details?.reason).toBe("nothing_to_request");
  });

  it("an unknown host, another organization's host, an unknown app: 404, nothing written", async () => {
    const { app, host } = await lab();
    expect((await ask("admin", "hst_00000000000000000000000000", want(app.appId))).status).toBe(404);
    expect((await ask("other", host.id, want(app.appId))).status).toBe(404);
    expect((await ask("admin", host.id, { ...want(app.appId), appId: "com.nobody.here" })).status).toBe(404);
    expect(await rowsOf(host.id)).toBe(0);
  });
});

describe("GET /api/v1/hosts/{hostId}/requests", () => {
  it("lists newest first for whoever reads the host, filters by status, and hides other organizations'", async () => {
    const { app, host } = await lab();
    const first = (await ask("developer", host.id, want(app.appId))).body.id as string;
    const second = (await ask("admin", host.id, { appId: app.appId, permissions: ["nfc"] })).body.id as string;
    expect((await decide("admin", first, "reject", { comment: "Not now" })).status).toBe(200);
    for (const who of ["owner", "admin", "reviewer", "analyst", "developer"] as const) {
      const res = await listOf(who, host.id);
      expect(res.status, who).toBe(200);
      expect((res.body.items as { id: string }[]).map((r) => r.id), who).toEqual([second, first]);
    }
    const pending = await listOf("admin", host.id, "?status=pending");
    expect((pending.body.items as { id: string }[]).map((r) => r.id)).toEqual([second]);
    const rejected = await listOf("admin", host.id, "?status=rejected");
    expect(rejected.body.items).toMatchObject([{ id: first, status: "rejected", comment: "Not now", decidedBy: "admin@demo.test (API token)" }]);
    expect((await listOf("admin", host.id, "?status=maybe")).status).toBe(422);
    expect((await listOf("other", host.id)).status).toBe(404);
    const paged = await listOf("admin", host.id, "?limit=1");
    expect(paged.body.nextCursor).toEqual(expect.any(String));
  });

  it("a developer sees only the requests of mini-programs they collaborate on", async () => {
    const { admin, host } = await lab();
    const hidden = await labMiniProgram(admin, [{ version: "1.0.0" }]);
    await ask("admin", host.id, { appId: hidden.appId, permissions: ["nfc"] });
    expect((await listOf("admin", host.id)).body.items).toHaveLength(1);
    expect((await listOf("developer", host.id)).body.items).toHaveLength(0);
  });
});

describe("POST /api/v1/requests/{id}/approve and /reject", () => {
  it("approving widens the host's policy in the same transaction, audits both, sends the event; then the version can be assigned", async () => {
    const { admin, app, host, versionId } = await lab();
    await expect(assignVersion(admin, host.id, { appId: app.appId, versionId })).rejects.toMatchObject({ code: "invalid_input" });
    const id = (await ask("developer", host.id, want(app.appId))).body.id as string;
    const res = await decide("admin", id, "approve", { comment: "Go ahead" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: "approved", comment: "Go ahead", decidedBy: "admin@demo.test (API token)", decidedAt: expect.any(String) });
    const policy = await policyOf(host.id);
    expect(policy.allowedPermissions).toEqual(["location", "camera"]);
    expect(policy.allowedDomains).toEqual(["https://api.demo.test", "https://pay.demo.test"]);
    expect(await auditOf(id)).toEqual(["permission_request.approve", "permission_request.create"]);
    const [policyEntry] = await s.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.objectId, host.id), eq(auditLog.action, "host.policy_update")));
    expect(policyEntry?.changes).toMatchObject({ permissionRequestId: id, allowedPermissions: { from: ["location"], to: ["location", "camera"] } });
    expect((await deliveredEvents()).at(-1)).toMatchObject({ event: "permission_request.approved" });
    const assigned = await assignVersion(admin, host.id, { appId: app.appId, versionId });
    expect(assigned.stableVersionId).toBe(versionId);
  });

  it("rejecting keeps the policy, records the comment, audits and sends the event", async () => {
    const { app, host } = await lab();
    const before = await policyOf(host.id);
    const id = (await ask("developer", host.id, want(app.appId))).body.id as string;
    const res = await decide("owner", id, "reject", { comment: "Camera is not for this host" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "rejected", comment: "Camera is not for this host" });
    expect(await policyOf(host.id)).toEqual(before);
    expect(await auditOf(id)).toEqual(["permission_request.create", "permission_request.reject"]);
    expect((await deliveredEvents()).at(-1)).toMatchObject({ event: "permission_request.rejected" });
  });

  it.each([
    ["approved", "approve"],
    ["approved", "reject"],
    ["rejected", "approve"],
    ["rejected", "reject"],
  ] as const)("a request already %s answers 409 to %s and changes nothing", async (state, then) => {
    const { app, host } = await lab();
    const id = (await ask("developer", host.id, want(app.appId))).body.id as string;
    await decide("admin", id, state === "approved" ? "approve" : "reject", { comment: "first" });
    const policy = await policyOf(host.id);
    const res = await decide("owner", id, then, { comment: "second" });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe("conflict");
    expect(await policyOf(host.id)).toEqual(policy);
    const [row] = await s.db.select().from(permissionRequests).where(and(eq(permissionRequests.orgId, s.seed.orgs.demo!), eq(permissionRequests.id, id)));
    expect(row).toMatchObject({ status: state, comment: "first" });
  });

  it.each(["developer", "reviewer", "analyst"] as const)("%s may not decide: 403, still pending", async (who) => {
    const { app, host } = await lab();
    const id = (await ask("admin", host.id, want(app.appId))).body.id as string;
    expect((await decide(who, id, "approve")).status).toBe(403);
    expect((await decide(who, id, "reject", { comment: "x" })).status).toBe(403);
    const [row] = await s.db.select({ status: permissionRequests.status }).from(permissionRequests).where(eq(permissionRequests.id, id));
    expect(row!.status).toBe("pending");
  });

  it("another organization's request or a malformed id: 404; a bad comment: 422; nothing changes", async () => {
    const { app, host } = await lab();
    const id = (await ask("admin", host.id, want(app.appId))).body.id as string;
    expect((await decide("other", id, "approve")).status).toBe(404);
    expect((await decide("admin", "prq_nope", "approve")).status).toBe(404);
    expect((await decide("admin", id, "reject", { comment: 42 })).status).toBe(422);
    const [row] = await s.db.select({ status: permissionRequests.status }).from(permissionRequests).where(eq(permissionRequests.id, id));
    expect(row!.status).toBe("pending");
  });

  it("two approvals at once: one 200, one 409, the policy widened once and one approval audited", async () => {
    const { app, host } = await lab();
    const id = (await ask("developer", host.id, want(app.appId))).body.id as string;
    const [a, b] = await Promise.all([s.as("admin"), s.as("owner")]);
    const outcomes = await Promise.all(
      [a, b].map((ctx) =>
        approvePermissionRequest(ctx, id).then(
          () => "200",
          (e: unknown) => String(toErrorBody(e).status),
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(["200", "409"]);
    expect((await policyOf(host.id)).allowedPermissions).toEqual(["location", "camera"]);
    expect(await auditOf(id)).toEqual(["permission_request.approve", "permission_request.create"]);
  });

  it("approve and reject racing: exactly one wins", async () => {
    const { app, host } = await lab();
    const id = (await ask("developer", host.id, want(app.appId))).body.id as string;
    const [x, y] = await Promise.all([decide("admin", id, "approve"), decide("owner", id, "reject", { comment: "no" })]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const [row] = await s.db.select({ status: permissionRequests.status }).from(permissionRequests).where(eq(permissionRequests.id, id));
    const allowed = (await policyOf(host.id)).allowedPermissions.includes("camera");
    expect(allowed).toBe(row!.status === "approved");
  });
});
