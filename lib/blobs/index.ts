// The process-wide blob store: a directory at BLOB_DIR (default .data/blobs).
import path from "node:path";
import { FsBlobStore } from "./fs-store";
import type { BlobStore } from "./types";

export type { BlobInfo, BlobStore } from "./types";
export { assertSha256, isSha256 } from "./types";
export { FsBlobStore } from "./fs-store";

type GlobalWithBlobs = typeof globalThis & { __atriumBlobs?: BlobStore };
const g = globalThis as GlobalWithBlobs;

export function blobDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.BLOB_DIR || ".data/blobs");
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
