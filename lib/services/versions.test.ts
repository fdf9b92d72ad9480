import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, versions, type VersionStatus } from "@/db/schema";
import type { Role } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import type { Inspection } from "@/lib/packages/inspect";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { useSeededDb } from "@/test/seeded";
import { createMiniProgram, createMiniProgramInput } from "./mini-programs";
import { getVersion, listVersions, submitVersion, uploadVersion, withdrawVersion } from "./versions";

const blobs = withTempBlobStore();
const s = useSeededDb();

const FIXTURES = path.resolve(import.meta.dirname, "../../test/fixtures/packages");
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, "expected.json"), "utf8")) as Record<string, { outcome: "ok" | "error"; codes: string[] }>;
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

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
const reportOf = (e: AppError) => (e.details as { inspection: Inspection }).inspection;
const findingCodes = (i: Inspection) => [...i.errors, ...i.warnings].map((f) => f.code);

// A mini-program the developer owns, for everything that needs fresh versions.
const LAB = "com.example.lab";
let labVersion = 0;
const nextLabPackage = (extra: Partial<Parameters<typeof buildMiniProgramPackage>[0]> = {}) =>
  buildMiniProgramPackage({ appId: LAB, version: `1.${++labVersion}.0`, ...extra });

beforeAll(async () => {
  const dev = await s.as("developer");
  await createMiniProgram(dev, createMiniProgramInput.parse({ appId: "com.example.fixture", name: "Fixture" }));
  await createMiniProgram(dev, createMiniProgramInput.parse({ appId: LAB, name: "Lab" }));
});

describe("each fixture package, uploaded to a mini-program with no versions", () => {
  beforeEach(async () => {
    await s.db.delete(versions).where(and(eq(versions.orgId, s.seed.orgs.demo!), eq(versions.appId, "com.example.fixture")));
  });

  it.each(Object.entries(expected))("%s: %o", async (file, { outcome, codes }) => {
    const dev = await s.as("developer");
    const bytes = fixture(file);
    if (outcome === "ok") {
      const res = await uploadVersion(dev, "com.example.fixture", bytes);
      expect(res.inspection.ok).toBe(true);
      expect(findingCodes(res.inspection)).toEqual(expect.arrayContaining(codes));
      if (codes.length === 0) expect(res.inspection.warnings).toEqual([]);
      expect(res.version).toMatchObject({ appId: "com.example.fixture", status: "draft", sha256: res.inspection.sha256, size: bytes.length, uploadedBy: "developer@demo.test" });
      expect(await blobs.store.has(res.inspection.sha256)).toBe(true);
    } else {
      const err = await failure(uploadVersion(dev, "com.example.fixture", bytes));
      expect(err.code).toBe("invalid_input");
      const report = reportOf(err);
      expect(report.ok).toBe(false);
      expect(findingCodes(report)).toEqual(expect.arrayContaining(codes));
      // Rejected packages are never kept.
      expect(await blobs.store.has(report.sha256)).toBe(false);
      expect(await s.db.select().from(versions).where(eq(versions.appId, "com.example.fixture"))).toEqual([]);
    }
  });

  it("ok-1.0.0 uploaded twice: the second is version_not_increasing", async () => {
    const dev = await s.as("developer");
    await uploadVersion(dev, "com.example.fixture", fixture("ok-1.0.0.zip"));
    const err = await failure(uploadVersion(dev, "com.example.fixture", fixture("ok-1.0.0.zip")));
    expect(err.code).toBe("invalid_input");
    expect(reportOf(err).errors.map((f) => f.code)).toEqual(["version_not_increasing"]);
  });
});

