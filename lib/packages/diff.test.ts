import { describe, expect, it } from "vitest";
import { RISK_POINTS, diffPackages, riskScore, type PackageDiff, type PackageSide } from "./diff";
import { inspectPackage, type Inspection } from "./inspect";
import { buildMiniProgramPackage, type MiniProgramPackageOptions } from "./zip-writer";
import { unifiedDiff } from "./text-diff";

const base: MiniProgramPackageOptions = {
  appId: "com.example.diff",
  name: "Diff",
  version: "1.0.0",
  pages: ["pages/index/index", "pages/about/about"],
  permissions: ["location"],
  domains: ["https://api.example.com"],
  code: { "pages/index/index": "Page({\n  onLoad() {\n    mp.getLocation({});\n  },\n});\n" },
  extraFiles: { "utils/format.js": "export const format = (x) => String(x);\n", "assets/logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) },
};

async function side(opts: MiniProgramPackageOptions): Promise<PackageSide> {
  const bytes = buildMiniProgramPackage(opts);
  return { bytes, inspection: await inspectPackage(bytes) };
}

/** Applies a unified diff to `old`: the test's independent check that a diff says what changed. */
function applyPatch(old: string, patch: string): string {
  const oldLines = old === "" ? [] : old.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  let cursor = 0;
  const lines = patch.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[i] ?? "");
    if (!header) continue;
    const start = Number(header[1]) - (header[2] === "0" ? 0 : 1);
    out.push(...oldLines.slice(cursor, start));
    cursor = start;
    for (i += 1; i < lines.length && /^[ +\-\\]/.test(lines[i] ?? ""); i += 1) {
      const line = lines[i] as string;
      if (line.startsWith("\\")) continue;
      if (line[0] !== "+") cursor += 1;
      if (line[0] !== "-") out.push(line.slice(1));
    }
    i -= 1;
  }
  out.push(...oldLines.slice(cursor));
  return out.length ? `${out.join("\n")}\n` : "";
}

describe("diffPackages", () => {
  it("treats a first version as all additions", async () => {
    const next = await side(base);
    const diff = await diffPackages(null, next);
    expect(diff.versionBefore).toBeNull();
    expect(diff.versionAfter).toBe("1.0.0");
    expect(diff.permissions).toEqual({ added: ["location"], removed: [] });
    expect(diff.domains).toEqual({ added: ["https://api.example.com"], removed: [] });
    expect(diff.files.added).toHaveLength(next.inspection.fileCount);
    expect(diff.files.removed).toEqual([]);
    expect(diff.size).toMatchObject({ packedBefore: null, packedDelta: null, packedAfter: next.bytes.length });
    expect(diff.textDiffs).toEqual([]);
  });

  it("lists permission, domain and file changes between versions", async () => {
    const prev = await side(base);
    const next = await side({
      ...base,
      version: "1.1.0",
      permissions: ["camera"],
      domains: ["https://api.example.com", "https://cdn.example.com"],
      code: { "pages/index/index": "Page({\n  onLoad() {\n    mp.scanCode({});\n  },\n});\n" },
      extraFiles: { "utils/format.js": "export const format = (x) => String(x);\n", "utils/new.js": "export {};\n" },
    });
    const diff = await diffPackages(prev, next);
    expect(diff.versionBefore).toBe("1.0.0");
    expect(diff.versionAfter).toBe("1.1.0");
    expect(diff.permissions).toEqual({ added: ["camera"], removed: ["location"] });
    expect(diff.domains).toEqual({ added: ["https://cdn.example.com"], removed: [] });
    expect(diff.files.added).toEqual([{ path: "utils/new.js", size: 11 }]);
    expect(diff.files.removed).toEqual([{ path: "assets/logo.png", size: 7 }]);
    expect(diff.files.changed.map((c) => c.path)).toEqual(["app.json", "pages/index/index.js"]);
    expect(diff.files.unchanged).toBe(next.inspection.fileCount - 3);
    expect(diff.size.packedDelta).toBe(next.bytes.length - prev.bytes.length);
    expect(diff.size.unpackedDelta).toBe(next.inspection.uncompressedSize - prev.inspection.uncompressedSize);

    const code = diff.textDiffs.find((d) => d.path === "pages/index/index.js");
    expect(code).toEqual({
      path: "pages/index/index.js",
      truncated: false,
      diff: [
        "--- a/pages/index/index.js",
        "+++ b/pages/index/index.js",
        "@@ -1,5 +1,5 @@",
        " Page({",
        "   onLoad() {",
        "-    mp.getLocation({});",
        "+    mp.scanCode({});",
        "   },",
        " });",
        "",
      ].join("\n"),
    });
    expect(diff.textDiffs.find((d) => d.path === "app.json")?.diff).toContain('+    "camera"');
  });

  it("detects a change of content at equal size by hash", async () => {
    const prev = await side({ ...base, extraFiles: { "utils/a.js": "aaaa\n" } });
    const next = await side({ ...base, extraFiles: { "utils/a.js": "bbbb\n" } });
    const diff = await diffPackages(prev, next);
    expect(diff.files.changed).toContainEqual({ path: "utils/a.js", sizeBefore: 5, sizeAfter: 5, sizeDelta: 0 });
  });

  it("skips binary and oversized code files instead of diffing them", async () => {
    const big = (c: string) => `${c.repeat(600 * 1024)}\n`;
    const prev = await side({ ...base, extraFiles: { "a.json": Buffer.from([1, 0, 2]), "big.js": big("a") } });
    const next = await side({ ...base, extraFiles: { "a.json": Buffer.from([1, 0, 3]), "big.js": big("b") } });
    const diff = await diffPackages(prev, next);
    expect(diff.textDiffs).toEqual([
      { path: "a.json", diff: null, skipped: "binary" },
      { path: "big.js", diff: null, skipped: "too_large" },
    ]);
  });

  it("caps the size of one diff", async () => {
    const lines = (c: string) => Array.from({ length: 20_000 }, (_, i) => `${c}${i}`).join("\n");
    const prev = await side({ ...base, extraFiles: { "data.js": lines("a") } });
    const next = await side({ ...base, extraFiles: { "data.js": lines("b") } });
    const [d] = (await diffPackages(prev, next)).textDiffs;
    expect(d).toMatchObject({ path: "data.js", truncated: true });
    expect(d?.diff?.length).toBeLessThanOrEqual(64 * 1024);
  });
});

