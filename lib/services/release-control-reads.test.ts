// Release control's console reads as a specification: which versions the trial picker offers, which halted
// rollouts the overview lists (with the figures the guardrail recorded), and the candidate beside the stable version.
// Every read stays inside its organization and a developer's collaborations.
import { beforeAll, describe, expect, it } from "vitest";
import { events, type Platform } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { runReleaseTick } from "@/lib/release/runner";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { assignVersion, getAssignment, updateAssignment, updateAssignmentInput, type AssignmentJson } from "@/lib/services/assignments";
import { useSeededDb } from "@/test/seeded";
import { haltFiguresOf, listHaltedRollouts, rolloutComparison, trialOptions } from "./release-control-reads";

withTempBlobStore();
const s = useSeededDb();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

/** Raw events as ingestion stores them, `minutesAgo` before now. */
async function sendEvents(a: AssignmentJson, version: string, n: { launches: number; errors: number; sessions?: number; sessionMs?: number; minutesAgo?: number }) {
  const ts = new Date(Date.now() - (n.minutesAgo ?? 1) * 60_000);
  const base = { orgId: (await s.as("admin")).org.id, hostId: a.hostId, appId: a.appId, version, platform: "ios" as Platform, ts };
  const rows = [
    ...Array.from({ length: n.launches }, (_, i) => ({ ...base, id: newId("evt"), type: "launch" as const, userId: `u${i}` })),
    ...Array.from({ length: n.errors }, (_, i) => ({ ...base, id: newId("evt"), type: "error" as const, userId: `u${i}`, message: "boom" })),
    ...Array.from({ length: n.sessions ?? 0 }, (_, i) => ({ ...base, id: newId("evt"), type: "session_end" as const, userId: `u${i}`, durationMs: n.sessionMs ?? 1000 })),
  ];
  if (rows.length) await s.db.insert(events).values(rows);
}

/** A host running 1.0.0, with 1.1.0 as the candidate at 50 %, and versions in every other state. */
async function lab(policy: Parameters<typeof labHost>[1] = {}) {
  const admin = await s.as("admin");
  // Uploads must increase; each is then set to its state.
  const mp = await labMiniProgram(admin, [
    { version: "0.9.0", status: "revoked" },
    { version: "1.0.0" },
    { version: "1.1.0" },
    { version: "1.2.0", status: "in_review" },
    { version: "1.3.0-beta.1", status: "draft" },
    { version: "1.4.0", status: "rejected" },
    { version: "2.0.0-beta.1", status: "draft", permissions: ["camera"] },
  ]);
  const host = await labHost(admin, policy);
  const assigned = await assignVersion(admin, host.id, { appId: mp.appId, versionId: mp.versions["1.0.0"]!.id });
  const a = await updateAssignment(admin, assigned.id, updateAssignmentInput.parse({ candidateVersionId: mp.versions["1.1.0"]!.id, rolloutPercent: 50 }));
  return { admin, mp, host, a };
}

describe("trialOptions: the trial picker", () => {
  let w: Awaited<ReturnType<typeof lab>>;
  beforeAll(async () => {
    // The host allows location (every lab version asks for it) but not the camera.
    w = await lab({ allowedPermissions: ["location"] });
  });

  it("offers the draft, in-review and approved versions, newest first, never a rejected or revoked one", async () => {
    const options = await trialOptions(w.admin, w.a.id);
    expect(options.map((o) => `${o.version} ${o.status}`)).toEqual([
      "2.0.0-beta.1 draft",
      "1.3.0-beta.1 draft",
      "1.2.0 in_review",
      "1.1.0 approved",
      "1.0.0 approved",
    ]);
  });

  it("says why a version does not fit the host's policy", async () => {
    const options = await trialOptions(w.admin, w.a.id);
    expect(options.find((o) => o.version === "2.0.0-beta.1")!.reasons.map((r) => r.code)).toEqual(["permission_not_allowed"]);
    expect(options.filter((o) => o.reasons.length === 0).map((o) => o.version)).toEqual(["1.3.0-beta.1", "1.2.0", "1.1.0", "1.0.0"]);
  });

  it.each([
    ["a reviewer reads it", "reviewer", "ok"],
    ["an analyst reads it", "analyst", "ok"],
    ["a developer who does not collaborate on the mini-program finds nothing", "developer", "not_found"],
  ] as const)("%s", async (_name, role, want) => {
    expect(await codeOf(trialOptions(await s.as(role), w.a.id))).toBe(want);
  });

  it("answers another organization's assignment, and a malformed id, as missing", async () => {
    expect(await codeOf(trialOptions(await s.otherAdmin(), w.a.id))).toBe("not_found");
    expect(await codeOf(trialOptions(w.admin, "asg_nope"))).toBe("not_found");
  });
});