describe("uploading", () => {
  it("records a draft with manifest and report, audited", async () => {
    const dev = await s.as("developer");
    const res = await uploadVersion(dev, LAB, nextLabPackage({ permissions: ["camera"], domains: ["https://api.example.com"] }));
    const v = await getVersion(dev, res.version.id);
    expect(v).toMatchObject({ status: "draft", permissions: ["camera"], domains: ["https://api.example.com"], reviews: [] });
    expect(v.inspection.sha256).toBe(res.inspection.sha256);
    expect(v.manifest).toMatchObject({ appId: LAB });
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "version.upload"), eq(auditLog.objectId, res.version.id)));
    expect(entry).toMatchObject({ actorLabel: "developer@demo.test" });
  });

  it.each<[string, Role, string, string]>([
    ["a developer on a mini-program they collaborate on", "developer", "com.demo.expenses", "ok"],
    ["a developer on one they do not collaborate on", "developer", "com.demo.weather", "not_found"],
    ["an admin on any", "admin", "com.demo.weather", "ok"],
    ["a reviewer", "reviewer", "com.demo.weather", "forbidden"],
    ["an analyst", "analyst", "com.demo.weather", "forbidden"],
    ["anyone on a missing mini-program", "admin", "com.demo.nothing", "not_found"],
  ])("%s: %s", async (_label, role, appId, outcome) => {
    const bytes = buildMiniProgramPackage({ appId, version: `9.0.${role.length}${appId.length}` });
    expect(await codeOf(uploadVersion(await s.as(role), appId, bytes))).toBe(outcome);
  });

  it("another organization's appId is not found, even though Other Corp has a mini-program of that name", async () => {
    const other = await s.otherAdmin();
    expect(await codeOf(uploadVersion(other, "com.demo.weather", buildMiniProgramPackage({ appId: "com.demo.weather", version: "9.9.9" })))).toBe("not_found");
  });

  it("two racing uploads of the same version: exactly one wins, the other is refused", async () => {
    const dev = await s.as("developer");
    const bytes = nextLabPackage();
    const results = await Promise.allSettled([uploadVersion(dev, LAB, bytes), uploadVersion(dev, LAB, bytes)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as AppError;
    // Inspected before the winner committed, the loser meets the unique index (409); inspected after, it
    // sees the winner's version like any later upload (422 version_not_increasing). Both keep one version.
    if (lost.code === "invalid_input") {
      const codes = (lost.details as { inspection: { errors: { code: string }[] } }).inspection.errors.map((e) => e.code);
      expect(codes).toContain("version_not_increasing");
    } else {
      expect(lost.code).toBe("conflict");
    }
    // The shared blob is still there for the winner.
    const won = results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<Awaited<ReturnType<typeof uploadVersion>>>;
    expect(await blobs.store.has(won.value.inspection.sha256)).toBe(true);
  });

  it("two racing uploads of different versions: at least one lands, neither breaks", async () => {
    const dev = await s.as("developer");
    const a = nextLabPackage();
    const b = nextLabPackage();
    const results = await Promise.allSettled([uploadVersion(dev, LAB, a), uploadVersion(dev, LAB, b)]);
    expect(results.map((r) => r.status)).toContain("fulfilled");
  });
});

