// Assignments as a specification: the policy check with every reason, per-host pinning, each rollout action from
// each state, racing changes, the timeline and audit, roles, and tenancy.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, webhookDeliveries, webhookEndpoints, WEBHOOK_EVENTS, type Role } from "@/db/schema";
import { newId } from "@/lib/ids";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { useSeededDb } from "@/test/seeded";
import {
  assignableForHost,
  assignVersion,
  getAssignment,
  listAssignmentEvents,
  listHostAssignmentEvents,
  listHostAssignments,
  listMiniProgramAssignments,
  promoteAssignment,
  rollbackAssignment,
  unassign,
  updateAssignment,
  updateAssignmentInput,
} from "./assignments";
import { listHosts } from "./hosts";
import { revokeInput, revokeVersion } from "./reviews";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const reasonsOf = (e: AppError) => (e.details as { reasons: { code: string }[] }).reasons;

/** A lab mini-program with 1.0.0 → 1.2.0 approved, 1.3.0 in review, and a fresh permissive host. */
async function lab() {
  const admin = await s.as("admin");
  const app = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0" }, { version: "1.2.0" }, { version: "1.3.0", status: "in_review" }]);
  const host = await labHost(admin);
  const v = (x: string) => app.versions[x]!.id;
  return { admin, app, host, v };
}

describe("the policy check on assign", () => {
  it("refuses a version that does not fit with every reason, each with its code", async () => {
    const admin = await s.as("admin");
    const host = await labHost(admin, { allowedPermissions: ["payment"], allowedDomains: ["https://pay.demo.test"], minSdkVersion: "3.0.0" });
    const app = await labMiniProgram(admin, [{ version: "1.0.0", permissions: ["location", "camera"], domains: ["https://api.demo.test", "https://cdn.demo.test"], minSdkVersion: "2.0.0" }]);
    const e = await failure(assignVersion(admin, host.id, { appId: app.appId, versionId: app.versions["1.0.0"]!.id }));
    expect(e.code).toBe("invalid_input");
    expect(e.status).toBe(422);
    expect(reasonsOf(e)).toEqual([
      expect.objectContaining({ code: "permission_not_allowed", permission: "location", message: expect.any(String) }),
      expect.objectContaining({ code: "permission_not_allowed", permission: "camera" }),
      expect.objectContaining({ code: "domain_not_allowed", domain: "https://api.demo.test" }),
      expect.objectContaining({ code: "domain_not_allowed", domain: "https://cdn.demo.test" }),
      expect.objectContaining({ code: "min_sdk_too_low", required: "3.0.0", declared: "2.0.0" }),
    ]);
    expect(await listHostAssignments(admin, host.id)).toEqual({ items: [], nextCursor: null });
  });

  it.each<[string, Parameters<typeof labHost>[1], string[]]>([
    ["permissions only", { allowedPermissions: ["camera"] }, ["permission_not_allowed"]],
    ["domains only", { allowedDomains: ["https://other.demo.test"] }, ["domain_not_allowed"]],
    ["minimum SDK only", { minSdkVersion: "2.1.0" }, ["min_sdk_too_low"]],
    ["any domain (null) and an equal minimum", { allowedDomains: null, minSdkVersion: "2.0.0" }, []],
  ])("%s → %j", async (_label, policy, codes) => {
    const admin = await s.as("admin");
    const host = await labHost(admin, policy);
    const app = await labMiniProgram(admin, [{ version: "1.0.0" }]);
    const call = assignVersion(admin, host.id, { appId: app.appId, versionId: app.versions["1.0.0"]!.id });
    if (codes.length === 0) await expect(call).resolves.toMatchObject({ stable: { delivery: "delivered" } });
    else expect(reasonsOf(await failure(call)).map((r) => r.code)).toEqual(codes);
  });

  it("treats a version without minSdkVersion as below a host's minimum", async () => {
    const admin = await s.as("admin");
    const hosts = await listHosts(admin, { limit: 50 });
    const wallet = hosts.items.find((h) => h.name === "Demo Wallet")!;
    const options = await assignableForHost(admin, wallet.id);
    const expenses = options.find((m) => m.appId === "com.demo.expenses")!;
    expect(expenses.versions[0]!.reasons).toContainEqual(expect.objectContaining({ code: "min_sdk_too_low", declared: null, required: "3.0.0" }));
  });

  it("refuses the seeded Coupons on the strict wallet host with its three reasons", async () => {
    const admin = await s.as("admin");
    const wallet = (await listHosts(admin, { limit: 50 })).items.find((h) => h.name === "Demo Wallet")!;
    const coupons = (await assignableForHost(admin, wallet.id)).find((m) => m.appId === "com.demo.coupons")!;
    const e = await failure(assignVersion(admin, wallet.id, { appId: "com.demo.coupons", versionId: coupons.versions[0]!.id }));
    expect(reasonsOf(e).map((r) => r.code)).toEqual(["permission_not_allowed", "domain_not_allowed", "min_sdk_too_low"]);
  });

  it.each(["draft", "in_review", "rejected", "revoked"] as const)("refuses a %s version", async (status) => {
    const admin = await s.as("admin");
    const host = await labHost(admin);
    const app = await labMiniProgram(admin, [{ version: "1.0.0", status }]);
    const e = await failure(assignVersion(admin, host.id, { appId: app.appId, versionId: app.versions["1.0.0"]!.id }));
    expect(e.code).toBe("invalid_input");
    expect(reasonsOf(e)).toEqual([expect.objectContaining({ code: "version_not_approved", status })]);
  });

  it("refuses a version of another mini-program", async () => {
    const { admin, host, app } = await lab();
    const other = await labMiniProgram(admin, [{ version: "1.0.0" }]);
    const e = await failure(assignVersion(admin, host.id, { appId: app.appId, versionId: other.versions["1.0.0"]!.id }));
    expect(reasonsOf(e)).toEqual([expect.objectContaining({ code: "version_mismatch" })]);
  });
});

