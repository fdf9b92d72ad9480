// Review as a specification: who may decide, separation of duties, every transition from every state,
// racing decisions, tenancy, claims, and the diff and risk against the latest approved version.
import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { auditLog, reviews, versions, type Role, type VersionStatus } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { buildMiniProgramPackage, type MiniProgramPackageOptions } from "@/lib/packages/zip-writer";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { useSeededDb } from "@/test/seeded";
import { createMiniProgram, createMiniProgramInput } from "./mini-programs";
import {
  approveVersion,
  claimReview,
  getReviewDetail,
  listReviewQueue,
  OWN_UPLOAD_MESSAGE,
  rejectInput,
  rejectVersion,
  releaseReview,
  revokeInput,
  revokeVersion,
} from "./reviews";
import { getVersion, listVersions, submitVersion, uploadVersion } from "./versions";

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
async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

const LAB = "com.example.review-lab";
let patch = 0;
/** A fresh version of the lab mini-program, uploaded by `uploader` and put into `status`. */
async function labVersion(status: VersionStatus = "in_review", uploader: Role = "developer", pkg: Partial<MiniProgramPackageOptions> = {}) {
  const ctx = await s.as(uploader);
  const { version } = await uploadVersion(ctx, LAB, buildMiniProgramPackage({ appId: LAB, version: `1.0.${++patch}`, ...pkg }));
  if (status !== "draft") await submitVersion(ctx, version.id);
  if (status !== "draft" && status !== "in_review") {
    await s.db.update(versions).set({ status, decidedAt: new Date() }).where(and(eq(versions.orgId, s.seed.orgs.demo!), eq(versions.id, version.id)));
  }
  return version;
}

const statusOf = async (id: string) => (await s.db.select({ status: versions.status }).from(versions).where(eq(versions.id, id)))[0]!.status;
const reviewRows = (id: string) => s.db.select().from(reviews).where(and(eq(reviews.orgId, s.seed.orgs.demo!), eq(reviews.versionId, id)));
const auditOf = (action: string, id: string) => s.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.objectId, id)));
const REJECT = rejectInput.parse({ reasons: ["security_risk", "broken_functionality"], comment: "The token is logged in clear text." });

beforeAll(async () => {
  await createMiniProgram(await s.as("developer"), createMiniProgramInput.parse({ appId: LAB, name: "Review lab" }));
});

describe("who may decide (CONTRACT §1)", () => {
  it.each<[Role, string]>([
    ["owner", "ok"],
    ["admin", "ok"],
    ["reviewer", "ok"],
    ["developer", "forbidden"],
    ["analyst", "forbidden"],
  ])("%s approving: %s", async (role, outcome) => {
    const v = await labVersion();
    expect(await codeOf(approveVersion(await s.as(role), v.id))).toBe(outcome);
    expect(await statusOf(v.id)).toBe(outcome === "ok" ? "approved" : "in_review");
  });

  it.each<[Role, string]>([
    ["owner", "ok"],
    ["admin", "ok"],
    ["reviewer", "ok"],
    ["developer", "forbidden"],
    ["analyst", "forbidden"],
  ])("%s rejecting: %s", async (role, outcome) => {
    const v = await labVersion();
    expect(await codeOf(rejectVersion(await s.as(role), v.id, REJECT))).toBe(outcome);
  });

  it.each<[Role, string]>([
    ["owner", "ok"],
    ["admin", "ok"],
    ["reviewer", "ok"],
    ["developer", "forbidden"],
    ["analyst", "forbidden"],
  ])("%s revoking: %s", async (role, outcome) => {
    const v = await labVersion("approved");
    expect(await codeOf(revokeVersion(await s.as(role), v.id, { reason: "Leaks tokens" }))).toBe(outcome);
  });

  it.each<[Role, string]>([
    ["owner", "ok"],
    ["reviewer", "ok"],
    ["developer", "forbidden"],
    ["analyst", "forbidden"],
  ])("%s reading the queue: %s", async (role, outcome) => {
    expect(await codeOf(listReviewQueue(await s.as(role)))).toBe(outcome);
  });
});