describe("unifiedDiff", () => {
  it("returns no text for identical inputs", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "a", "b").text).toBe("");
  });

  it("numbers an insertion at the start like GNU diff", () => {
    expect(unifiedDiff("", "x\n", "a/f", "b/f").text).toBe("--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+x\n");
  });

  it("marks a missing newline at end of file", () => {
    const { text } = unifiedDiff("a\n", "a", "a/f", "b/f");
    expect(text).toBe("--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n+a\n\\ No newline at end of file\n");
  });

  it("splits distant changes into hunks and merges near ones", () => {
    const old = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const next = [...old];
    next[2] = "changed 2";
    next[8] = "changed 8"; // 5 unchanged lines after 2: within 2 × 3 context, same hunk
    next[25] = "changed 25";
    const { text } = unifiedDiff(`${old.join("\n")}\n`, `${next.join("\n")}\n`, "a", "b");
    expect(text.match(/^@@/gm)).toHaveLength(2);
    expect(text).toContain("@@ -1,12 +1,12 @@");
    expect(text).toContain("@@ -23,7 +23,7 @@");
  });

  it.each([
    ["edits", "a\nb\nc\nd\ne\n", "a\nB\nc\nd\nE\nf\n"],
    ["deletions", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n5\n9\n"],
    ["everything", "x\ny\n", "p\nq\nr\n"],
    ["to empty", "x\ny\n", ""],
    ["from empty", "", "x\ny\n"],
  ])("produces a patch that turns old into new: %s", (_, old, next) => {
    expect(applyPatch(old, unifiedDiff(old, next, "a", "b").text)).toBe(next);
  });

  it("stays correct, if not minimal, when the middle is too big to align", () => {
    const old = Array.from({ length: 200 }, (_, i) => `l${i % 7}`).join("\n") + "\n";
    const next = Array.from({ length: 200 }, (_, i) => `l${i % 5}`).join("\n") + "\n";
    const result = unifiedDiff(old, next, "a", "b", { maxCells: 100 });
    expect(result.minimal).toBe(false);
    expect(applyPatch(old, result.text)).toBe(next);
  });

  it("round-trips random edits", () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 100; round += 1) {
      const old = Array.from({ length: random(40) }, () => `w${random(6)}`);
      const next = old.flatMap((line) => [[], [line], [line, `n${random(6)}`], [`r${random(6)}`]][random(4)] as string[]);
      const a = old.length ? `${old.join("\n")}\n` : "";
      const b = next.length ? `${next.join("\n")}\n` : "";
      expect(applyPatch(a, unifiedDiff(a, b, "a", "b", { context: random(4) }).text)).toBe(b);
    }
  });
});