describe("assign", () => {
  it("pins each host to its own version, one assignment per host and mini-program", async () => {
    const { admin, app, host, v } = await lab();
    const second = await labHost(admin);
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    const b = await assignVersion(admin, second.id, { appId: app.appId, versionId: v("1.2.0") });
    expect(a).toMatchObject({ hostId: host.id, appId: app.appId, stableVersionId: v("1.0.0"), candidateVersionId: null, rolloutPercent: 0, paused: false, revision: 1 });
    expect(b).toMatchObject({ hostId: second.id, stableVersionId: v("1.2.0") });
    const e = await failure(assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.1.0") }));
    expect(e.code).toBe("conflict");
    expect((await listMiniProgramAssignments(admin, app.appId)).map((x) => [x.hostId, x.stable?.version])).toEqual(
      expect.arrayContaining([
        [host.id, "1.0.0"],
        [second.id, "1.2.0"],
      ]),
    );
  });

  it("lets only one of two racing assigns through", async () => {
    const { admin, app, host, v } = await lab();
    const results = await Promise.all([
      codeOf(assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") })),
      codeOf(assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.1.0") })),
    ]);
    expect(results.sort()).toEqual(["conflict", "ok"]);
  });

  it("answers not_found for a missing host, mini-program or version", async () => {
    const { admin, app, host, v } = await lab();
    expect(await codeOf(assignVersion(admin, "hst_00000000000000000000000000", { appId: app.appId, versionId: v("1.0.0") }))).toBe("not_found");
    expect(await codeOf(assignVersion(admin, host.id, { appId: "com.nobody.here", versionId: v("1.0.0") }))).toBe("not_found");
    expect(await codeOf(assignVersion(admin, host.id, { appId: app.appId, versionId: "ver_00000000000000000000000000" }))).toBe("not_found");
  });
});

describe("rollout", () => {
  it("sets a candidate (starting at 0 %), raises it, pauses and resumes", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    const c = await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0") });
    expect(c).toMatchObject({ candidateVersionId: v("1.1.0"), rolloutPercent: 0, revision: 2, candidate: { version: "1.1.0", delivery: "delivered" } });
    const r = await updateAssignment(admin, a.id, { rolloutPercent: 10 });
    expect(r.rolloutPercent).toBe(10);
    const up = await updateAssignment(admin, a.id, { rolloutPercent: 50 });
    expect(up.rolloutPercent).toBe(50);
    expect((await updateAssignment(admin, a.id, { paused: true })).paused).toBe(true);
    expect((await updateAssignment(admin, a.id, { paused: false })).paused).toBe(false);
  });

  it("changes nothing, and logs nothing, for values it already has", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    const same = await updateAssignment(admin, a.id, { paused: false, rolloutPercent: 0, candidateVersionId: null });
    expect(same.revision).toBe(a.revision);
    expect((await listAssignmentEvents(admin, a.id)).items.map((e) => e.action)).toEqual(["assign"]);
  });

  it.each([
    ["the stable version itself", "1.0.0", "1.0.0", "version_not_newer"],
    ["an older version", "1.1.0", "1.0.0", "version_not_newer"],
    ["a version in review", "1.0.0", "1.3.0", "version_not_approved"],
  ])("refuses %s as candidate", async (_label, stable, candidate, code) => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v(stable) });
    const e = await failure(updateAssignment(admin, a.id, { candidateVersionId: v(candidate) }));
    expect(e.code).toBe("invalid_input");
    expect(reasonsOf(e).map((r) => r.code)).toContain(code);
  });

  it("checks the candidate against the host's policy too", async () => {
    const admin = await s.as("admin");
    const host = await labHost(admin, { allowedPermissions: ["location"] });
    const app = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0", permissions: ["location", "nfc"] }]);
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: app.versions["1.0.0"]!.id });
    const e = await failure(updateAssignment(admin, a.id, { candidateVersionId: app.versions["1.1.0"]!.id }));
    expect(reasonsOf(e)).toEqual([expect.objectContaining({ code: "permission_not_allowed", permission: "nfc" })]);
  });

  it("refuses a percentage without a candidate (409) and outside 0–100 or fractional (422)", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    expect(await codeOf(updateAssignment(admin, a.id, { rolloutPercent: 10 }))).toBe("conflict");
    for (const bad of [-1, 101, 12.5]) expect(updateAssignmentInput.safeParse({ rolloutPercent: bad }).success).toBe(false);
    expect(updateAssignmentInput.safeParse({}).success).toBe(false);
  });
});

