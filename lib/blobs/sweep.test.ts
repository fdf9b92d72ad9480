import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { versions } from "@/db/schema";
import { useSeededDb } from "@/test/seeded";
import { deleteBlobIfUnreferenced, sweepOrphanBlobs } from "./sweep";
import { withTempBlobStore } from "./testing";

const blobs = withTempBlobStore();
const s = useSeededDb();
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("orphan blobs", () => {
  it("the sweep deletes old blobs no version refers to, and keeps referenced and recent ones", async () => {
    const orphan = Buffer.from("left by a crashed upload");
    await blobs.store.put(sha(orphan), orphan);
    const referenced = (await s.db.select({ sha256: versions.sha256 }).from(versions)).map((r) => r.sha256);
    expect(referenced.length).toBeGreaterThan(5);

    const early = await sweepOrphanBlobs(s.db, blobs.store, { minAgeMs: 60_000 });
    expect(early.deleted).toEqual([]);

    const later = await sweepOrphanBlobs(s.db, blobs.store, { minAgeMs: 60_000, now: Date.now() + 120_000 });
    expect(later.deleted).toEqual([sha(orphan)]);
    for (const h of referenced) expect(await blobs.store.has(h)).toBe(true);
  });

  it("deleteBlobIfUnreferenced looks across organizations", async () => {
    const [row] = await s.db.select({ sha256: versions.sha256 }).from(versions).limit(1);
    expect(await deleteBlobIfUnreferenced(s.db, blobs.store, row!.sha256)).toBe(false);
    expect(await blobs.store.has(row!.sha256)).toBe(true);
  });
});
