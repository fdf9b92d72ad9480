// Every file of any version (issue 17 item 2), through the service the files page reads.
import { beforeAll, describe, expect, it } from "vitest";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { useSeededDb } from "@/test/seeded";
import { createMiniProgram } from "./mini-programs";
import { listVersionFiles, readVersionFile } from "./version-files";
import { uploadVersion } from "./versions";

withTempBlobStore();
const s = useSeededDb();
const APP = "com.example.files-lab";
let versionId: string;

beforeAll(async () => {
  const admin = await s.as("admin");
  await createMiniProgram(admin, { appId: APP, name: "Files Lab", category: "other", description: "" });
  const big = Array.from({ length: 1000 }, (_, i) => `console.log(${i});`).join("\n");
  const pkg = buildMiniProgramPackage({ appId: APP, version: "1.0.0", code: { "pages/index/index": big }, extraFiles: { "lib/engine.wasm": Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) } });
  versionId = (await uploadVersion(admin, APP, pkg)).version.id;
});

describe("a version's files", () => {
  it("lists every file in path order with its size", async () => {
    const files = await listVersionFiles(await s.as("analyst"), versionId);
    expect(files.map((f) => f.path)).toEqual(["app.json", "lib/engine.wasm", "pages/index/index.css", "pages/index/index.html", "pages/index/index.js"]);
    expect(files.every((f) => f.size > 0)).toBe(true);
  });

  it("reads one from the stored package: text paged and highlighted, a binary described", async () => {
    const reviewer = await s.as("reviewer");
    const js = await readVersionFile(reviewer, versionId, "pages/index/index.js", { page: 3 });
    expect(js.view).toMatchObject({ kind: "text", language: "javascript", page: 3, pages: 3, firstLine: 801, lineCount: 200, totalLines: 1000 });
    const manifest = await readVersionFile(reviewer, versionId, "app.json");
    expect(manifest.view.kind === "text" && manifest.view.html).toContain("com.example.files-lab");
    expect((await readVersionFile(reviewer, versionId, "lib/engine.wasm")).view).toEqual({ kind: "binary", description: "wasm" });
  });

  it("is not found for a path not in the package, a developer who does not collaborate, or another organization", async () => {
    await expect(readVersionFile(await s.as("admin"), versionId, "../app.json")).rejects.toMatchObject({ code: "not_found" });
    await expect(readVersionFile(await s.as("developer"), versionId, "app.json")).rejects.toMatchObject({ code: "not_found" });
    await expect(listVersionFiles(await s.otherAdmin(), versionId)).rejects.toMatchObject({ code: "not_found" });
  });
});