describe("promote, roll back, unassign", () => {
  async function rolling() {
    const l = await lab();
    const a = await assignVersion(l.admin, l.host.id, { appId: l.app.appId, versionId: l.v("1.0.0") });
    await updateAssignment(l.admin, a.id, { candidateVersionId: l.v("1.1.0"), rolloutPercent: 30, paused: true });
    return { ...l, a };
  }

  it("promote: the candidate becomes stable, the old stable is remembered, the rollout resets", async () => {
    const { admin, a, v } = await rolling();
    const p = await promoteAssignment(admin, a.id);
    expect(p).toMatchObject({ stableVersionId: v("1.1.0"), previousStableVersionId: v("1.0.0"), candidateVersionId: null, rolloutPercent: 0, paused: false });
    expect(await codeOf(promoteAssignment(admin, a.id))).toBe("conflict");
  });

  it("rollback with a candidate drops it; without one, the previous stable returns; then there is nothing left", async () => {
    const { admin, a, v } = await rolling();
    const dropped = await rollbackAssignment(admin, a.id);
    expect(dropped).toMatchObject({ stableVersionId: v("1.0.0"), candidateVersionId: null, rolloutPercent: 0, paused: false });
    // Nothing was promoted yet: no previous stable.
    expect(await codeOf(rollbackAssignment(admin, a.id))).toBe("conflict");

    await updateAssignment(admin, a.id, { candidateVersionId: v("1.2.0"), rolloutPercent: 100 });
    await promoteAssignment(admin, a.id);
    const back = await rollbackAssignment(admin, a.id);
    expect(back).toMatchObject({ stableVersionId: v("1.0.0"), previousStableVersionId: null, candidateVersionId: null });
    const e = await failure(rollbackAssignment(admin, a.id));
    expect(e.code).toBe("conflict");
    expect(e.message).toMatch(/nothing to roll back to/);
  });

  it("will not roll back to a previous stable version that was revoked", async () => {
    const { admin, a, v } = await rolling();
    await promoteAssignment(admin, a.id);
    await revokeVersion(await s.as("reviewer"), v("1.0.0"), revokeInput.parse({ reason: "drill" }));
    const e = await failure(rollbackAssignment(admin, a.id));
    expect(e.code).toBe("conflict");
    expect(e.details).toEqual({ status: "revoked" });
  });

  it("shows a revoked stable version as not delivered", async () => {
    const { admin, a, v } = await rolling();
    await revokeVersion(await s.as("reviewer"), v("1.0.0"), revokeInput.parse({ reason: "drill" }));
    expect(await getAssignment(admin, a.id)).toMatchObject({ stable: { status: "revoked", delivery: "revoked" }, candidate: { delivery: "delivered" } });
  });

  it("unassign removes it; its timeline stays on the host", async () => {
    const { admin, a, host } = await rolling();
    const gone = await unassign(admin, a.id, { revision: 2 });
    expect(gone).toMatchObject({ id: a.id, deleted: true });
    expect(await codeOf(getAssignment(admin, a.id))).toBe("not_found");
    expect(await codeOf(unassign(admin, a.id))).toBe("not_found");
    const timeline = await listHostAssignmentEvents(admin, host.id);
    expect(timeline.filter((e) => e.assignmentId === a.id).map((e) => e.action)).toEqual(["unassign", "pause", "rollout", "candidate", "assign"]);
  });
});

