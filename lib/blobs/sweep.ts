// Blob garbage: a blob no version refers to. It arises when an upload's database write fails after its blob
// was stored (the upload deletes it at once), or when the process dies between the two (the sweep finds it).
//
// These queries look at versions of every organization on purpose: the store is content-addressed and shared,
// so one organization's upload may reuse a blob another's version refers to. They read only `sha256`.
import { eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { miniProgramMedia, versions } from "@/db/schema";
import { FsBlobStore } from "./fs-store";
import type { BlobStore } from "./types";

export async function isBlobReferenced(db: DbOrTx, sha256: string): Promise<boolean> {
  const rows = await db.select({ sha256: versions.sha256 }).from(versions).where(eq(versions.sha256, sha256)).limit(1);
  if (rows.length === 0) {
    // Listing images (icons, screenshots) share the store.
    const media = await db.select({ sha256: miniProgramMedia.sha256 }).from(miniProgramMedia).where(eq(miniProgramMedia.sha256, sha256)).limit(1);
    return media.length > 0;
  }
  return rows.length > 0;
}

/** Deletes the blob unless a version refers to it. */
export async function deleteBlobIfUnreferenced(db: DbOrTx, store: BlobStore, sha256: string): Promise<boolean> {
  if (await isBlobReferenced(db, sha256)) return false;
  await store.delete(sha256);
  return true;
}

export type SweepResult = { scanned: number; deleted: string[]; tempFilesRemoved: number };

/**
 * Removes blobs older than `minAgeMs` that no version refers to. The age guard keeps the sweep away from
 * an upload whose blob is written and whose version is about to commit.
 */
export async function sweepOrphanBlobs(db: DbOrTx, store: BlobStore, opts: { minAgeMs?: number; now?: number } = {}): Promise<SweepResult> {
  const minAgeMs = opts.minAgeMs ?? 60 * 60 * 1000;
  const now = opts.now ?? Date.now();
  const candidates: string[] = [];
  let scanned = 0;
  for await (const blob of store.list()) {
    scanned += 1;
    if (now - blob.modifiedAt.getTime() >= minAgeMs) candidates.push(blob.sha256);
  }
  const deleted: string[] = [];
  for (let i = 0; i < candidates.length; i += 500) {
    const batch = candidates.slice(i, i + 500);
    const used = new Set(
      (await db.select({ sha256: versions.sha256 }).from(versions).where(inArray(versions.sha256, batch))).map((r) => r.sha256),
    );
    for (const r of await db.select({ sha256: miniProgramMedia.sha256 }).from(miniProgramMedia).where(inArray(miniProgramMedia.sha256, batch))) used.add(r.sha256);
    for (const sha of batch) {
      if (used.has(sha)) continue;
      await store.delete(sha);
      deleted.push(sha);
    }
  }
  const tempFilesRemoved = store instanceof FsBlobStore ? await store.removeStaleTempFiles(minAgeMs, now) : 0;
  return { scanned, deleted, tempFilesRemoved };
}
