// Release control (issue 14, CONTRACT §8) end to end through the API and the SDK API: every targeting rule at the
// manifest level (request → version served), trial versions for testers, bad input (422, nothing changed), racing
// edits (409), the ramp-up schedule stepped by the job runner, a guardrail halting on real signed events sent
// over HTTP, and a release moving through two rings.
import { createHash } from "node:crypto";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assignments, auditLog, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { selectRows } from "@/lib/analytics/sql";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { encryptSecret } from "@/lib/crypto/secrets";
import { newId } from "@/lib/ids";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { setManifestCacheForTests } from "@/lib/sdk-server/snapshot";
import { createSdkVerifier, setSdkVerifierForTests } from "@/lib/sdk-server/verify";
import { assignVersion, getAssignment, promoteAssignment, rollbackAssignment, updateAssignment, updateAssignmentInput } from "@/lib/services/assignments";
import { listHaltedRollouts } from "@/lib/services/release-control-reads";
import { rejectInput, rejectVersion } from "@/lib/services/reviews";
import { createRelease, createReleaseInput, getRelease } from "@/lib/services/releases";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { AtriumSdkClient } from "@/sdk-client";
import { apiCaller } from "@/test/api";
import { inProcessFetch, serveOverHttp } from "@/test/api-router";
import { useSeededDb } from "@/test/seeded";
import { guardrailCounts, guardrailCountsQuery, versionFigures, type GuardrailWindow } from "./figures";
import { GUARDRAIL_MAX_PAUSE_MS, guardrailPauseMs, RELEASE_TICK_MS, runReleaseTick } from "./runner";

withTempBlobStore();
const s = useSeededDb();
const api = inProcessFetch();
setWebhookDispatcherAuto(false);

beforeAll(() => setSdkVerifierForTests(createSdkVerifier({ ratePerSecond: 0 })));
afterAll(() => setSdkVerifierForTests(undefined));
beforeEach(() => setManifestCacheForTests(undefined));

const BASE = "http://atrium.test";

/** CONTRACT §6's bucket, written out again so the test checks the code against the text. */
function bucket(appId: string, version: string, user: string): number {
  return Number.parseInt(createHash("sha256").update(`${appId}@${version}:${user}`).digest("hex").slice(0, 8), 16) % 10000;
}

/** A user whose bucket for this candidate is inside `below` % and one outside `above` %. */
function usersFor(appId: string, version: string) {
  let inside = "";
  let outside = "";
  for (let i = 0; !inside || !outside; i++) {
    const u = `user-${i}`;
    const b = bucket(appId, version, u);
    if (!inside && b < 1000) inside = u;
    if (!outside && b >= 9000) outside = u;
  }
  return { inside, outside };
}

