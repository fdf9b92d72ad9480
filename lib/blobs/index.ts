// The process-wide blob store: a directory at BLOB_DIR. One store belongs to one database: the orphan sweep
// deletes every blob its own database does not use, so the default differs per database (.data/blobs for the
// embedded PGlite, .data/blobs-pg-<hash of server and database> with DATABASE_URL), and a shared BLOB_DIR
// would let one database's sweep remove the other's packages.
import { createHash } from "node:crypto";
import path from "node:path";
import { FsBlobStore } from "./fs-store";
import type { BlobStore } from "./types";

export type { BlobInfo, BlobStore } from "./types";
export { assertSha256, isSha256 } from "./types";
export { FsBlobStore } from "./fs-store";

type GlobalWithBlobs = typeof globalThis & { __atriumBlobs?: BlobStore };
const g = globalThis as GlobalWithBlobs;

/** The default directory for a database URL (none: embedded PGlite). Credentials and options do not count. */
export function defaultBlobDir(databaseUrl: string | undefined): string {
  if (!databaseUrl) return ".data/blobs";
  let key = databaseUrl;
  try {
    const u = new URL(databaseUrl);
    key = `${u.hostname}:${u.port || "5432"}/${decodeURIComponent(u.pathname.replace(/^\//, ""))}`;
  } catch {
    // not a URL postgres-js would take either; the whole string is still one database's key
  }
  return `.data/blobs-pg-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
}

export function blobDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.BLOB_DIR || defaultBlobDir(process.env.DATABASE_URL));
}

export function getBlobStore(): BlobStore {
  g.__atriumBlobs ??= new FsBlobStore(blobDir());
  return g.__atriumBlobs;
}

export function setBlobStoreForTests(store: BlobStore | undefined): void {
  g.__atriumBlobs = store;
}

/** Reads a whole blob into memory, refusing one larger than `maxBytes`. Null when missing. */
export async function readBlob(store: BlobStore, sha256: string, maxBytes: number): Promise<Buffer | null> {
  const stream = await store.get(sha256);
  if (!stream) return null;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`Blob ${sha256} is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
