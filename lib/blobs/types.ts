// Package blobs, addressed by the SHA-256 of their bytes. The directory store is the default; the interface
// leaves room for S3-compatible object storage (put = PutObject with a checksum, get = GetObject, has =
// HeadObject, delete = DeleteObject, list = ListObjectsV2).

export type BlobInfo = { sha256: string; size: number; modifiedAt: Date };

export interface BlobStore {
  /**
   * Stores `bytes` under `sha256`, which must be their digest (checked). Idempotent: storing the same
   * content twice keeps one copy. Either the whole blob is visible under its name afterwards, or nothing is.
   */
  put(sha256: string, bytes: Buffer): Promise<void>;
  /** The blob's bytes as a stream, or null when there is no such blob. */
  get(sha256: string): Promise<ReadableStream<Uint8Array> | null>;
  has(sha256: string): Promise<boolean>;
  /** Removes the blob; removing a missing one is not an error. */
  delete(sha256: string): Promise<void>;
  /** Every stored blob; the orphan sweep walks this. */
  list(): AsyncIterable<BlobInfo>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Only a lower-case hex digest names a blob: nothing else can reach a file path. */
export function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new Error("A blob name must be a lower-case hex SHA-256");
}

export function isSha256(value: string): boolean {
  return SHA256_HEX.test(value);
}
