// Issue 13, item 9: a revocation shows on the timeline of every assignment holding the version, and the way out —
// replacing the stable version directly — is policy-checked, audited and safe against races, in the service and
// through PATCH /api/v1/assignments/{id} (`stableVersionId`).
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { auditLog, type Role } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { useSeededDb } from "@/test/seeded";
import { PATCH } from "@/app/api/v1/assignments/[id]/route";
import { assignVersion, getAssignment, listAssignmentEvents, promoteAssignment, updateAssignment, updateAssignmentInput } from "./assignments";
import { revokeVersion } from "./reviews";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

/** 1.0.0 → 1.2.0 approved, 1.3.0 in review; 1.1.0 stable on a fresh host, 1.2.0 its candidate at 10 %. */
async function rolling() {
  const admin = await s.as("admin");
  const app = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0" }, { version: "1.2.0" }, { version: "1.3.0", status: "in_review" }]);
  const host = await labHost(admin);
  const v = (x: string) => app.versions[x]!.id;
  const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.1.0") });
  const withCandidate = await updateAssignment(admin, a.id, updateAssignmentInput.parse({ candidateVersionId: v("1.2.0"), rolloutPercent: 10 }));
  return { admin, app, host, v, a: withCandidate };
}

describe("a revocation on the timeline", () => {
  it("marks the stable version's revocation on its assignment, with who and why, without a new revision", async () => {
    const { admin, v, a } = await rolling();
    await revokeVersion(await s.as("reviewer"), v("1.1.0"), { reason: "Leaks tokens" });
    const [latest] = (await listAssignmentEvents(admin, a.id)).items;
    expect(latest).toMatchObject({ action: "revoke", actor: "reviewer@demo.test", to: { stable: { versionId: v("1.1.0"), version: "1.1.0" }, status: "revoked", reason: "Leaks tokens" } });
    const now = await getAssignment(admin, a.id);
    expect(now.revision).toBe(a.revision);
    expect(now.stable).toMatchObject({ status: "revoked", delivery: "revoked" });
  });

  it("marks a candidate's revocation too, and leaves assignments of other versions alone", async () => {
    const { admin, app, v, a } = await rolling();
    const other = await assignVersion(admin, (await labHost(admin)).id, { appId: app.appId, versionId: v("1.0.0") });
    await revokeVersion(admin, v("1.2.0"), { reason: "Crashes on start" });
    expect((await listAssignmentEvents(admin, a.id)).items[0]).toMatchObject({ action: "revoke", to: { candidate: { version: "1.2.0" }, reason: "Crashes on start" } });
    expect((await listAssignmentEvents(admin, other.id)).items.map((e) => e.action)).toEqual(["assign"]);
  });
});

