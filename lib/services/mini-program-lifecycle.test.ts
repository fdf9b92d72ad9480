// Issue 20 item 3: a mini-program's lifecycle. Archiving takes it off every manifest at once and makes it read-only,
// restoring brings its assignments back as they were, deleting is for one that never had an approved version; each
// from the wrong state is 409 and changes nothing, and racing requests get one winner.
import { and, count, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as keysGET } from "@/app/api/sdk/v1/keys/route";
import { GET as manifestGET } from "@/app/api/sdk/v1/manifest/route";
import { GET as packageGET } from "@/app/api/sdk/v1/packages/[sha256]/route";
import { POST as archivePOST } from "@/app/api/v1/mini-programs/[appId]/archive/route";
import {
  assignments,
  auditLog,
  collaborators,
  miniProgramMedia,
  miniPrograms,
  reviews,
  versions,
  webhookDeliveries,
  webhookEndpoints,
} from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import { solidPng } from "@/lib/listing/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { setManifestCacheForTests } from "@/lib/sdk-server/snapshot";
import { createSdkVerifier, setSdkVerifierForTests } from "@/lib/sdk-server/verify";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { AtriumSdkClient } from "@/sdk-client";
import { useSeededDb } from "@/test/seeded";
import { assignableForHost, assignVersion, getAssignment } from "./assignments";
import { addListingImage } from "./listing";
import {
  addCollaborator,
  archiveMiniProgram,
  createMiniProgram,
  createMiniProgramInput,
  deleteMiniProgram,
  getMiniProgram,
  listMiniPrograms,
  restoreMiniProgram,
  updateMiniProgram,
} from "./mini-programs";
import { rejectVersion, revokeVersion } from "./reviews";
import { createWebhookEndpoint, createWebhookInput } from "./webhooks";
import { submitVersion, updateVersionNotes, uploadVersion, withdrawVersion } from "./versions";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

const BASE = "http://atrium.test";
beforeAll(() => setSdkVerifierForTests(createSdkVerifier({ ratePerSecond: 0 })));
afterAll(() => setSdkVerifierForTests(undefined));
beforeEach(() => setManifestCacheForTests(undefined));

async function callSdk(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const req = new NextRequest(input instanceof Request ? input : new Request(input, init));
  const pkg = /^\/api\/sdk\/v1\/packages\/([^/]+)$/.exec(req.nextUrl.pathname);
  if (pkg) return packageGET(req, { params: Promise.resolve({ sha256: pkg[1]! }) });
  if (req.nextUrl.pathname === "/api/sdk/v1/keys") return keysGET(req, { params: Promise.resolve({}) });
  return manifestGET(req, { params: Promise.resolve({}) });
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

let n = 0;
async function draftOnly() {
  const admin = await s.as("admin");
  const appId = `com.lifecycle.d${++n}x${Date.now().toString(36)}`;
  await createMiniProgram(admin, createMiniProgramInput.parse({ appId, name: `Draft ${n}` }));
  return { admin, appId };
}

/** Everything that says "something changed": audit entries, versions, mini-program rows. */
async function footprint() {
  const orgId = s.seed.orgs.demo!;
  const [a] = await s.db.select({ n: count() }).from(auditLog).where(eq(auditLog.orgId, orgId));
  const [v] = await s.db.select({ n: count() }).from(versions).where(eq(versions.orgId, orgId));
  const [m] = await s.db.select({ n: count() }).from(miniPrograms).where(eq(miniPrograms.orgId, orgId));
  return { audit: a!.n, versions: v!.n, miniPrograms: m!.n };
}

/** An approved app (1.0.0 approved, 1.1.0 a draft) running on a fresh host. */
async function running() {
  const admin = await s.as("admin");
  const app = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0", status: "draft" }]);
  const host = await labHost(admin);
  const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: app.versions["1.0.0"]!.id });
  const sdk = new AtriumSdkClient({ baseUrl: BASE, sdkKey: host.sdkKey, sdkSecret: host.sdkSecret, fetch: callSdk });
  const q = { user: "u-archive", platform: "ios", sdkVersion: "3.0.0" } as const;
  const apps = async () => (await sdk.getManifest(q)).manifest.miniPrograms.map((e) => `${e.appId}@${e.version}`);
  return { admin, app, host, a, sdk, apps };
}