describe("state transitions", () => {
  // Each case: a version put into `from`, then the developer's action.
  const CASES: [VersionStatus, "submit" | "withdraw", VersionStatus | "conflict"][] = [
    ["draft", "submit", "in_review"],
    ["in_review", "withdraw", "draft"],
    ["draft", "withdraw", "conflict"],
    ["in_review", "submit", "conflict"],
    ["approved", "submit", "conflict"],
    ["approved", "withdraw", "conflict"],
    ["rejected", "submit", "conflict"],
    ["rejected", "withdraw", "conflict"],
    ["revoked", "submit", "conflict"],
    ["revoked", "withdraw", "conflict"],
  ];

  it.each(CASES)("%s --%s--> %s", async (from, action, outcome) => {
    const dev = await s.as("developer");
    const { version } = await uploadVersion(dev, LAB, nextLabPackage());
    const submittedAt = from === "draft" ? null : new Date(Date.now() - 3_600_000);
    await s.db.update(versions).set({ status: from, submittedAt }).where(and(eq(versions.orgId, s.seed.orgs.demo!), eq(versions.id, version.id)));
    const run = action === "submit" ? submitVersion : withdrawVersion;
    if (outcome === "conflict") {
      const err = await failure(run(dev, version.id));
      expect(err.code).toBe("conflict");
      expect(err.details).toEqual({ status: from });
      expect((await getVersion(dev, version.id)).status).toBe(from);
      return;
    }
    const after = await run(dev, version.id);
    expect(after.status).toBe(outcome);
    if (outcome === "in_review") expect(Date.now() - new Date(after.submittedAt!).getTime()).toBeLessThan(60_000);
    if (outcome === "draft") expect(after.submittedAt).toBeNull();
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, `version.${action}`), eq(auditLog.objectId, version.id)));
    expect(entry!.changes).toMatchObject({ from, to: outcome });
  });

  it("two racing submits: exactly one wins", async () => {
    const dev = await s.as("developer");
    const { version } = await uploadVersion(dev, LAB, nextLabPackage());
    const results = await Promise.allSettled([submitVersion(dev, version.id), submitVersion(await s.as("admin"), version.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as AppError).code).toBe("conflict");
    const entries = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "version.submit"), eq(auditLog.objectId, version.id)));
    expect(entries).toHaveLength(1);
  });

  it.each<[Role, string]>([
    ["owner", "ok"],
    ["admin", "ok"],
    ["reviewer", "forbidden"],
    ["analyst", "forbidden"],
  ])("%s submitting a developer's draft: %s", async (role, outcome) => {
    const { version } = await uploadVersion(await s.as("developer"), LAB, nextLabPackage());
    expect(await codeOf(submitVersion(await s.as(role), version.id))).toBe(outcome);
  });

  it("a developer cannot reach versions of mini-programs they do not collaborate on", async () => {
    const weather = await listVersions(await s.as("admin"), "com.demo.weather", { limit: 10 });
    const draft = weather.items.find((v) => v.status === "in_review")!;
    const dev = await s.as("developer");
    expect(await codeOf(getVersion(dev, draft.id))).toBe("not_found");
    expect(await codeOf(withdrawVersion(dev, draft.id))).toBe("not_found");
    expect(await codeOf(listVersions(dev, "com.demo.weather", { limit: 10 }))).toBe("not_found");
  });

  it("another organization's version ids are not found", async () => {
    const { items } = await listVersions(await s.as("admin"), "com.demo.coupons", { limit: 10 });
    const other = await s.otherAdmin();
    for (const v of items) {
      expect(await codeOf(getVersion(other, v.id))).toBe("not_found");
      expect(await codeOf(submitVersion(other, v.id))).toBe("not_found");
      expect(await codeOf(withdrawVersion(other, v.id))).toBe("not_found");
    }
    expect(await codeOf(getVersion(other, "not-an-id"))).toBe("not_found");
  });
});

describe("reading", () => {
  it("lists versions newest first, with their review history", async () => {
    const { items } = await listVersions(await s.as("developer"), "com.demo.coupons", { limit: 10 });
    expect(items.map((v) => [v.version, v.status])).toEqual([
      ["1.2.0", "in_review"],
      ["1.1.1", "approved"],
      ["1.1.0", "rejected"],
      ["1.0.0", "approved"],
    ]);
    const rejected = items.find((v) => v.status === "rejected")!;
    expect(rejected.reviews).toEqual([
      expect.objectContaining({ decision: "rejected", reasons: ["broken_functionality", "other"], reviewer: "reviewer@demo.test", comment: expect.any(String), at: expect.any(String) }),
    ]);
  });

  it("has seeded versions in every state, each from a real, stored, inspected package", async () => {
    const rows = await s.db.select().from(versions).where(eq(versions.orgId, s.seed.orgs.demo!));
    const seeded = rows.filter((r) => r.appId.startsWith("com.demo."));
    expect(new Set(seeded.map((r) => r.status))).toEqual(new Set(["draft", "in_review", "approved", "rejected", "revoked"]));
    const waited = (h: number) => seeded.some((r) => r.status === "in_review" && r.submittedAt && Date.now() - r.submittedAt.getTime() > h * 3_600_000);
    expect(waited(24) && waited(72)).toBe(true);
    for (const r of seeded) {
      expect(await blobs.store.has(r.sha256)).toBe(true);
      expect((r.inspection as unknown as Inspection).ok).toBe(true);
    }
  });
});