describe("riskScore", () => {
  const inspection = (warnings: Inspection["warnings"]): Inspection => ({
    ok: true,
    sha256: "0".repeat(64),
    size: 1000,
    uncompressedSize: 2000,
    uncompressedSizeComplete: true,
    declaredUncompressedSize: 2000,
    fileCount: 1,
    manifest: null,
    errors: [],
    warnings,
    files: [],
  });
  const diff = (over: Partial<PackageDiff> = {}): PackageDiff => ({
    versionBefore: "1.0.0",
    versionAfter: "1.1.0",
    permissions: { added: [], removed: [] },
    domains: { added: [], removed: [] },
    files: { added: [], removed: [], changed: [], unchanged: 0 },
    size: { packedBefore: 1000, packedAfter: 1000, packedDelta: 0, unpackedBefore: 2000, unpackedAfter: 2000, unpackedDelta: 0 },
    platformApi: { before: false, after: false },
    textDiffs: [],
    ...over,
  });
  const warning = (code: string) => ({ code, message: `${code} found`, path: "a.js" });

  it("scores a quiet update zero", () => {
    expect(riskScore(inspection([]), diff())).toEqual({ score: 0, level: "low", items: [] });
  });

  it.each([
    ["an undeclared permission", inspection([warning("undeclared_permission")]), diff(), RISK_POINTS.warning.undeclared_permission],
    ["an undeclared domain", inspection([warning("undeclared_domain")]), diff(), RISK_POINTS.warning.undeclared_domain],
    ["two new permissions", inspection([]), diff({ permissions: { added: ["camera", "nfc"], removed: [] } }), 2 * RISK_POINTS.newPermission],
    ["a removed permission", inspection([]), diff({ permissions: { added: [], removed: ["camera"] } }), 0],
    ["a new domain", inspection([]), diff({ domains: { added: ["https://x.example.com"], removed: [] } }), RISK_POINTS.newDomain],
    [
      "a size jump over 50%",
      inspection([]),
      diff({ size: { ...diff().size, packedBefore: 1000, packedAfter: 1501 } }),
      RISK_POINTS.sizeJump,
    ],
    ["growth of exactly 50%", inspection([]), diff({ size: { ...diff().size, packedBefore: 1000, packedAfter: 1500 } }), 0],
    [
      "a first use of another vendor's API",
      inspection([warning("platform_specific_api")]),
      diff({ platformApi: { before: false, after: true } }),
      RISK_POINTS.warning.platform_specific_api + RISK_POINTS.firstPlatformApi,
    ],
    [
      "a vendor API the previous version already used",
      inspection([warning("platform_specific_api")]),
      diff({ platformApi: { before: true, after: true } }),
      RISK_POINTS.warning.platform_specific_api,
    ],
  ])("adds points for %s", (_, insp, d, points) => {
    const risk = riskScore(insp, d);
    expect(risk.score).toBe(points);
    expect(risk.items.reduce((sum, item) => sum + item.points, 0)).toBe(points);
    for (const item of risk.items) expect(item.reason).not.toBe("");
  });

  it("caps the score at 100 and calls it high", () => {
    const many = Array.from({ length: 10 }, () => warning("undeclared_permission"));
    expect(riskScore(inspection(many), diff())).toMatchObject({ score: 100, level: "high" });
  });

  it("scores the fixture update with warnings from a real diff", async () => {
    const prev = await side({ ...base });
    const next = await side({
      ...base,
      version: "1.1.0",
      code: { "pages/index/index": "Page({ onLoad() { mp.scanCode({}); wx.login(); fetch('https://t.example.net') } });\n" },
    });
    const risk = riskScore(next.inspection, await diffPackages(prev, next));
    expect(risk.items.map((i) => i.points).sort((a, b) => a - b)).toEqual(
      [
        RISK_POINTS.warning.platform_specific_api,
        RISK_POINTS.warning.undeclared_domain,
        RISK_POINTS.firstPlatformApi,
        RISK_POINTS.warning.undeclared_permission,
      ].sort((a, b) => a - b),
    );
    expect(risk.level).toBe("medium");
  });
});