describe("listHaltedRollouts: the overview's notice", () => {
  it("lists a guardrail's halt with the figures it recorded, in its organization only, until a person resumes", async () => {
    const w = await lab();
    await updateAssignment(w.admin, w.a.id, updateAssignmentInput.parse({ guardrail: { maxErrorRate: 0.05, minLaunches: 20, windowMinutes: 30 } }));
    const before = (await listHaltedRollouts(w.admin)).map((h) => h.assignmentId);
    expect(before).not.toContain(w.a.id);

    // Events after the guardrail was set: it judges only those (guardrailSince).
    await sendEvents(w.a, "1.1.0", { launches: 40, errors: 8, minutesAgo: 0 });
    await runReleaseTick(s.db);
    const halted = (await listHaltedRollouts(w.admin)).find((h) => h.assignmentId === w.a.id);
    expect(halted).toMatchObject({
      hostId: w.host.id,
      hostName: w.host.name,
      appId: w.mp.appId,
      candidate: "1.1.0",
      haltedBy: "guardrail",
      releaseId: null,
      figures: { version: "1.1.0", launches: 40, errors: 8, errorRate: 0.2, windowMinutes: 30, maxErrorRate: 0.05, minLaunches: 20 },
    });
    expect(halted!.haltReason).toContain("20%");
    expect(new Date(halted!.haltedAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // The newest halt comes first.
    expect((await listHaltedRollouts(w.admin))[0]!.assignmentId).toBe(w.a.id);
    // Readers see it; another organization and a developer who does not collaborate do not.
    expect((await listHaltedRollouts(await s.as("analyst"))).map((h) => h.assignmentId)).toContain(w.a.id);
    expect((await listHaltedRollouts(await s.otherAdmin())).map((h) => h.assignmentId)).not.toContain(w.a.id);
    expect((await listHaltedRollouts(await s.as("developer"))).map((h) => h.assignmentId)).not.toContain(w.a.id);

    const a = await getAssignment(w.admin, w.a.id);
    await updateAssignment(w.admin, a.id, updateAssignmentInput.parse({ paused: false, revision: a.revision }));
    expect((await listHaltedRollouts(w.admin)).map((h) => h.assignmentId)).not.toContain(w.a.id);
  });

  it("reads a guardrail's figures from its timeline entry, and nothing from any other", () => {
    const to = {
      paused: true,
      haltedBy: "guardrail",
      candidate: { versionId: "ver_x", version: "1.1.0" },
      figures: { launches: 50, errors: 10, errorRate: 0.2, windowMinutes: 30 },
      guardrail: { maxErrorRate: 0.05, minLaunches: 40, windowMinutes: 30 },
    };
    expect(haltFiguresOf(to)).toEqual({ version: "1.1.0", launches: 50, errors: 10, errorRate: 0.2, windowMinutes: 30, maxErrorRate: 0.05, minLaunches: 40 });
    expect(haltFiguresOf({ paused: true, haltedBy: "release", haltReason: "Ring 1 halted" })).toBeNull();
    expect(haltFiguresOf({ ...to, figures: { ...to.figures, errors: "10" } })).toBeNull();
    expect(haltFiguresOf(null)).toBeNull();
  });
});

describe("rolloutComparison: the candidate beside the stable version", () => {
  it("counts both versions over the guardrail's window and marks a candidate over the ceiling", async () => {
    const w = await lab();
    const a = await updateAssignment(w.admin, w.a.id, updateAssignmentInput.parse({ guardrail: { maxErrorRate: 0.05, minLaunches: 1000, windowMinutes: 30 } }));
    await sendEvents(a, "1.0.0", { launches: 100, errors: 1, sessions: 2, sessionMs: 3000 });
    await sendEvents(a, "1.1.0", { launches: 10, errors: 2, sessions: 1, sessionMs: 5000 });
    // Outside the 30-minute window: not counted.
    await sendEvents(a, "1.1.0", { launches: 50, errors: 0, minutesAgo: 45 });

    const c = await rolloutComparison(await s.as("analyst"), a);
    expect(c).toMatchObject({
      windowMinutes: 30,
      maxErrorRate: 0.05,
      minLaunches: 1000,
      over: true,
      stable: { version: "1.0.0", launches: 100, users: 100, errors: 1, errorRate: 0.01, avgSessionMs: 3000 },
      candidate: { version: "1.1.0", launches: 10, users: 10, errors: 2, errorRate: 0.2, avgSessionMs: 5000 },
    });
  });

  it("looks at the last hour without a guardrail, and compares nothing without a candidate", async () => {
    const w = await lab();
    await sendEvents(w.a, "1.1.0", { launches: 5, errors: 0, minutesAgo: 45 });
    const c = await rolloutComparison(w.admin, w.a);
    expect(c).toMatchObject({ windowMinutes: 60, maxErrorRate: null, over: false, candidate: { launches: 5, errorRate: 0 }, stable: { launches: 0, errorRate: null } });
    expect(await rolloutComparison(w.admin, { ...w.a, candidate: null })).toBeNull();
  });

  it("finds no events of another organization's host", async () => {
    const w = await lab();
    await sendEvents(w.a, "1.1.0", { launches: 7, errors: 1 });
    const c = await rolloutComparison(await s.otherAdmin(), w.a);
    expect(c!.candidate.launches).toBe(0);
  });
});