describe("archive and restore", () => {
  it("takes the mini-program off the host's manifest at once, stops its packages, and restore brings the same assignment back", async () => {
    const { admin, app, a, sdk, apps } = await running();
    const v1 = app.versions["1.0.0"]!;
    expect(await apps()).toContain(`${app.appId}@1.0.0`);
    const archived = await archiveMiniProgram(admin, app.appId);
    expect(archived).toMatchObject({ appId: app.appId, status: "archived" });
    expect(Date.parse(archived.archivedAt!)).not.toBeNaN();
    expect(await apps()).not.toContain(`${app.appId}@1.0.0`);
    await expect(sdk.downloadPackage(v1)).rejects.toMatchObject({ status: 404 });
    // Inert, not gone: the assignment is kept exactly as it was.
    const kept = await getAssignment(admin, a.id);
    expect(kept).toMatchObject({ id: a.id, revision: a.revision, stableVersionId: v1.id });
    expect(await getMiniProgram(admin, app.appId)).toMatchObject({ status: "archived" });

    const restored = await restoreMiniProgram(admin, app.appId);
    expect(restored).toMatchObject({ status: "active", archivedAt: null });
    expect(await apps()).toContain(`${app.appId}@1.0.0`);
    await expect(sdk.downloadPackage(v1)).resolves.toHaveLength(v1.size);
    expect(await getAssignment(admin, a.id)).toMatchObject({ id: a.id, revision: a.revision, stableVersionId: v1.id });
  });

  it("refuses uploads, submissions, withdrawals, notes, edits, listing images and new assignments with 409 while archived, writing nothing", async () => {
    const { admin, app } = await running();
    const dev = await s.as("developer");
    await addCollaborator(admin, app.appId, { email: "developer@demo.test" });
    const draft = app.versions["1.1.0"]!;
    const other = await labHost(admin);
    await archiveMiniProgram(admin, app.appId);
    const before = await footprint();
    const pkg = buildMiniProgramPackage({ appId: app.appId, version: "2.0.0" });
    expect(await codeOf(uploadVersion(dev, app.appId, pkg))).toBe("conflict");
    expect(await codeOf(uploadVersion(admin, app.appId, pkg))).toBe("conflict");
    expect(await codeOf(submitVersion(dev, draft.id))).toBe("conflict");
    expect(await codeOf(withdrawVersion(admin, draft.id))).toBe("conflict");
    expect(await codeOf(updateVersionNotes(admin, draft.id, { notes: "while archived" }))).toBe("conflict");
    expect(await codeOf(updateMiniProgram(admin, app.appId, { name: "Renamed while archived" }))).toBe("conflict");
    expect(await codeOf(addListingImage(admin, app.appId, "icon", solidPng(512, 512)))).toBe("conflict");
    expect(await codeOf(assignVersion(admin, other.id, { appId: app.appId, versionId: app.versions["1.0.0"]!.id }))).toBe("conflict");
    expect(await footprint()).toEqual(before);
    const [v] = await s.db.select({ status: versions.status, notes: versions.notes }).from(versions).where(eq(versions.id, draft.id));
    expect(v).toEqual({ status: "draft", notes: "" });
    // Restored, it takes changes again.
    await restoreMiniProgram(admin, app.appId);
    expect(await codeOf(submitVersion(dev, draft.id))).toBe("ok");
  });

  it("answers 409 to archiving twice and to restoring an active one, changing nothing", async () => {
    const { admin, app } = await running();
    expect(await codeOf(restoreMiniProgram(admin, app.appId))).toBe("conflict");
    const first = await archiveMiniProgram(admin, app.appId);
    const before = await footprint();
    expect(await codeOf(archiveMiniProgram(admin, app.appId))).toBe("conflict");
    expect(await footprint()).toEqual(before);
    expect((await getMiniProgram(admin, app.appId)).archivedAt).toBe(first.archivedAt);
  });

  it("is no longer offered for assignment on any host while archived, and is again once restored", async () => {
    const { admin, app } = await running();
    const other = await labHost(admin);
    const offered = async () => (await assignableForHost(admin, other.id)).some((mp) => mp.appId === app.appId);
    expect(await offered()).toBe(true);
    await archiveMiniProgram(admin, app.appId);
    expect(await offered()).toBe(false);
    await restoreMiniProgram(admin, app.appId);
    expect(await offered()).toBe(true);
  });

  it("lets one of two racing archives win; the other is 409", async () => {
    const { admin, app } = await running();
    const outcomes = await Promise.all([codeOf(archiveMiniProgram(admin, app.appId)), codeOf(archiveMiniProgram(await s.as("owner"), app.appId))]);
    expect(outcomes.sort()).toEqual(["conflict", "ok"]);
    const entries = await s.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "mini_program.archive"), eq(auditLog.objectId, (await getMiniProgram(admin, app.appId)).id)));
    expect(entries).toHaveLength(1);
  });

  it("is for owners and admins: a collaborating developer, a reviewer and an analyst are refused before anything changes", async () => {
    const { admin, app } = await running();
    await addCollaborator(admin, app.appId, { email: "developer@demo.test" });
    for (const role of ["developer", "reviewer", "analyst"] as const) {
      expect(await codeOf(archiveMiniProgram(await s.as(role), app.appId)), role).toBe("forbidden");
      expect(await codeOf(deleteMiniProgram(await s.as(role), app.appId)), role).toBe("forbidden");
    }
    expect(await codeOf(archiveMiniProgram(await s.otherAdmin(), app.appId))).toBe("not_found");
    expect((await getMiniProgram(admin, app.appId)).status).toBe("active");
  });

  it("through POST /api/v1/mini-programs/{appId}/archive: 200 with the archived mini-program, then 409 conflict", async () => {
    const { app } = await running();
    const call = () =>
      archivePOST(new NextRequest(`${BASE}/api/v1/mini-programs/${app.appId}/archive`, { method: "POST", headers: { authorization: "Bearer t_owner_demo" } }), {
        params: Promise.resolve({ appId: app.appId }),
      });
    const ok = await call();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ appId: app.appId, status: "archived" });
    const again = await call();
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "conflict" } });
  });

  it("lists archived mini-programs under their own filter", async () => {
    const { admin, app } = await running();
    await archiveMiniProgram(admin, app.appId);
    const ids = async (status: "active" | "archived" | "all") => (await listMiniPrograms(admin, { limit: 200 }, { status })).items.map((m) => m.appId);
    expect(await ids("archived")).toContain(app.appId);
    expect(await ids("active")).not.toContain(app.appId);
    expect(await ids("all")).toContain(app.appId);
    expect(await ids("archived")).not.toContain("com.demo.coupons");
  });
});