const caller = apiCaller("t_admin_demo");
// `data` is read loosely: these tests walk the answers' documented shapes.
async function call(method: string, path: string, body?: unknown, token = "t_admin_demo") {
  const res = await caller(method, path, { body, token });
  return { status: res.status, data: res.body as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

type Lab = Awaited<ReturnType<typeof setup>>;

/** A host running 1.0.0 of a fresh mini-program, 1.1.0 approved (the candidate to be), 1.2.0 in review (a trial). */
async function setup(opts: { candidatePercent?: number } = {}) {
  const admin = await s.as("admin");
  const mp = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0" }, { version: "1.2.0", status: "in_review" }, { version: "1.3.0", status: "rejected" }]);
  const host = await labHost(admin);
  const a = await assignVersion(admin, host.id, { appId: mp.appId, versionId: mp.versions["1.0.0"]!.id });
  const withCandidate = await updateAssignment(admin, a.id, updateAssignmentInput.parse({ candidateVersionId: mp.versions["1.1.0"]!.id, rolloutPercent: opts.candidatePercent ?? 10 }));
  const client = new AtriumSdkClient({ baseUrl: BASE, sdkKey: host.sdkKey, sdkSecret: host.sdkSecret, fetch: api });
  return { admin, mp, host, assignment: withCandidate, client };
}

type Entry = { appId: string; version: string; sha256: string; size: number; packageUrl: string; trial?: boolean };

/** The manifest as a device asking exactly this gets it (parameters it leaves out are not sent at all). */
async function manifestFor(lab: Lab, q: { user?: string; platform?: string; sdkVersion?: string }): Promise<Entry[]> {
  const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
  const res = await lab.client.signedFetch("GET", `/api/sdk/v1/manifest?${params}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { miniPrograms: Entry[] }).miniPrograms;
}

async function served(lab: Lab, q: { user?: string; platform?: string; sdkVersion?: string }) {
  const e = (await manifestFor(lab, q)).find((m) => m.appId === lab.mp.appId);
  return e ? `${e.version}${e.trial === true ? " trial" : ""}` : null;
}

describe("targeting rules at the manifest (CONTRACT §8)", () => {
  let lab: Lab;
  let users: { inside: string; outside: string };
  beforeAll(async () => {
    lab = await setup({ candidatePercent: 10 });
    users = usersFor(lab.mp.appId, "1.1.0");
  });

  type Row = { name: string; rules: unknown; percent?: number; paused?: boolean; user?: "inside" | "outside" | "none"; platform?: string; sdkVersion?: string; want: string };
  const rows: Row[] = [
    { name: "no rules: a user inside the percentage gets the candidate", rules: null, user: "inside", want: "1.1.0" },
    { name: "no rules: a user outside it gets stable", rules: null, user: "outside", want: "1.0.0" },
    { name: "no user: no bucket, stable", rules: null, user: "none", want: "1.0.0" },
    { name: "platform listed: eligible", rules: { platforms: ["android"] }, user: "inside", platform: "android", want: "1.1.0" },
    { name: "platform not listed: ineligible, stable", rules: { platforms: ["android"] }, user: "inside", platform: "ios", want: "1.0.0" },
    { name: "platform not sent: cannot match, stable", rules: { platforms: ["android"] }, user: "inside", platform: undefined, want: "1.0.0" },
    { name: "SDK version inside the range", rules: { sdkVersion: ">=3.1.0 <4" }, user: "inside", sdkVersion: "3.2.0", want: "1.1.0" },
    { name: "SDK version below the range", rules: { sdkVersion: ">=3.1.0 <4" }, user: "inside", sdkVersion: "3.0.9", want: "1.0.0" },
    { name: "SDK version above the range", rules: { sdkVersion: ">=3.1.0 <4" }, user: "inside", sdkVersion: "4.0.0", want: "1.0.0" },
    { name: "SDK version not sent: cannot match", rules: { sdkVersion: ">=3.1.0" }, user: "inside", sdkVersion: undefined, want: "1.0.0" },
    { name: "a listed user outside the percentage gets the candidate", rules: { users: ["__outside__"] }, user: "outside", want: "1.1.0" },
    { name: "a listed user gets it at 0 %", rules: { users: ["__outside__"] }, percent: 0, user: "outside", want: "1.1.0" },
    { name: "an unlisted user at 0 % gets stable", rules: { users: ["__outside__"] }, percent: 0, user: "inside", want: "1.0.0" },
    { name: "a listed user on an ineligible platform gets stable", rules: { users: ["__outside__"], platforms: ["android"] }, user: "outside", platform: "ios", want: "1.0.0" },
    { name: "both rules met, inside the percentage", rules: { platforms: ["ios", "android"], sdkVersion: "^3.0.0" }, user: "inside", platform: "ios", sdkVersion: "3.0.0", want: "1.1.0" },
    { name: "paused: stable even for a listed user", rules: { users: ["__outside__"] }, paused: true, user: "outside", want: "1.0.0" },
    { name: "paused: stable for a user inside the percentage", rules: null, paused: true, user: "inside", want: "1.0.0" },
  ];

  it.each(rows)("$name", async (row) => {
    const current = await getAssignment(lab.admin, lab.assignment.id);
    const rules = row.rules === null ? null : JSON.parse(JSON.stringify(row.rules).replace("__outside__", users.outside));
    await updateAssignment(lab.admin, lab.assignment.id, updateAssignmentInput.parse({ rules, rolloutPercent: row.percent ?? 10, paused: row.paused ?? false, revision: current.revision }));
    const user = row.user === "none" ? undefined : row.user === "outside" ? users.outside : users.inside;
    const platform = "platform" in row ? row.platform : "ios";
    const sdkVersion = "sdkVersion" in row ? row.sdkVersion : "3.0.0";
    expect(await served(lab, { user, platform, sdkVersion })).toBe(row.want);
  });

  it("raising the percentage never takes the candidate from an eligible user who had it", async () => {
    const current = await getAssignment(lab.admin, lab.assignment.id);
    let a = await updateAssignment(lab.admin, lab.assignment.id, updateAssignmentInput.parse({ rules: { platforms: ["ios"] }, paused: false, rolloutPercent: 5, revision: current.revision }));
    const population = Array.from({ length: 300 }, (_, i) => `ramp-${i}`);
    let had = new Set<string>();
    for (const p of [5, 20, 50, 100]) {
      a = await updateAssignment(lab.admin, a.id, updateAssignmentInput.parse({ rolloutPercent: p, revision: a.revision }));
      const now = new Set<string>();
      for (const u of population) if ((await served(lab, { user: u, platform: "ios", sdkVersion: "3.0.0" })) === "1.1.0") now.add(u);
      for (const u of had) expect(now.has(u)).toBe(true);
      expect(now.size).toBe(population.filter((u) => bucket(lab.mp.appId, "1.1.0", u) < p * 100).length);
      had = now;
    }
    expect(had.size).toBe(population.length);
  });
});

describe("trial versions for testers (CONTRACT §8)", () => {
  it("only testers get the trial, marked trial; its package is deliverable; rejecting it removes it at once", async () => {
    const lab = await setup({ candidatePercent: 0 });
    const trial = lab.mp.versions["1.2.0"]!;
    const a = await updateAssignment(lab.admin, lab.assignment.id, updateAssignmentInput.parse({ trialVersionId: trial.id, testers: ["tester-1", "tester-2"], rules: { platforms: ["android"] } }));
    expect(a).toMatchObject({ trialVersionId: trial.id, testers: ["tester-1", "tester-2"], trial: { version: "1.2.0", status: "in_review", delivery: "delivered" } });
    // A tester gets it whatever the rules say about the candidate; everyone else never does.
    expect(await served(lab, { user: "tester-1", platform: "ios", sdkVersion: "3.0.0" })).toBe("1.2.0 trial");
    expect(await served(lab, { user: "tester-2" })).toBe("1.2.0 trial");
    expect(await served(lab, { user: "someone-else", platform: "ios", sdkVersion: "3.0.0" })).toBe("1.0.0");
    expect(await served(lab, {})).toBe("1.0.0");
    const entry = (await manifestFor(lab, { user: "tester-1", platform: "ios", sdkVersion: "3.0.0" })).find((m) => m.appId === lab.mp.appId)!;
    expect(entry.trial).toBe(true);
    const download = await lab.client.signedFetch("GET", entry.packageUrl);
    expect(download.status).toBe(200);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.byteLength).toBe(entry.size);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(entry.sha256);

    const reviewer = await s.as("reviewer");
    await rejectVersion(reviewer, trial.id, rejectInput.parse({ reasons: ["broken_functionality"], comment: "" }));
    expect(await served(lab, { user: "tester-1", platform: "ios", sdkVersion: "3.0.0" })).toBe("1.0.0");
    const after = await getAssignment(lab.admin, a.id);
    expect(after.trialVersionId).toBeNull();
    const pkg = await lab.client.signedFetch("GET", entry.packageUrl);
    expect(pkg.status).toBe(404);
  });

  it("a draft can be a trial version; a version of another mini-program cannot", async () => {
    const lab = await setup();
    const admin = lab.admin;
    const other = await labMiniProgram(admin, [{ version: "2.0.0", status: "draft" }]);
    const foreign = await call("PATCH", `/api/v1/assignments/${lab.assignment.id}`, { trialVersionId: other.versions["2.0.0"]!.id });
    expect(foreign.status).toBe(422);
    expect(foreign.data.error.details.reasons[0].code).toBe("version_mismatch");
    const mine = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.5.0", status: "draft" }]);
    const host = await labHost(admin);
    const a = await assignVersion(admin, host.id, { appId: mine.appId, versionId: mine.versions["1.0.0"]!.id });
    const ok = await call("PATCH", `/api/v1/assignments/${a.id}`, { trialVersionId: mine.versions["1.5.0"]!.id, testers: ["t-1", "t-1", "t-2"] });
    expect(ok.status).toBe(200);
    // A repeated id is one tester.
    expect(ok.data).toMatchObject({ testers: ["t-1", "t-2"], trial: { version: "1.5.0", status: "draft" } });
    const draftLab = { ...lab, mp: mine, client: new AtriumSdkClient({ baseUrl: BASE, sdkKey: host.sdkKey, sdkSecret: host.sdkSecret, fetch: api }) };
    expect(await served(draftLab, { user: "t-2" })).toBe("1.5.0 trial");
    expect(await served(draftLab, { user: "t-3" })).toBe("1.0.0");
  });
});

describe("bad input (422 with each reason, nothing changed) and races (409)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await setup();
  });

  const tooMany = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}-${i}`);
  it.each([
    ["an unknown platform", { rules: { platforms: ["symbian"] } }, "rules.platforms.0"],
    ["an invalid semver range", { rules: { sdkVersion: ">=banana" } }, "rules.sdkVersion"],
    ["more than 1,000 users", { rules: { users: tooMany(1001, "u") } }, "rules.users"],
    ["more than 500 testers", { testers: tooMany(501, "t") }, "testers"],
    ["schedule steps not increasing", { schedule: { steps: [5, 5, 50], everyMinutes: 10, promoteAtEnd: true } }, "schedule.steps.1"],
    ["a schedule step above 100", { schedule: { steps: [50, 101], everyMinutes: 10 } }, "schedule.steps.1"],
    ["a schedule step of 0", { schedule: { steps: [0, 50], everyMinutes: 10 } }, "schedule.steps.0"],
    ["a guardrail rate above 1", { guardrail: { maxErrorRate: 1.5, minLaunches: 100, windowMinutes: 60 } }, "guardrail.maxErrorRate"],
    ["a negative guardrail rate", { guardrail: { maxErrorRate: -0.1, minLaunches: 100, windowMinutes: 60 } }, "guardrail.maxErrorRate"],
  ])("%s", async (_name, body, field) => {
    const before = await getAssignment(lab.admin, lab.assignment.id);
    const res = await call("PATCH", `/api/v1/assignments/${lab.assignment.id}`, body);
    expect(res.status).toBe(422);
    expect(res.data.error.code).toBe("invalid_input");
    expect(Object.keys(res.data.error.details.fields)).toContain(field);
    const after = await getAssignment(lab.admin, lab.assignment.id);
    expect(after.revision).toBe(before.revision);
    expect(after).toEqual(before);
  });

  it("a rejected trial version, with its reason", async () => {
    const res = await call("PATCH", `/api/v1/assignments/${lab.assignment.id}`, { trialVersionId: lab.mp.versions["1.3.0"]!.id });
    expect(res.status).toBe(422);
    expect(res.data.error.details.reasons.map((r: { code: string }) => r.code)).toEqual(["version_not_trialable"]);
  });

  it("every reason at once", async () => {
    const res = await call("PATCH", `/api/v1/assignments/${lab.assignment.id}`, {
      rules: { platforms: ["symbian"], sdkVersion: "nope" },
      guardrail: { maxErrorRate: 2, minLaunches: 0, windowMinutes: 60 },
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.data.error.details.fields).sort()).toEqual(["guardrail.maxErrorRate", "guardrail.minLaunches", "rules.platforms.0", "rules.sdkVersion"]);
  });

  it("two concurrent edits of one assignment: one wins, the other is 409", async () => {
    const { revision } = await getAssignment(lab.admin, lab.assignment.id);
    const [x, y] = await Promise.all([
      call("PATCH", `/api/v1/assignments/${lab.assignment.id}`, { testers: ["a"], revision }),
      call("PATCH", `/api/v1/assignments/${lab.assignment.id}`, { rules: { platforms: ["ios"] }, revision }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const after = await getAssignment(lab.admin, lab.assignment.id);
    expect(after.revision).toBe(revision + 1);
    // Exactly one of the two changes is there.
    expect(Number(after.testers.length > 0) + Number(after.rules !== null)).toBe(1);
  });

  it("a developer cannot change release control; an analyst cannot either", async () => {
    for (const token of ["t_analyst_demo", "t_reviewer_demo"]) {
      const res = await call("PATCH", `/api/v1/assignments/${lab.assignment.id}`, { testers: ["x"] }, token);
      expect(res.status).toBe(403);
    }
  });
});

describe("ramp-up schedule, stepped by the job runner", () => {
  it("starts at the first step, moves one step per interval, never twice, and promotes at the end", async () => {
    const lab = await setup({ candidatePercent: 0 });
    const t0 = Date.now();
    let a = await updateAssignment(lab.admin, lab.assignment.id, updateAssignmentInput.parse({ schedule: { steps: [10, 50, 100], everyMinutes: 30, promoteAtEnd: true } }));
    expect(a.rolloutPercent).toBe(10);
    const next = Date.parse(a.schedule!.nextStepAt!);
    expect(next).toBeGreaterThanOrEqual(t0 + 30 * 60_000 - 1000);
    expect(next).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);

    // Not due yet: nothing moves.
    await runReleaseTick(s.db, new Date(t0 + 10 * 60_000));
    expect((await getAssignment(lab.admin, a.id)).rolloutPercent).toBe(10);

    // Due: two ticks at once (two server processes) take one step, not two.
    const at = new Date(next + 1000);
    await Promise.all([runReleaseTick(s.db, at), runReleaseTick(s.db, at)]);
    a = await getAssignment(lab.admin, a.id);
    expect(a.rolloutPercent).toBe(50);

    // Paused: the clock waits.
    a = await updateAssignment(lab.admin, a.id, updateAssignmentInput.parse({ paused: true, revision: a.revision }));
    await runReleaseTick(s.db, new Date(next + 2 * 3_600_000));
    expect((await getAssignment(lab.admin, a.id)).rolloutPercent).toBe(50);
    a = await updateAssignment(lab.admin, a.id, updateAssignmentInput.parse({ paused: false, revision: a.revision }));
    const resumedNext = Date.parse(a.schedule!.nextStepAt!);
    expect(resumedNext).toBeGreaterThan(Date.now() + 29 * 60_000);

    await runReleaseTick(s.db, new Date(resumedNext + 1000));
    a = await getAssignment(lab.admin, a.id);
    expect(a.rolloutPercent).toBe(100);
    await runReleaseTick(s.db, new Date(Date.parse(a.schedule!.nextStepAt!) + 1000));
    a = await getAssignment(lab.admin, a.id);
    expect(a.stable?.version).toBe("1.1.0");
    expect(a.candidate).toBeNull();
    expect(a.schedule?.nextStepAt).toBeNull();

    const timeline = await call("GET", `/api/v1/assignments/${a.id}/events`);
    const actions = (timeline.data.items as { action: string; actor: string }[]).map((e) => `${e.action}:${e.actor}`);
    expect(actions.slice(0, 3)).toEqual(["promote:system (schedule)", "step:system (schedule)", "resume:admin@demo.test"]);
    expect(actions.filter((x) => x.startsWith("step:"))).toHaveLength(2);
  });

  it("a schedule without a candidate is a conflict", async () => {
    const admin = await s.as("admin");
    const mp = await labMiniProgram(admin, [{ version: "1.0.0" }]);
    const host = await labHost(admin);
    const a = await assignVersion(admin, host.id, { appId: mp.appId, versionId: mp.versions["1.0.0"]!.id });
    const res = await call("PATCH", `/api/v1/assignments/${a.id}`, { schedule: { steps: [10, 100], everyMinutes: 5 } });
    expect(res.status).toBe(409);
  });
});

describe("guardrail: real signed events over HTTP halt a bad candidate", () => {
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    server = await serveOverHttp((req) => api(req));
  });
  afterAll(() => server.close());

  async function fleet(lab: Lab, launches: { version: string; n: number; errors: number }[]) {
    const device = new AtriumSdkClient({ baseUrl: server.url, sdkKey: lab.host.sdkKey, sdkSecret: lab.host.sdkSecret });
    for (const { version, n, errors } of launches) {
      for (let i = 0; i < n; i++) device.track({ type: "launch", appId: lab.mp.appId, version, userId: `dev-${version}-${i}`, platform: "ios" });
      for (let i = 0; i < errors; i++) device.track({ type: "error", appId: lab.mp.appId, version, userId: `dev-${version}-${i}`, platform: "ios", message: "TypeError: boom" });
    }
    const r = await device.flush();
    expect(r.error).toBeNull();
    return r;
  }

  it("does not halt below minLaunches, halts once over the ceiling on enough launches, audits as the system, sends rollout.halted", async () => {
    const lab = await setup({ candidatePercent: 50 });
    const orgId = lab.admin.org.id;
    await s.db.insert(webhookEndpoints).values({ orgId, id: newId("whk"), url: "https://hooks.example.test/atrium", events: ["rollout.halted"], secretEnc: encryptSecret("whsec_test"), createdBy: "test" });
    let a = await updateAssignment(lab.admin, lab.assignment.id, updateAssignmentInput.parse({ guardrail: { maxErrorRate: 0.05, minLaunches: 40, windowMinutes: 30 } }));

    // 30 launches with 6 errors (20 %): over the rate, but too few launches to judge.
    const first = await fleet(lab, [{ version: "1.1.0", n: 30, errors: 6 }, { version: "1.0.0", n: 30, errors: 0 }]);
    expect(first.accepted).toBe(66);
    await runReleaseTick(s.db);
    a = await getAssignment(lab.admin, a.id);
    expect(a.paused).toBe(false);
    expect(a.haltedBy).toBeNull();

    // 20 more launches, 4 more errors: 50 launches, 10 errors (20 %) > 5 %.
    await fleet(lab, [{ version: "1.1.0", n: 20, errors: 4 }]);
    // A tick the loop paces past the guardrails (guardrailPauseMs) reads none: the rollout runs on until the next pass.
    const paced = await runReleaseTick(s.db, new Date(), { guardrails: false });
    expect(paced.halted).toBe(0);
    expect(paced.guardrailMs).toBeUndefined();
    expect((await getAssignment(lab.admin, a.id)).paused).toBe(false);
    const report = await runReleaseTick(s.db);
    expect(report.halted).toBeGreaterThanOrEqual(1);
    expect(report.guardrailMs).toBeGreaterThanOrEqual(0);
    a = await getAssignment(lab.admin, a.id);
    expect(a).toMatchObject({ paused: true, haltedBy: "guardrail" });
    expect(a.haltReason).toContain("20%");
    expect(a.haltReason).toContain("10 errors in 50 launches");
    expect(a.haltReason).toContain("5%");
    expect(a.haltedAt).not.toBeNull();
    // Paused means stable for everyone, at once.
    for (const u of ["x-1", "x-2", "x-3", "x-4", "x-5", "x-6"]) expect(await served(lab, { user: u, platform: "ios", sdkVersion: "3.0.0" })).toBe("1.0.0");

    const [audit] = await s.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), eq(auditLog.objectId, a.id), eq(auditLog.action, "assignment.halt")));
    expect(audit).toMatchObject({ actorType: "system", actorId: null });
    const deliveries = await s.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.event, "rollout.halted")));
    const mine = deliveries.filter((d) => (d.payload.data as { assignmentId: string }).assignmentId === a.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload.data).toMatchObject({ haltedBy: "guardrail", figures: { launches: 50, errors: 10, errorRate: 0.2 } });

    // Another tick does not halt twice; only a person resumes, which ends the halt.
    await runReleaseTick(s.db);
    expect((await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, orgId), eq(auditLog.objectId, a.id), eq(auditLog.action, "assignment.halt")))).length).toBe(1);
    const resumed = await call("PATCH", `/api/v1/assignments/${a.id}`, { paused: false, revision: a.revision });
    expect(resumed.status).toBe(200);
    expect(resumed.data).toMatchObject({ paused: false, haltedBy: null, haltReason: null });
    // The errors before the resume do not halt it again; new ones over the ceiling do.
    await runReleaseTick(s.db);
    expect((await getAssignment(lab.admin, a.id)).paused).toBe(false);
    await fleet(lab, [{ version: "1.1.0", n: 40, errors: 8 }]);
    await runReleaseTick(s.db);
    expect(await getAssignment(lab.admin, a.id)).toMatchObject({ paused: true, haltedBy: "guardrail" });
  });
});