describe("separation of duties", () => {
  it.each<Role>(["owner", "admin"])("the %s cannot approve or reject their own upload, whatever their role", async (role) => {
    const v = await labVersion("in_review", role);
    const ctx = await s.as(role);
    // Each call starts only when awaited: started together, a later rejection would be unhandled meanwhile.
    for (const attempt of [() => approveVersion(ctx, v.id), () => rejectVersion(ctx, v.id, REJECT), () => claimReview(ctx, v.id)]) {
      const err = await failure(attempt());
      expect(err.code).toBe("forbidden");
      expect(err.message).toBe(OWN_UPLOAD_MESSAGE);
    }
    expect(await statusOf(v.id)).toBe("in_review");
    expect(await reviewRows(v.id)).toEqual([]);
    // Someone else may.
    expect((await approveVersion(await s.as("reviewer"), v.id)).status).toBe("approved");
  });

  it("the review page tells the uploader they cannot decide", async () => {
    const v = await labVersion("in_review", "admin");
    const mine = await getReviewDetail(await s.as("admin"), v.id);
    expect(mine.viewer).toMatchObject({ isUploader: true, canDecide: false });
    const theirs = await getReviewDetail(await s.as("reviewer"), v.id);
    expect(theirs.viewer).toMatchObject({ isUploader: false, canDecide: true });
  });
});

describe("transitions (CONTRACT §5): a wrong state is a conflict and changes nothing", () => {
  type Action = "approve" | "reject" | "revoke";
  const CASES: [VersionStatus, Action, VersionStatus | "conflict"][] = [
    ["in_review", "approve", "approved"],
    ["in_review", "reject", "rejected"],
    ["in_review", "revoke", "conflict"],
    ["draft", "approve", "conflict"],
    ["draft", "reject", "conflict"],
    ["draft", "revoke", "conflict"],
    ["approved", "approve", "conflict"],
    ["approved", "reject", "conflict"],
    ["approved", "revoke", "revoked"],
    ["rejected", "approve", "conflict"],
    ["rejected", "reject", "conflict"],
    ["rejected", "revoke", "conflict"],
    ["revoked", "approve", "conflict"],
    ["revoked", "reject", "conflict"],
    ["revoked", "revoke", "conflict"],
  ];
  const run = async (action: Action, id: string) => {
    const reviewer = await s.as("reviewer");
    if (action === "approve") return approveVersion(reviewer, id, { comment: "Fine." });
    if (action === "reject") return rejectVersion(reviewer, id, REJECT);
    return revokeVersion(reviewer, id, { reason: "Payment callback accepts unsigned responses" });
  };

  it.each(CASES)("%s --%s--> %s", async (from, action, outcome) => {
    const v = await labVersion(from);
    const before = await reviewRows(v.id);
    if (outcome === "conflict") {
      const err = await failure(run(action, v.id));
      expect(err.code).toBe("conflict");
      expect(err.details).toEqual({ status: from });
      expect(await statusOf(v.id)).toBe(from);
      expect(await reviewRows(v.id)).toEqual(before);
      expect(await auditOf(`version.${action}`, v.id)).toEqual([]);
      return;
    }
    const after = await run(action, v.id);
    expect(after).toMatchObject({ id: v.id, status: outcome, uploadedBy: "developer@demo.test" });
    const [entry] = await auditOf(`version.${action}`, v.id);
    expect(entry).toMatchObject({ actorLabel: "reviewer@demo.test" });
    expect(entry!.changes).toMatchObject({ from, to: outcome });
    if (action === "revoke") {
      expect(after.revokeReason).toBe("Payment callback accepts unsigned responses");
      expect(after.revokedAt).not.toBeNull();
      expect(entry!.changes).toMatchObject({ reason: "Payment callback accepts unsigned responses" });
    } else {
      expect(after.decidedAt).not.toBeNull();
      expect(await reviewRows(v.id)).toHaveLength(1);
    }
  });

  it("a rejection's reasons and comment reach the developer through the version", async () => {
    const v = await labVersion();
    await rejectVersion(await s.as("reviewer"), v.id, REJECT);
    const seen = await getVersion(await s.as("developer"), v.id);
    expect(seen.status).toBe("rejected");
    expect(seen.reviews).toEqual([
      { decision: "rejected", reasons: ["broken_functionality", "security_risk"], comment: "The token is logged in clear text.", reviewer: "reviewer@demo.test", at: expect.any(String) },
    ]);
    const listed = await listVersions(await s.as("developer"), LAB, { limit: 200 });
    expect(listed.items.find((x) => x.id === v.id)!.reviews[0]!.reasons).toEqual(["broken_functionality", "security_risk"]);
  });

  it("reject input: at least one reason, from the catalog; “other” needs a comment", () => {
    expect(rejectInput.safeParse({ reasons: [], comment: "x" }).success).toBe(false);
    expect(rejectInput.safeParse({ reasons: ["looks_bad"], comment: "x" }).success).toBe(false);
    expect(rejectInput.safeParse({ reasons: ["other"], comment: "  " }).success).toBe(false);
    expect(rejectInput.safeParse({ reasons: ["other"], comment: "Crashes on launch" }).success).toBe(true);
    expect(rejectInput.parse({ reasons: ["policy_violation", "policy_violation"] })).toEqual({ reasons: ["policy_violation"], comment: "" });
    expect(revokeInput.safeParse({ reason: "" }).success).toBe(false);
  });
});

