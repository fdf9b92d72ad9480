// The directory blob store: `<root>/ab/cd/<sha256>`. A blob is written to a temporary file beside its final
// name, flushed to disk, then renamed into place, so a crash never leaves a partial blob under a real name.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { assertSha256, isSha256, type BlobInfo, type BlobStore } from "./types";

const TEMP_PREFIX = ".tmp-";

export class FsBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private pathOf(sha256: string): string {
    assertSha256(sha256);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    const final = this.pathOf(sha256);
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== sha256) throw new Error("The bytes do not match the blob's SHA-256");
    if (await this.has(sha256)) return;
    const dir = path.dirname(final);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `${TEMP_PREFIX}${sha256.slice(0, 8)}-${randomBytes(6).toString("hex")}`);
    const fh = await fs.open(temp, "wx", 0o644);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await fs.rm(temp, { force: true });
      throw e;
    }
    await fh.close();
    try {
      // Two writers of the same content race harmlessly: rename replaces an identical file.
      await fs.rename(temp, final);
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw e;
    }
    await syncDir(dir);
  }

  async get(sha256: string): Promise<ReadableStream<Uint8Array> | null> {
    const file = this.pathOf(sha256);
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(file, "r");
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
    // Opening first means a blob deleted after this point still streams in full (POSIX keeps the inode).
    const stream = fh.createReadStream({ autoClose: true });
    return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
  }

  async has(sha256: string): Promise<boolean> {
    try {
      const st = await fs.stat(this.pathOf(sha256));
      return st.isFile();
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async delete(sha256: string): Promise<void> {
    await fs.rm(this.pathOf(sha256), { force: true });
  }

  async *list(): AsyncIterable<BlobInfo> {
    for (const a of await readDirOrEmpty(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue;
      for (const b of await readDirOrEmpty(path.join(this.root, a))) {
        if (!/^[0-9a-f]{2}$/.test(b)) continue;
        const dir = path.join(this.root, a, b);
        for (const name of await readDirOrEmpty(dir)) {
          if (!isSha256(name) || !name.startsWith(a + b)) continue;
          const st = await fs.stat(path.join(dir, name)).catch(() => null);
          if (st?.isFile()) yield { sha256: name, size: st.size, modifiedAt: st.mtime };
        }
      }
    }
  }

  /** Temporary files a crashed writer left behind, older than `olderThanMs`; removed, and counted. */
  async removeStaleTempFiles(olderThanMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    for (const a of await readDirOrEmpty(this.root)) {
      for (const b of await readDirOrEmpty(path.join(this.root, a))) {
        const dir = path.join(this.root, a, b);
        for (const name of await readDirOrEmpty(dir)) {
          if (!name.startsWith(TEMP_PREFIX)) continue;
          const file = path.join(dir, name);
          const st = await fs.stat(file).catch(() => null);
          if (st && now - st.mtimeMs > olderThanMs) {
            await fs.rm(file, { force: true });
            removed += 1;
          }
        }
      }
    }
    return removed;
  }
}

async function readDirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if (isNotFound(e) || (e as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw e;
  }
}

/** Makes the rename itself durable; some file systems refuse to open a directory, which is fine. */
async function syncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(dir, "r");
    await fh.sync();
  } catch {
    // Best effort: the data is already flushed; only the directory entry's durability is at stake.
  } finally {
    await fh?.close().catch(() => {});
  }
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === "ENOENT";
}