describe("races and revisions", () => {
  it("two PATCHes from the same revision: one succeeds, the other is a 409 and changes nothing", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0") });
    const results = await Promise.all([
      codeOf(updateAssignment(admin, a.id, { rolloutPercent: 10, revision: 2 })),
      codeOf(updateAssignment(admin, a.id, { rolloutPercent: 50, revision: 2 })),
    ]);
    expect(results.sort()).toEqual(["conflict", "ok"]);
    const now = await getAssignment(admin, a.id);
    expect(now.revision).toBe(3);
    expect([10, 50]).toContain(now.rolloutPercent);
    expect((await listAssignmentEvents(admin, a.id)).items.filter((e) => e.action === "rollout")).toHaveLength(1);
  });

  it("two racing promotes, or two racing rollbacks: one of each pair is a 409", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0"), rolloutPercent: 20 });
    expect((await Promise.all([codeOf(promoteAssignment(admin, a.id)), codeOf(promoteAssignment(admin, a.id))])).sort()).toEqual(["conflict", "ok"]);
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.2.0") });
    const r = await getAssignment(admin, a.id);
    // With the revision they saw, the second rollback cannot go on to undo the promotion too.
    const both = await Promise.all([codeOf(rollbackAssignment(admin, a.id, { revision: r.revision })), codeOf(rollbackAssignment(admin, a.id, { revision: r.revision }))]);
    expect(both.sort()).toEqual(["conflict", "ok"]);
    expect(await getAssignment(admin, a.id)).toMatchObject({ stableVersionId: v("1.1.0"), candidateVersionId: null });
  });

  it("a stale revision is refused even without a race", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    await updateAssignment(admin, a.id, { paused: true });
    const e = await failure(updateAssignment(admin, a.id, { paused: false, revision: 1 }));
    expect(e.code).toBe("conflict");
    expect(e.details).toEqual({ revision: 2 });
  });
});

describe("timeline, audit and webhooks", () => {
  it("records every change with who and when, and audits each", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0"), rolloutPercent: 10 });
    await updateAssignment(admin, a.id, { rolloutPercent: 50 });
    await updateAssignment(admin, a.id, { paused: true });
    await promoteAssignment(admin, a.id);
    await rollbackAssignment(admin, a.id);
    const events = (await listAssignmentEvents(admin, a.id)).items;
    expect(events.map((e) => e.action)).toEqual(["rollback", "promote", "pause", "rollout", "rollout", "candidate", "assign"]);
    expect(events.every((e) => e.actor === admin.actor.email && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(events[3]).toMatchObject({ from: { rolloutPercent: 10 }, to: { rolloutPercent: 50 } });
    expect(events[0]).toMatchObject({ from: { stable: { version: "1.1.0" } }, to: { stable: { version: "1.0.0" } } });
    const audit = await s.db
      .select({ action: auditLog.action, actorLabel: auditLog.actorLabel })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, admin.org.id), eq(auditLog.objectType, "assignment"), eq(auditLog.objectId, a.id)));
    expect(audit.map((x) => x.action).sort()).toEqual(
      ["assignment.assign", "assignment.candidate", "assignment.rollout", "assignment.rollout", "assignment.pause", "assignment.promote", "assignment.rollback"].sort(),
    );
    expect(audit.every((x) => x.actorLabel === admin.actor.email)).toBe(true);
  });

  it.runIf((WEBHOOK_EVENTS as readonly string[]).includes("assignment.changed"))("enqueues one assignment.changed per change for a subscribed endpoint", async () => {
    const { admin, app, host, v } = await lab();
    const endpointId = newId("whk");
    await s.db.insert(webhookEndpoints).values({ orgId: admin.org.id, id: endpointId, url: "https://hooks.example.com/atrium", events: ["assignment.changed"], secretEnc: "unused", createdBy: admin.actor.userId });
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0"), rolloutPercent: 5 });
    const rows = await s.db
      .select({ payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.orgId, admin.org.id), eq(webhookDeliveries.endpointId, endpointId)));
    expect(rows.map((r) => (r.payload.data as { actions: string[] }).actions)).toEqual(expect.arrayContaining([["assign"], ["candidate", "rollout"]]));
    await s.db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.orgId, admin.org.id), eq(webhookEndpoints.id, endpointId)));
  });
});