describe("guardrail pacing", () => {
  it("waits three times a pass before the next, never more than GUARDRAIL_MAX_PAUSE_MS (a halt stays within CONTRACT §8's 60 s)", () => {
    expect(guardrailPauseMs(20)).toBe(60);
    expect(guardrailPauseMs(700)).toBe(2_100);
    expect(guardrailPauseMs(60_000)).toBe(GUARDRAIL_MAX_PAUSE_MS);
    expect(GUARDRAIL_MAX_PAUSE_MS + RELEASE_TICK_MS).toBeLessThanOrEqual(30_000);
  });
});

describe("a release through two rings", () => {
  it("rolls ring by ring, the next only after the previous finished; completes; webhooks and audit follow", async () => {
    const admin = await s.as("admin");
    const mp = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0" }, { version: "1.4.0", status: "draft" }]);
    const internal = await labHost(admin);
    const beta = await labHost(admin);
    const fresh = await labHost(admin);
    const onInternal = await assignVersion(admin, internal.id, { appId: mp.appId, versionId: mp.versions["1.0.0"]!.id });
    const onBeta = await assignVersion(admin, beta.id, { appId: mp.appId, versionId: mp.versions["1.0.0"]!.id });

    // Bad input first: a draft, a host in two rings, an unknown host.
    const bad = await call("POST", "/api/v1/releases", { appId: mp.appId, versionId: mp.versions["1.4.0"]!.id, rings: [{ name: "x", hostIds: [internal.id] }] });
    expect(bad.status).toBe(422);
    const twice = await call("POST", "/api/v1/releases", { appId: mp.appId, versionId: mp.versions["1.1.0"]!.id, rings: [{ name: "a", hostIds: [internal.id] }, { name: "b", hostIds: [internal.id] }] });
    expect(twice.status).toBe(422);
    expect(Object.keys(twice.data.error.details.fields)).toEqual(["rings.1.hostIds.0"]);
    const unknown = await call("POST", "/api/v1/releases", { appId: mp.appId, versionId: mp.versions["1.1.0"]!.id, rings: [{ name: "a", hostIds: ["hst_00000000000000000000000000"] }] });
    expect(unknown.status).toBe(422);
    expect(unknown.data.error.details.reasons[0].code).toBe("host_not_found");

    const res = await call("POST", "/api/v1/releases", {
      appId: mp.appId,
      versionId: mp.versions["1.1.0"]!.id,
      rings: [
        { name: "internal", hostIds: [internal.id], guardrail: { maxErrorRate: 0.1, minLaunches: 50, windowMinutes: 60 } },
        { name: "everyone", hostIds: [beta.id, fresh.id], schedule: { steps: [25, 100], everyMinutes: 60 } },
      ],
    });
    expect(res.status).toBe(201);
    const id = res.data.id as string;
    expect(res.data).toMatchObject({ status: "running", currentRing: 0, rings: [{ state: "rolling" }, { state: "pending" }] });
    expect(res.data.rings[0].hosts[0]).toMatchObject({ hostId: internal.id, state: "rolling", rolloutPercent: 0 });
    expect((await getAssignment(admin, onInternal.id)).candidate?.version).toBe("1.1.0");
    expect((await getAssignment(admin, onBeta.id)).candidate).toBeNull();
    // One running release per mini-program.
    const again = await call("POST", "/api/v1/releases", { appId: mp.appId, versionId: mp.versions["1.1.0"]!.id, rings: [{ name: "x", hostIds: [beta.id] }] });
    expect(again.status).toBe(409);

    // Nothing finished: the runner waits.
    await runReleaseTick(s.db);
    expect((await getRelease(admin, id)).currentRing).toBe(0);

    // A person promotes the internal host: ring 2 starts, with its schedule.
    await promoteAssignment(admin, onInternal.id);
    await runReleaseTick(s.db);
    let r = await getRelease(admin, id);
    expect(r).toMatchObject({ status: "running", currentRing: 1, rings: [{ state: "completed" }, { state: "rolling" }] });
    const betaNow = await getAssignment(admin, onBeta.id);
    expect(betaNow).toMatchObject({ rolloutPercent: 25, releaseId: id, schedule: { steps: [25, 100], promoteAtEnd: true } });
    // A host that did not run the mini-program gets the version as its first stable version.
    expect(r.rings[1]!.hosts.find((h) => h.hostId === fresh.id)).toMatchObject({ state: "done" });

    // The schedule carries the ring to its end; then the release completes.
    const stepAt = Date.parse(betaNow.schedule!.nextStepAt!);
    await runReleaseTick(s.db, new Date(stepAt + 1000));
    expect((await getAssignment(admin, onBeta.id)).rolloutPercent).toBe(100);
    await runReleaseTick(s.db, new Date(stepAt + 61 * 60_000 + 2000));
    expect((await getAssignment(admin, onBeta.id)).stable?.version).toBe("1.1.0");
    await runReleaseTick(s.db, new Date(stepAt + 61 * 60_000 + 3000));
    r = await getRelease(admin, id);
    expect(r).toMatchObject({ status: "completed", rings: [{ state: "completed" }, { state: "completed" }] });
    expect(r.finishedAt).not.toBeNull();

    const audit = await s.db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.orgId, admin.org.id), eq(auditLog.objectId, id)));
    expect(audit.map((x) => x.action).sort()).toEqual(["release.complete", "release.create", "release.ring_start"]);
  });

  it("a person rolling back a ring's candidate halts the release and pauses nothing else wrongly", async () => {
    const admin = await s.as("admin");
    const mp = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0" }]);
    const h1 = await labHost(admin);
    const h2 = await labHost(admin);
    const h3 = await labHost(admin);
    const a1 = await assignVersion(admin, h1.id, { appId: mp.appId, versionId: mp.versions["1.0.0"]!.id });
    const a2 = await assignVersion(admin, h2.id, { appId: mp.appId, versionId: mp.versions["1.0.0"]!.id });
    await assignVersion(admin, h3.id, { appId: mp.appId, versionId: mp.versions["1.0.0"]!.id });
    const r = await createRelease(admin, createReleaseInput.parse({ appId: mp.appId, versionId: mp.versions["1.1.0"]!.id, rings: [{ name: "first", hostIds: [h1.id, h2.id] }, { name: "rest", hostIds: [h3.id] }] }));
    await rollbackAssignment(admin, a1.id);
    await runReleaseTick(s.db);
    const after = await getRelease(admin, r.id);
    expect(after.status).toBe("halted");
    expect(after.rings.map((x) => x.state)).toEqual(["halted", "pending"]);
    expect(after.haltReason).toContain("no longer the candidate");
    // The ring's other host is paused by the release; the next ring never started.
    expect(await getAssignment(admin, a2.id)).toMatchObject({ paused: true, haltedBy: "release" });
    const [row] = await s.db.select().from(assignments).where(and(eq(assignments.orgId, admin.org.id), eq(assignments.hostId, h3.id)));
    expect(row?.candidateVersionId).toBeNull();
  });
});

