// For tests: a throwaway blob directory installed as the process-wide store for the current file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { FsBlobStore } from "./fs-store";
import { setBlobStoreForTests } from "./index";

export function withTempBlobStore(): { readonly store: FsBlobStore } {
  const box = {} as { store: FsBlobStore };
  beforeAll(() => {
    box.store = new FsBlobStore(fs.mkdtempSync(path.join(os.tmpdir(), "atrium-blobs-")));
    setBlobStoreForTests(box.store);
  });
  afterAll(() => {
    setBlobStoreForTests(undefined);
    fs.rmSync(box.store.root, { recursive: true, force: true });
  });
  return box;
}