describe("replacing the stable version", () => {
  it("swaps a revoked stable for an older approved version: previous stable kept, timeline and audit written", async () => {
    const { admin, v, a } = await rolling();
    await updateAssignment(admin, a.id, updateAssignmentInput.parse({ candidateVersionId: null }));
    await revokeVersion(admin, v("1.1.0"), { reason: "Leaks tokens" });
    const before = await getAssignment(admin, a.id);
    const after = await updateAssignment(admin, a.id, updateAssignmentInput.parse({ stableVersionId: v("1.0.0"), revision: before.revision }));
    expect(after).toMatchObject({ stableVersionId: v("1.0.0"), previousStableVersionId: v("1.1.0"), revision: before.revision + 1, stable: { delivery: "delivered" } });
    expect((await listAssignmentEvents(admin, a.id)).items[0]).toMatchObject({
      action: "replace_stable",
      actor: "admin@demo.test",
      from: { stable: { version: "1.1.0" } },
      to: { stable: { version: "1.0.0" } },
    });
    const audit = await s.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, admin.org.id), eq(auditLog.objectId, a.id), eq(auditLog.action, "assignment.replace_stable")));
    expect(audit).toHaveLength(1);
  });

  it("keeps a candidate that is still newer, and refuses (409, nothing changed) one that would not be", async () => {
    const { admin, v, a } = await rolling();
    // 1.0.0 as stable: the 1.2.0 candidate stays, at its share.
    const down = await updateAssignment(admin, a.id, updateAssignmentInput.parse({ stableVersionId: v("1.0.0") }));
    expect(down).toMatchObject({ stable: { version: "1.0.0" }, candidate: { version: "1.2.0" }, rolloutPercent: 10 });
    // The candidate itself as stable is a promotion, not a replacement.
    expect(await codeOf(updateAssignment(admin, a.id, updateAssignmentInput.parse({ stableVersionId: v("1.2.0") })))).toBe("conflict");
    expect(await getAssignment(admin, a.id)).toMatchObject({ revision: down.revision, stable: { version: "1.0.0" } });
    // Sent with the candidate dropped, it goes through in one change.
    const both = await updateAssignment(admin, a.id, updateAssignmentInput.parse({ stableVersionId: v("1.2.0"), candidateVersionId: null }));
    expect(both).toMatchObject({ stable: { version: "1.2.0" }, candidate: null, rolloutPercent: 0, revision: down.revision + 1 });
  });

  it("refuses what could not be delivered, with every reason (422), and writes nothing", async () => {
    const { admin, v, a } = await rolling();
    const foreign = await labMiniProgram(admin, [{ version: "9.0.0" }]);
    const strict = await labHost(admin, { allowedPermissions: ["camera"] });
    const onStrict = await labMiniProgram(admin, [{ version: "1.0.0", permissions: ["camera"] }, { version: "1.1.0", permissions: ["location"] }]);
    const strictA = await assignVersion(admin, strict.id, { appId: onStrict.appId, versionId: onStrict.versions["1.0.0"]!.id });
    const cases: [string, string, string][] = [
      [a.id, v("1.3.0"), "version_not_approved"],
      [a.id, foreign.versions["9.0.0"]!.id, "version_mismatch"],
      [strictA.id, onStrict.versions["1.1.0"]!.id, "permission_not_allowed"],
    ];
    for (const [id, versionId, code] of cases) {
      const before = await getAssignment(admin, id);
      const e = await updateAssignment(admin, id, updateAssignmentInput.parse({ stableVersionId: versionId })).catch((x: AppError) => x);
      expect(e, code).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("invalid_input");
      expect(((e as AppError).details as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toContain(code);
      expect(await getAssignment(admin, id)).toEqual(before);
    }
    expect(await codeOf(updateAssignment(admin, a.id, updateAssignmentInput.parse({ stableVersionId: "ver_nope" })))).toBe("not_found");
  });

  it("answers 409 to a stale revision and to the loser of a race", async () => {
    const { admin, v, a } = await rolling();
    await promoteAssignment(admin, a.id, { revision: a.revision });
    expect(await codeOf(updateAssignment(admin, a.id, updateAssignmentInput.parse({ stableVersionId: v("1.0.0"), revision: a.revision })))).toBe("conflict");
    const cur = await getAssignment(admin, a.id);
    const results = await Promise.allSettled(
      ["1.0.0", "1.1.0"].map((x) => updateAssignment(admin, a.id, updateAssignmentInput.parse({ stableVersionId: v(x), revision: cur.revision }))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((lost.reason as AppError).code).toBe("conflict");
    expect((await getAssignment(admin, a.id)).revision).toBe(cur.revision + 1);
  });

  it.each<[Role, string]>([
    ["owner", "ok"],
    ["reviewer", "forbidden"],
    ["developer", "forbidden"],
    ["analyst", "forbidden"],
  ])("is for owners and admins: %s → %s", async (role, outcome) => {
    const { v, a } = await rolling();
    expect(await codeOf(updateAssignment(await s.as(role), a.id, updateAssignmentInput.parse({ stableVersionId: v("1.0.0") })))).toBe(outcome);
  });

  it("works through PATCH /api/v1/assignments/{id}", async () => {
    const { v, a } = await rolling();
    const patch = (body: unknown) =>
      PATCH(
        new NextRequest(`http://atrium.test/api/v1/assignments/${a.id}`, {
          method: "PATCH",
          headers: { authorization: "Bearer t_admin_demo", "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({ id: a.id }) },
      );
    const ok = await patch({ stableVersionId: v("1.0.0"), revision: a.revision });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: a.id, stableVersionId: v("1.0.0"), previousStableVersionId: v("1.1.0") });
    expect((await patch({ stableVersionId: v("1.0.0"), revision: a.revision })).status).toBe(409);
    const bad = await patch({ stableVersionId: v("1.3.0") });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.code).toBe("invalid_input");
  });
});