describe("guardrail counts: every candidate of an organization in one statement", () => {
  it("equal each window's own figures, in order, with zeros where nothing happened", async () => {
    const admin = await s.as("admin");
    const seen = await selectRows<{ host_id: string; app_id: string; version: string }>(
      s.db,
      sql`SELECT DISTINCT host_id, app_id, version FROM events WHERE org_id = ${admin.org.id} ORDER BY 1, 2, 3 LIMIT 8`,
    );
    const [latest] = await selectRows<{ last: string }>(s.db, sql`SELECT max(ts)::text AS last FROM events WHERE org_id = ${admin.org.id}`);
    const until = new Date(new Date(latest!.last).getTime() + 60_000);
    const windows: GuardrailWindow[] = [];
    for (const e of seen) for (const days of [1, 7, 30]) windows.push({ hostId: e.host_id, appId: e.app_id, version: e.version, since: new Date(until.getTime() - days * 86_400_000) });
    windows.push({ hostId: seen[0]!.host_id, appId: seen[0]!.app_id, version: "9.9.9-never", since: new Date(0) });
    const counts = await guardrailCounts(s.db, admin.org.id, windows, until);
    const expected = await Promise.all(
      windows.map(async (w) => {
        const [f] = await versionFigures(s.db, { orgId: admin.org.id, hostId: w.hostId, appId: w.appId }, [w.version], w.since, until);
        return { launches: f!.launches, errors: f!.errors };
      }),
    );
    expect(counts).toEqual(expected);
    expect(counts.at(-1)).toEqual({ launches: 0, errors: 0 });
    // Not vacuous: the seeded events give launches and errors to some windows, and the windows differ.
    expect(counts.some((c) => c.launches > 0)).toBe(true);
    expect(counts.some((c) => c.errors > 0)).toBe(true);
    expect(new Set(counts.map((c) => c.launches)).size).toBeGreaterThan(2);
    // Another organization's id finds none of them.
    expect((await guardrailCounts(s.db, "org_nobody", windows, until)).every((c) => c.launches === 0 && c.errors === 0)).toBe(true);
  });

  it("read only the candidate's launches and errors, from the guardrail's partial index", async () => {
    const admin = await s.as("admin");
    const windows: GuardrailWindow[] = [
      { hostId: "h1", appId: "com.demo.loyalty", version: "1.1.0", since: new Date(Date.now() - 3_600_000) },
      { hostId: "h2", appId: "com.demo.coupons", version: "1.2.0", since: new Date(Date.now() - 86_400_000) },
    ];
    // With sequential scans priced out, the plan shows which index the statement can use: events_guard_idx only if
    // its conditions imply the index's predicate (launches and errors), and nothing of the other events is read.
    const plan = await s.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      const rows = await selectRows<{ "QUERY PLAN": unknown }>(tx, sql`EXPLAIN (FORMAT JSON) ${guardrailCountsQuery(admin.org.id, windows, new Date())}`);
      return JSON.stringify(rows[0]!["QUERY PLAN"]);
    });
    expect(plan).toContain('"Index Name":"events_guard_idx"');
    expect(plan).not.toContain("events_app_ts_idx");
  });
});