describe("roles and tenancy", () => {
  const WRITE: [Role, string][] = [
    ["owner", "ok"],
    ["admin", "ok"],
    ["reviewer", "forbidden"],
    ["developer", "forbidden"],
    ["analyst", "forbidden"],
  ];

  it.each(WRITE)("%s assigning → %s", async (role, expected) => {
    const { app, host, v } = await lab();
    expect(await codeOf(assignVersion(await s.as(role), host.id, { appId: app.appId, versionId: v("1.0.0") }))).toBe(expected);
  });

  it.each(WRITE)("%s changing, promoting, rolling back, unassigning → %s", async (role, expected) => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    const ctx = await s.as(role);
    expect(await codeOf(updateAssignment(ctx, a.id, { candidateVersionId: v("1.1.0") }))).toBe(expected);
    if (expected !== "ok") await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0") });
    expect(await codeOf(promoteAssignment(ctx, a.id))).toBe(expected);
    if (expected !== "ok") await promoteAssignment(admin, a.id);
    expect(await codeOf(rollbackAssignment(ctx, a.id))).toBe(expected);
    expect(await codeOf(unassign(ctx, a.id))).toBe(expected);
  });

  it("every role reads; a developer sees only the mini-programs they collaborate on", async () => {
    const admin = await s.as("admin");
    const superApp = (await listHosts(admin, { limit: 50 })).items.find((h) => h.name === "Demo SuperApp")!;
    for (const role of ["owner", "admin", "reviewer", "analyst"] as const) {
      const items = (await listHostAssignments(await s.as(role), superApp.id)).items;
      expect(items.map((a) => a.appId).sort()).toEqual(["com.demo.coupons", "com.demo.expenses", "com.demo.parking"]);
    }
    // The seeded developer created Coupons, Parking and Expenses, so they see all three; a lab app they do not see.
    const { app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    const dev = await s.as("developer");
    expect((await listHostAssignments(dev, host.id)).items).toEqual([]);
    expect(await codeOf(getAssignment(dev, a.id))).toBe("not_found");
    expect(await codeOf(getAssignment(await s.as("analyst"), a.id))).toBe("ok");
  });

  it("another organization's assignment, host and versions answer not_found, exactly like missing ones", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    const other = await s.otherAdmin();
    expect(await codeOf(getAssignment(other, a.id))).toBe("not_found");
    expect(await codeOf(listHostAssignments(other, host.id))).toBe("not_found");
    expect(await codeOf(updateAssignment(other, a.id, { paused: true }))).toBe("not_found");
    expect(await codeOf(promoteAssignment(other, a.id))).toBe("not_found");
    expect(await codeOf(rollbackAssignment(other, a.id))).toBe("not_found");
    expect(await codeOf(unassign(other, a.id))).toBe("not_found");
    const otherHost = await labHost(other);
    expect(await codeOf(assignVersion(other, otherHost.id, { appId: app.appId, versionId: v("1.0.0") }))).toBe("not_found");
  });
});

describe("the seeded demo", () => {
  let superAppId: string;
  beforeAll(async () => {
    superAppId = (await listHosts(await s.as("admin"), { limit: 50 })).items.find((h) => h.name === "Demo SuperApp")!.id;
  });

  it("has Coupons on two hosts, one with a rollout in progress, with its timeline", async () => {
    const admin = await s.as("admin");
    const coupons = await listMiniProgramAssignments(admin, "com.demo.coupons");
    expect(coupons.map((a) => [a.hostName, a.stable?.version, a.candidate?.version ?? null, a.rolloutPercent]).sort()).toEqual([
      ["Demo SuperApp", "1.0.0", "1.1.1", 20],
      ["Demo Workplace", "1.1.1", null, 0],
    ]);
    const rolling = coupons.find((a) => a.hostId === superAppId)!;
    expect((await listAssignmentEvents(admin, rolling.id)).items.map((e) => e.action)).toEqual(["rollout", "rollout", "candidate", "assign"]);
  });
});