describe("delete", () => {
  it("removes a draft-only mini-program with its versions, reviews, collaborators and listing, in one go", async () => {
    const { admin, appId } = await draftOnly();
    const { version: a } = await uploadVersion(admin, appId, buildMiniProgramPackage({ appId, version: "1.0.0" }));
    const { version: b } = await uploadVersion(admin, appId, buildMiniProgramPackage({ appId, version: "1.1.0" }));
    await submitVersion(admin, b.id);
    await rejectVersion(await s.as("reviewer"), b.id, { reasons: ["broken_functionality"], comment: "Crashes" });
    await addCollaborator(admin, appId, { email: "developer@demo.test" });
    await addListingImage(admin, appId, "icon", solidPng(512, 512));
    const mpId = (await getMiniProgram(admin, appId)).id;
    const out = await deleteMiniProgram(admin, appId);
    expect(out).toMatchObject({ appId, deleted: true });
    const orgId = s.seed.orgs.demo!;
    expect(await s.db.select().from(miniPrograms).where(and(eq(miniPrograms.orgId, orgId), eq(miniPrograms.id, mpId)))).toEqual([]);
    expect(await s.db.select().from(versions).where(and(eq(versions.orgId, orgId), eq(versions.miniProgramId, mpId)))).toEqual([]);
    expect(await s.db.select().from(reviews).where(and(eq(reviews.orgId, orgId), eq(reviews.versionId, b.id)))).toEqual([]);
    expect(await s.db.select().from(collaborators).where(and(eq(collaborators.orgId, orgId), eq(collaborators.miniProgramId, mpId)))).toEqual([]);
    expect(await s.db.select().from(miniProgramMedia).where(and(eq(miniProgramMedia.orgId, orgId), eq(miniProgramMedia.miniProgramId, mpId)))).toEqual([]);
    expect(await codeOf(getMiniProgram(admin, appId))).toBe("not_found");
    expect(a.id).not.toBe(b.id);
    // The app ID is free again.
    expect(await codeOf(createMiniProgram(admin, createMiniProgramInput.parse({ appId, name: "Again" })))).toBe("ok");
  });

  it("refuses (409) one that ever had an approved version, approved or revoked since, and deletes nothing", async () => {
    const { admin, app } = await running();
    const before = await footprint();
    const refused = await deleteMiniProgram(admin, app.appId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "conflict", message: expect.stringContaining("archive it instead") });
    expect(await footprint()).toEqual(before);

    const revokedOnly = await labMiniProgram(admin, [{ version: "1.0.0" }]);
    await revokeVersion(admin, revokedOnly.versions["1.0.0"]!.id, { reason: "Leak" });
    expect(await codeOf(deleteMiniProgram(admin, revokedOnly.appId))).toBe("conflict");
    expect((await getMiniProgram(admin, revokedOnly.appId)).appId).toBe(revokedOnly.appId);
  });

  it("answers 404 for a mini-program that is not there, or already deleted", async () => {
    const { admin, appId } = await draftOnly();
    await deleteMiniProgram(admin, appId);
    expect(await codeOf(deleteMiniProgram(admin, appId))).toBe("not_found");
    expect(await codeOf(deleteMiniProgram(admin, "not an app id"))).toBe("not_found");
  });

  it("keeps assignments impossible without an approved version, so none is left behind", async () => {
    const { admin, appId } = await draftOnly();
    const { version } = await uploadVersion(admin, appId, buildMiniProgramPackage({ appId, version: "1.0.0" }));
    const host = await labHost(admin);
    expect(await codeOf(assignVersion(admin, host.id, { appId, versionId: version.id }))).not.toBe("ok");
    await deleteMiniProgram(admin, appId);
    expect(await s.db.select().from(assignments).where(and(eq(assignments.orgId, s.seed.orgs.demo!), eq(assignments.appId, appId)))).toEqual([]);
  });
});

