import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsBlobStore } from "./fs-store";
import { readBlob } from "./index";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let root: string;
let store: FsBlobStore;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-blobs-"));
  store = new FsBlobStore(root);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

describe("FsBlobStore", () => {
  it("stores a blob content-addressed under ab/cd/<sha256> and reads it back", async () => {
    const bytes = Buffer.from("a package");
    const h = sha(bytes);
    await store.put(h, bytes);
    expect(allFiles(root)).toEqual([path.join(h.slice(0, 2), h.slice(2, 4), h)]);
    expect(await store.has(h)).toBe(true);
    expect(await readBlob(store, h, 1024)).toEqual(bytes);
  });

  it("keeps one copy when the same content is stored twice, and leaves no temporary file", async () => {
    const bytes = Buffer.alloc(100_000, 7);
    const h = sha(bytes);
    await Promise.all([store.put(h, bytes), store.put(h, bytes), store.put(h, bytes)]);
    expect(allFiles(root)).toHaveLength(1);
    expect((await readBlob(store, h, 200_000))!.equals(bytes)).toBe(true);
  });

  it("refuses bytes that do not match the name, writing nothing", async () => {
    await expect(store.put(sha(Buffer.from("x")), Buffer.from("y"))).rejects.toThrow(/do not match/);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it.each(["../../etc/passwd", "ABCDEF", "a".repeat(63), `${"a".repeat(64)}/x`, "g".repeat(64)])("refuses the name %j", async (name) => {
    await expect(store.has(name)).rejects.toThrow(/SHA-256/);
    await expect(store.get(name)).rejects.toThrow(/SHA-256/);
    await expect(store.delete(name)).rejects.toThrow(/SHA-256/);
  });

  it("answers null and false for a missing blob; deleting one is not an error", async () => {
    const h = sha(Buffer.from("never stored"));
    expect(await store.get(h)).toBeNull();
    expect(await store.has(h)).toBe(false);
    await store.delete(h);
  });

  it("deletes a blob", async () => {
    const bytes = Buffer.from("gone soon");
    await store.put(sha(bytes), bytes);
    await store.delete(sha(bytes));
    expect(await store.has(sha(bytes))).toBe(false);
  });

  it("lists stored blobs, skipping temporary files a crashed writer left", async () => {
    const a = Buffer.from("a");
    const b = Buffer.from("b");
    await store.put(sha(a), a);
    await store.put(sha(b), b);
    const dir = path.join(root, sha(a).slice(0, 2), sha(a).slice(2, 4));
    fs.writeFileSync(path.join(dir, `.tmp-${sha(a).slice(0, 8)}-dead`), "half a blob");
    const listed: string[] = [];
    for await (const blob of store.list()) listed.push(blob.sha256);
    expect(listed.sort()).toEqual([sha(a), sha(b)].sort());
    expect(await store.removeStaleTempFiles(0, Date.now() + 1000)).toBe(1);
    expect(allFiles(root)).toHaveLength(2);
  });

  it("lists nothing when the directory does not exist yet", async () => {
    const listed: unknown[] = [];
    for await (const blob of new FsBlobStore(path.join(root, "missing")).list()) listed.push(blob);
    expect(listed).toEqual([]);
  });

  it("refuses to buffer a blob over the caller's limit", async () => {
    const bytes = Buffer.alloc(10_000, 1);
    await store.put(sha(bytes), bytes);
    await expect(readBlob(store, sha(bytes), 9_999)).rejects.toThrow(/larger than/);
  });
});