describe("the demo's release-control stories (CONTRACT §2, issue 14 item 6)", () => {
  it("a rollout halted by its guardrail, whose reason gives the figures the seeded events show, audited as the system", async () => {
    const admin = await s.as("admin");
    const [row] = await s.db
      .select()
      .from(assignments)
      .where(and(eq(assignments.orgId, admin.org.id), eq(assignments.appId, "com.demo.loyalty")));
    const a = await getAssignment(admin, row!.id);
    expect(a).toMatchObject({ hostName: "Demo Wallet", paused: true, haltedBy: "guardrail", candidate: { version: "1.1.0" }, rolloutPercent: 25, schedule: { steps: [5, 25, 50, 100] } });
    const g = a.guardrail!;
    const until = new Date(a.haltedAt!);
    const since = new Date(Math.max(until.getTime() - g.windowMinutes * 60_000, row!.guardrailSince!.getTime()));
    const [f] = await versionFigures(s.db, { orgId: admin.org.id, hostId: a.hostId, appId: a.appId }, ["1.1.0"], since, until);
    expect(a.haltReason).toContain(`${f!.errors} errors in ${Math.max(f!.launches, 1)} launches of 1.1.0`);
    const [audit] = await s.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, admin.org.id), eq(auditLog.objectId, a.id), eq(auditLog.action, "assignment.halt")));
    expect(audit).toMatchObject({ actorType: "system", actorLabel: "system (guardrail)" });
    // The halt is on the overview's list.
    expect((await listHaltedRollouts(admin)).map((h) => h.assignmentId)).toContain(a.id);
  });

  it("a trial version for two testers on Demo Workplace", async () => {
    const admin = await s.as("admin");
    const [row] = await s.db
      .select()
      .from(assignments)
      .where(and(eq(assignments.orgId, admin.org.id), eq(assignments.appId, "com.demo.coupons"), isNotNull(assignments.trialVersionId)));
    expect(await getAssignment(admin, row!.id)).toMatchObject({ hostName: "Demo Workplace", testers: ["qa-ada", "qa-lin"], trial: { version: "1.2.0", status: "in_review", delivery: "delivered" } });
  });
});
