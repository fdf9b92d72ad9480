// An upload that fails half-way leaves nothing behind: no version row, and no blob nobody refers to.
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { versions } from "@/db/schema";
import type { BlobStore } from "@/lib/blobs";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { useSeededDb } from "@/test/seeded";
import { createMiniProgram, createMiniProgramInput } from "./mini-programs";
import { uploadVersion } from "./versions";

// The audit entry is written last in the upload's transaction: failing it fails the commit.
const failAudit = vi.hoisted(() => ({ on: false }));
vi.mock("@/lib/audit", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/audit")>();
  return {
    ...real,
    recordAudit: async (...args: Parameters<typeof real.recordAudit>) => {
      if (failAudit.on) throw new Error("simulated database failure");
      return real.recordAudit(...args);
    },
  };
});

const blobs = withTempBlobStore();
const s = useSeededDb();
const APP = "com.example.crash";

beforeAll(async () => {
  await createMiniProgram(await s.as("developer"), createMiniProgramInput.parse({ appId: APP, name: "Crash" }));
});
afterEach(() => {
  failAudit.on = false;
});

const versionRows = () => s.db.select().from(versions).where(eq(versions.appId, APP));

describe("an upload failing mid-way", () => {
  it("after the blob is written: no version, and the blob is deleted again", async () => {
    const bytes = buildMiniProgramPackage({ appId: APP, version: "1.0.0" });
    failAudit.on = true;
    await expect(uploadVersion(await s.as("developer"), APP, bytes)).rejects.toThrow(/simulated/);
    expect(await versionRows()).toEqual([]);
    const listed: string[] = [];
    for await (const b of blobs.store.list()) listed.push(b.sha256);
    const seeded = new Set((await s.db.select({ sha: versions.sha256 }).from(versions)).map((r) => r.sha));
    expect(listed.filter((sha) => !seeded.has(sha))).toEqual([]);
    // And the same upload succeeds once the database is back.
    failAudit.on = false;
    const ok = await uploadVersion(await s.as("developer"), APP, bytes);
    expect(await blobs.store.has(ok.inspection.sha256)).toBe(true);
  });

  it("keeps a blob that a committed version still refers to", async () => {
    // Same bytes as another mini-program's version: content addressing shares the blob.
    const first = buildMiniProgramPackage({ appId: APP, version: "2.0.0" });
    const ok = await uploadVersion(await s.as("developer"), APP, first);
    await s.db.delete(versions).where(eq(versions.id, ok.version.id));
    await s.db.insert(versions).values({ ...(await sampleRow(ok.version.id, ok.inspection.sha256)) });
    failAudit.on = true;
    await expect(uploadVersion(await s.as("developer"), APP, first)).rejects.toThrow(/simulated/);
    expect(await blobs.store.has(ok.inspection.sha256)).toBe(true);
  });

  it("when the blob cannot be written: no version", async () => {
    const broken: BlobStore = {
      put: async () => {
        throw new Error("disk full");
      },
      get: async () => null,
      has: async () => false,
      delete: async () => {},
      list: async function* () {},
    };
    const bytes = buildMiniProgramPackage({ appId: APP, version: "3.0.0" });
    await expect(uploadVersion(await s.as("developer"), APP, bytes, { blobStore: broken })).rejects.toThrow(/disk full/);
    expect((await versionRows()).map((v) => v.version)).not.toContain("3.0.0");
  });
});

/** A row for another mini-program pointing at the same blob. */
async function sampleRow(id: string, sha256: string) {
  const [coupons] = await s.db.select().from(versions).where(eq(versions.appId, "com.demo.coupons")).limit(1);
  return { ...coupons!, id, version: "99.0.0", sha256 };
}