describe("lifecycle webhooks", () => {
  it("sends mini_program.archived, .restored and .deleted once each to a subscribed endpoint, with the mini-program", async () => {
    const admin = await s.as("admin");
    const orgId = s.seed.orgs.demo!;
    await s.db.update(webhookEndpoints).set({ active: false }).where(eq(webhookEndpoints.orgId, orgId));
    await s.db.delete(webhookDeliveries).where(eq(webhookDeliveries.orgId, orgId));
    await createWebhookEndpoint(admin, createWebhookInput.parse({ url: "http://127.0.0.1:9/lifecycle", events: ["mini_program.archived", "mini_program.restored", "mini_program.deleted"] }));
    const { appId } = await draftOnly();
    await archiveMiniProgram(admin, appId);
    await codeOf(archiveMiniProgram(admin, appId)); // refused: no second event
    await restoreMiniProgram(admin, appId);
    await deleteMiniProgram(admin, appId);
    const rows = await s.db.select({ event: webhookDeliveries.event, payload: webhookDeliveries.payload }).from(webhookDeliveries).where(eq(webhookDeliveries.orgId, orgId));
    expect(rows.map((r) => r.event).sort()).toEqual(["mini_program.archived", "mini_program.deleted", "mini_program.restored"]);
    for (const r of rows) expect(r.payload).toMatchObject({ type: r.event, orgId, actor: "admin@demo.test", data: { miniProgram: { appId } } });
  });
});