describe("races", () => {
  it("two racing approvals: exactly one wins, the other is a conflict, one review row", async () => {
    const v = await labVersion();
    const results = await Promise.allSettled([approveVersion(await s.as("reviewer"), v.id), approveVersion(await s.as("owner"), v.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as AppError).code).toBe("conflict");
    expect(await reviewRows(v.id)).toHaveLength(1);
    expect(await auditOf("version.approve", v.id)).toHaveLength(1);
  });

  it("an approval racing a rejection: exactly one decision stands", async () => {
    const v = await labVersion();
    const results = await Promise.allSettled([approveVersion(await s.as("admin"), v.id), rejectVersion(await s.as("reviewer"), v.id, REJECT)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rows = await reviewRows(v.id);
    expect(rows).toHaveLength(1);
    expect(await statusOf(v.id)).toBe(rows[0]!.decision);
  });

  it("two racing revocations: exactly one wins", async () => {
    const v = await labVersion("approved");
    const results = await Promise.allSettled([revokeVersion(await s.as("admin"), v.id, { reason: "a" }), revokeVersion(await s.as("reviewer"), v.id, { reason: "b" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await auditOf("version.revoke", v.id)).toHaveLength(1);
  });
});

describe("tenancy", () => {
  it("another organization's version answers not_found, like a missing one", async () => {
    const v = await labVersion();
    const other = await s.otherAdmin();
    expect(await codeOf(approveVersion(other, v.id))).toBe("not_found");
    expect(await codeOf(rejectVersion(other, v.id, REJECT))).toBe("not_found");
    expect(await codeOf(claimReview(other, v.id))).toBe("not_found");
    expect(await codeOf(getReviewDetail(other, v.id))).toBe("not_found");
    expect(await codeOf(approveVersion(other, "ver_00000000000000000000000000"))).toBe("not_found");
    expect(await codeOf(approveVersion(other, "not-an-id"))).toBe("not_found");
    expect(await statusOf(v.id)).toBe("in_review");
  });

  it("Other Corp's queue holds only its own version, and Demo's holds none of Other Corp's", async () => {
    const theirs = await listReviewQueue(await s.otherAdmin());
    expect(theirs.items.map((i) => `${i.appId}@${i.version}`)).toEqual(["com.demo.coupons@1.0.0"]);
    const ours = await listReviewQueue(await s.as("reviewer"));
    expect(ours.items.map((i) => i.id)).not.toContain(theirs.items[0]!.id);
  });
});

describe("the queue", () => {
  it("is oldest first, with time in queue, age marks and risk, over the seeded versions", async () => {
    const q = await listReviewQueue(await s.as("reviewer"), { appId: undefined });
    const seeded = q.items.filter((i) => i.appId.startsWith("com.demo."));
    expect(seeded.map((i) => `${i.appId}@${i.version}`)).toEqual(["com.demo.coupons@1.2.0", "com.demo.parking@1.1.0", "com.demo.weather@2.1.0"]);
    expect(seeded.map((i) => i.ageMark)).toEqual(["over72h", "over24h", null]);
    expect(seeded[0]!.waitingMs).toBeGreaterThan(79 * 3_600_000);
    expect(seeded.map((i) => i.baselineVersion)).toEqual(["1.1.1", "1.0.1", "2.0.0"]);
    // Coupons 1.2.0 calls a domain it does not declare: a stated risk.
    expect(seeded[0]!.risk.score).toBeGreaterThan(0);
    expect(q.oldest).toMatchObject({ appId: "com.demo.coupons", version: "1.2.0", ageMark: "over72h" });
    expect(q.facets.reviewers.map((r) => r.email)).toEqual(["admin@demo.test", "owner@demo.test", "reviewer@demo.test"]);
  });

  it("is marked by waiting time against an injected clock", async () => {
    const v = await labVersion();
    const at = (await s.db.select({ t: versions.submittedAt }).from(versions).where(eq(versions.id, v.id)))[0]!.t!;
    const mark = async (hours: number) => (await listReviewQueue(await s.as("reviewer"), {}, new Date(at.getTime() + hours * 3_600_000))).items.find((i) => i.id === v.id)!.ageMark;
    expect([await mark(1), await mark(25), await mark(73)]).toEqual([null, "over24h", "over72h"]);
  });

  it("filters by mini-program, risk and claim", async () => {
    const reviewer = await s.as("reviewer");
    const byApp = await listReviewQueue(reviewer, { appId: "com.demo.parking" });
    expect(byApp.items.map((i) => i.appId)).toEqual(["com.demo.parking"]);
    expect(byApp.total).toBeGreaterThan(1);
    const risky = await labVersion("in_review", "developer", { permissions: ["camera", "microphone", "contacts", "album", "payment", "nfc"], domains: ["https://a.example.com", "https://b.example.com"] });
    const high = await listReviewQueue(reviewer, { risk: "high" });
    expect(high.items.map((i) => i.id)).toContain(risky.id);
    expect(high.items.every((i) => i.risk.level === "high")).toBe(true);
    const low = await listReviewQueue(reviewer, { risk: "low" });
    expect(low.items.map((i) => i.id)).not.toContain(risky.id);

    await claimReview(reviewer, risky.id);
    expect((await listReviewQueue(reviewer, { claimedBy: "me" })).items.map((i) => i.id)).toEqual([risky.id]);
    expect((await listReviewQueue(reviewer, { claimedBy: "unclaimed" })).items.map((i) => i.id)).not.toContain(risky.id);
    expect((await listReviewQueue(await s.as("admin"), { claimedBy: reviewer.actor.userId })).items.map((i) => i.id)).toEqual([risky.id]);
    await releaseReview(reviewer, risky.id);
  });
});

describe("a long queue", () => {
  it("is paged: every page is its share of one order, and the counts cover the whole queue, not a capped read", async () => {
    const template = (await s.db.select().from(versions).where(eq(versions.id, (await labVersion()).id)))[0]!;
    const base = Date.now() - 3_600_000;
    const copies = Array.from({ length: 70 }, (_, i) => ({ ...template, id: newId("ver", base + i), version: `0.40.${i}`, submittedAt: new Date(base + i * 1000), claimedBy: null, claimedAt: null }));
    await s.db.insert(versions).values(copies);
    // The copies leave with this test: the tests after it read the first page of a short queue.
    onTestFinished(() => s.db.delete(versions).where(inArray(versions.id, copies.map((c) => c.id))).then(() => undefined));
    const reviewer = await s.as("reviewer");
    const whole = await listReviewQueue(reviewer, {}, new Date(), { pageSize: 500 });
    expect(whole.items.length).toBe(whole.total);
    expect(whole.total).toBeGreaterThanOrEqual(71);

    const pages = [];
    for (let page = 1; page <= Math.ceil(whole.total / 25) + 1; page++) pages.push(await listReviewQueue(reviewer, {}, new Date(), { page, pageSize: 25 }));
    expect(pages[0]!.items).toHaveLength(25);
    expect(pages[0]!.pages).toBe(Math.ceil(whole.total / 25));
    expect(pages.every((p) => p.total === whole.total && p.matched === whole.total)).toBe(true);
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(whole.items.map((i) => i.id));
    expect(pages.at(-1)!.items).toEqual([]);

    // The risk filter pages and counts over the whole queue too (the copies share the template's level).
    const risk = whole.items.find((i) => i.id === template.id)!.risk.level;
    const low = await listReviewQueue(reviewer, { risk }, new Date(), { pageSize: 500 });
    const lowPaged = [1, 2, 3, 4].map((page) => listReviewQueue(reviewer, { risk }, new Date(), { page, pageSize: 30 }));
    const lows = await Promise.all(lowPaged);
    expect(lows.every((p) => p.matched === low.items.length)).toBe(true);
    expect(lows.flatMap((p) => p.items.map((i) => i.id))).toEqual(low.items.map((i) => i.id).slice(0, 120));
    expect(low.items.length).toBeGreaterThanOrEqual(70);
  });

  it("scores each version against the latest approved version uploaded before it, not the mini-program's latest", async () => {
    const first = await labVersion("approved");
    const queuedEarly = await labVersion();
    const second = await labVersion("approved");
    const queuedLate = await labVersion();
    const q = await listReviewQueue(await s.as("reviewer"), { appId: LAB }, new Date(), { pageSize: 500 });
    const baselineOf = (id: string) => q.items.find((i) => i.id === id)!.baselineVersion;
    expect([baselineOf(queuedEarly.id), baselineOf(queuedLate.id)]).toEqual([first.version, second.version]);
  });
});

describe("claims", () => {
  it("a claim shows who holds it; others cannot take it; the holder or an admin releases it; all audited", async () => {
    const v = await labVersion();
    const reviewer = await s.as("reviewer");
    const owner = await s.as("owner");
    const claimed = await claimReview(reviewer, v.id);
    expect(claimed.claim).toMatchObject({ email: "reviewer@demo.test" });
    const seen = (await listReviewQueue(owner)).items.find((i) => i.id === v.id)!;
    expect(seen.claim).toMatchObject({ userId: reviewer.actor.userId, email: "reviewer@demo.test", name: "Rita Reviewer" });

    const taken = await failure(claimReview(owner, v.id));
    expect(taken.code).toBe("conflict");
    expect(taken.message).toContain("reviewer@demo.test");
    // Claiming again is harmless for the holder.
    expect(await codeOf(claimReview(reviewer, v.id))).toBe("ok");

    expect(await releaseReview(reviewer, v.id)).toEqual({ id: v.id, claim: null });
    expect(await codeOf(releaseReview(reviewer, v.id))).toBe("conflict");
    expect(await auditOf("version.claim", v.id)).toHaveLength(2);
    expect(await auditOf("version.unclaim", v.id)).toHaveLength(1);

    // An admin may free a claim someone left behind; a reviewer may not free another's.
    await claimReview(owner, v.id);
    expect(await codeOf(releaseReview(reviewer, v.id))).toBe("conflict");
    expect(await codeOf(releaseReview(await s.as("admin"), v.id))).toBe("ok");
  });

  it("a claim does not stop another reviewer's decision, and a decision clears the claim", async () => {
    const v = await labVersion();
    await claimReview(await s.as("reviewer"), v.id);
    await approveVersion(await s.as("admin"), v.id);
    const [row] = await s.db.select().from(versions).where(eq(versions.id, v.id));
    expect(row).toMatchObject({ status: "approved", claimedBy: null, claimedAt: null });
    expect(await codeOf(claimReview(await s.as("reviewer"), v.id))).toBe("conflict");
  });

  it.each<Role>(["developer", "analyst"])("a %s cannot claim", async (role) => {
    const v = await labVersion();
    expect(await codeOf(claimReview(await s.as(role), v.id))).toBe("forbidden");
  });
});

describe("the review page: diff and risk against the latest approved version", () => {
  it("diffs a first version against nothing", async () => {
    const appId = "com.example.first-review";
    const dev = await s.as("developer");
    await createMiniProgram(dev, createMiniProgramInput.parse({ appId, name: "First" }));
    const { version } = await uploadVersion(dev, appId, buildMiniProgramPackage({ appId, version: "1.0.0", permissions: ["location"] }));
    await submitVersion(dev, version.id);
    const d = await getReviewDetail(await s.as("reviewer"), version.id);
    expect(d.baseline).toBeNull();
    expect(d.diff.versionBefore).toBeNull();
    expect(d.diff.permissions.added).toEqual(["location"]);
    expect(d.diff.size.packedDelta).toBeNull();
    expect(d.diff.textDiffs).toEqual([]);
    expect(d.missingPackages).toEqual([]);
  });

  it("tells a version with no approved predecessor from a first version (issue 13, item 11)", async () => {
    const appId = "com.example.never-approved";
    const dev = await s.as("developer");
    const reviewer = await s.as("reviewer");
    await createMiniProgram(dev, createMiniProgramInput.parse({ appId, name: "Never approved" }));
    const first = (await uploadVersion(dev, appId, buildMiniProgramPackage({ appId, version: "1.0.0" }))).version;
    await submitVersion(dev, first.id);
    const queued = (await listReviewQueue(reviewer, { appId })).items;
    expect(queued.map((i) => [i.version, i.baselineVersion, i.hasEarlierVersion])).toEqual([["1.0.0", null, false]]);
    expect((await getReviewDetail(reviewer, first.id)).hasEarlierVersion).toBe(false);
    // 1.0.0 is rejected, never approved; 1.1.0 has nothing approved to compare with, but it is not the first.
    await rejectVersion(reviewer, first.id, { reasons: ["broken_functionality"], comment: "" });
    const second = (await uploadVersion(dev, appId, buildMiniProgramPackage({ appId, version: "1.1.0" }))).version;
    await submitVersion(dev, second.id);
    const item = (await listReviewQueue(reviewer, { appId })).items.find((i) => i.id === second.id)!;
    expect(item).toMatchObject({ baselineVersion: null, hasEarlierVersion: true });
    expect(await getReviewDetail(reviewer, second.id)).toMatchObject({ baseline: null, hasEarlierVersion: true });
  });

  it("skips a revoked version: Parking 1.1.0 is compared with 1.0.1, not the revoked 1.0.0", async () => {
    const q = await listReviewQueue(await s.as("reviewer"), { appId: "com.demo.parking" });
    const d = await getReviewDetail(await s.as("reviewer"), q.items[0]!.id);
    expect(d.baseline?.version).toBe("1.0.1");
    expect(d.diff.files.added.map((f) => f.path)).toEqual(expect.arrayContaining(["pages/history/history.html"]));
    expect(d.diff.size.packedDelta).toBeGreaterThan(0);
    expect(d.version.uploadedBy).toBe("developer@demo.test");
  });

  it("compares with the newest approved one, shows code changes, and explains each point of risk", async () => {
    const reviewer = await s.as("reviewer");
    const base = { pages: ["pages/index/index"], permissions: ["location"], domains: ["https://api.example.com"] };
    const old = await labVersion("in_review", "developer", { ...base, code: { "pages/index/index": "Page({\n  onLoad() {\n    mp.getLocation({});\n  },\n});\n" } });
    await approveVersion(reviewer, old.id);
    const older = await labVersion("approved", "developer", { ...base });
    // `older` was approved after `old` but is the newer upload: it is the baseline.
    const next = await labVersion("in_review", "developer", {
      ...base,
      permissions: ["location", "camera"],
      domains: ["https://api.example.com", "https://cdn.example.com"],
      code: { "pages/index/index": "Page({\n  onLoad() {\n    mp.getLocation({});\n    mp.scanCode({});\n  },\n});\n" },
    });
    const d = await getReviewDetail(reviewer, next.id);
    expect(d.baseline).toMatchObject({ id: older.id, version: older.version });
    expect(d.diff.permissions).toEqual({ added: ["camera"], removed: [] });
    expect(d.diff.domains).toEqual({ added: ["https://cdn.example.com"], removed: [] });
    const js = d.diff.files.changed.find((f) => f.path === "pages/index/index.js")!;
    expect(js.sizeDelta).toBe(js.sizeAfter - js.sizeBefore);
    const text = d.diff.textDiffs.find((t) => t.path === "pages/index/index.js")!;
    expect(text.diff).toContain("+    mp.scanCode({});");
    expect(d.risk.items).toEqual(
      expect.arrayContaining([
        { key: "risk.newPermission", params: { permission: "camera" }, reason: "asks for a new permission: camera", points: 10 },
        { key: "risk.newDomain", params: { domain: "https://cdn.example.com" }, reason: "talks to a new domain: https://cdn.example.com", points: 8 },
      ]),
    );
    expect(d.risk.score).toBe(Math.min(100, d.risk.items.reduce((n, i) => n + i.points, 0)));
    // The queue shows the same score.
    const inQueue = (await listReviewQueue(reviewer)).items.find((i) => i.id === next.id)!;
    expect(inQueue.risk).toEqual({ score: d.risk.score, level: d.risk.level });
    expect(inQueue.baselineVersion).toBe(older.version);
  });
});
