// Every file of any version, readable in the console (issue 17 item 2): the list from the version's inspection, one
// file read from the stored zip in memory (never unpacked to disk) under inspection's limits, shown by
// lib/packages/file-view.ts. Anyone who may read the version may read its files.
import type { OrgContext } from "@/lib/authz/context";
import { getBlobStore, readBlob, type BlobStore } from "@/lib/blobs";
import { notFound } from "@/lib/errors";
import { LIMITS } from "@/lib/packages/catalog";
import { MAX_VIEW_BYTES, viewFile, type FileView } from "@/lib/packages/file-view";
import { openPackageReader } from "@/lib/packages/inspect";
import { getVersion } from "./versions";

export type VersionFile = { path: string; size: number; sha256: string | null };

export type VersionFileView = { file: VersionFile; view: FileView };

export async function listVersionFiles(ctx: OrgContext, versionId: string): Promise<VersionFile[]> {
  const v = await getVersion(ctx, versionId);
  return v.inspection.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 ?? null })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function readVersionFile(ctx: OrgContext, versionId: string, path: string, opts: { page?: number; blobStore?: BlobStore } = {}): Promise<VersionFileView> {
  const v = await getVersion(ctx, versionId);
  const entry = v.inspection.files.find((f) => f.path === path);
  if (!entry) throw notFound("File");
  const file = { path: entry.path, size: entry.size, sha256: entry.sha256 ?? null };
  if (entry.size > MAX_VIEW_BYTES) return { file, view: { kind: "binary", description: "too_large" } };
  const bytes = await readBlob(opts.blobStore ?? getBlobStore(), v.sha256, LIMITS.maxPackedBytes).catch(() => null);
  const reader = bytes ? await openPackageReader(bytes) : null;
  if (!reader) return { file, view: { kind: "binary", description: "unreadable" } };
  try {
    const content = await reader.read(path, MAX_VIEW_BYTES);
    if (!content) return { file, view: { kind: "binary", description: "unreadable" } };
    return { file, view: viewFile(path, content, opts.page ?? 1) };
  } finally {
    reader.close();
  }
}
