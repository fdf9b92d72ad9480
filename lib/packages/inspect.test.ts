import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LIMITS } from "./catalog";
import { inspectPackage, openPackageReader, readPackageFile, type Inspection } from "./inspect";
import { buildMiniProgramPackage, buildZip, miniProgramEntries, type ZipEntryInput } from "./zip-writer";

const FIXTURES = path.resolve(import.meta.dirname, "../../test/fixtures/packages");
/** Zips made by real tools; test/fixtures/real-world/README.md says how. */
const REAL_WORLD = path.resolve(import.meta.dirname, "../../test/fixtures/real-world");
const APP_ID = "com.example.fixture";
const MiB = 1024 * 1024;

const expected = JSON.parse(readFileSync(path.join(FIXTURES, "expected.json"), "utf8")) as Record<
  string,
  { outcome: "ok" | "error"; codes: string[] }
>;

function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

function codes(inspection: Inspection): string[] {
  return [...inspection.errors, ...inspection.warnings].map((f) => f.code);
}

function errorCodes(inspection: Inspection): string[] {
  return inspection.errors.map((f) => f.code);
}

const validPackage = {
  appId: APP_ID,
  name: "Fixture",
  version: "1.0.0",
  pages: ["pages/index/index"],
  permissions: ["location"],
  domains: ["https://api.example.com"],
};

/** A valid package's entries with app.json swapped for `manifest` (serialised unless already a string). */
function withManifest(manifest: unknown): ZipEntryInput[] {
  const data = typeof manifest === "string" ? manifest : JSON.stringify(manifest);
  return miniProgramEntries(validPackage).map((e) => (e.name === "app.json" ? { name: "app.json", data } : e));
}

function withCode(code: string, extra: Partial<typeof validPackage> = {}): Buffer {
  return buildMiniProgramPackage({ ...validPackage, ...extra, code: { "pages/index/index": code } });
}

describe("fixture packages (../shared/fixtures/packages, EXPECTED.md)", () => {
  it.each(Object.entries(expected))("%s", async (file, { outcome, codes: expectedCodes }) => {
    const inspection = await inspectPackage(fixture(file), { expectedAppId: APP_ID, existingVersions: [] });
    expect(inspection.ok).toBe(outcome === "ok");
    for (const code of expectedCodes) {
      expect(code.split("|").some((alt) => codes(inspection).includes(alt)), `${code} in ${codes(inspection).join(", ")}`).toBe(true);
    }
    if (file === "ok-1.0.0.zip") expect(inspection.warnings).toEqual([]);
  });

  it("rejects ok-1.0.0 uploaded again with version_not_increasing", async () => {
    const inspection = await inspectPackage(fixture("ok-1.0.0.zip"), { expectedAppId: APP_ID, existingVersions: ["1.0.0"] });
    expect(inspection.ok).toBe(false);
    expect(errorCodes(inspection)).toEqual(["version_not_increasing"]);
  });

  it.each([
    [["0.9.0", "1.0.0-rc.1"], true],
    [["0.9.0", "1.0.1"], false],
    [["2.0.0"], false],
    [["not-a-version", "0.1.0"], true],
  ])("checks the version against every existing one: %j → ok %s", async (existingVersions, ok) => {
    const inspection = await inspectPackage(fixture("ok-1.0.0.zip"), { existingVersions });
    expect(inspection.ok).toBe(ok);
  });

  it("reports the upload's hash, sizes, manifest and files", async () => {
    const bytes = fixture("ok-1.0.0.zip");
    const inspection = await inspectPackage(bytes);
    expect(inspection.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(inspection.size).toBe(bytes.length);
    expect(inspection.fileCount).toBe(5);
    expect(inspection.uncompressedSize).toBe(inspection.files.reduce((sum, f) => sum + f.size, 0));
    expect(inspection.manifest).toEqual({
      appId: APP_ID,
      name: "Fixture",
      version: "1.0.0",
      pages: ["pages/index/index", "pages/detail/detail"],
      permissions: ["location"],
      domains: ["https://api.example.com"],
      minSdkVersion: "2.0.0",
    });
    expect(inspection.files.map((f) => f.path)).toContain("pages/index/index.js");
    for (const file of inspection.files) expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("stops the fixture zip bomb early instead of unpacking its 60 MiB", async () => {
    const inspection = await inspectPackage(fixture("bad-zip-bomb.zip"));
    expect(inspection.errors.find((e) => e.code === "compression_ratio")?.path).toBe("assets/zeros.bin");
    expect(inspection.uncompressedSize).toBeLessThan(8 * MiB);
  });

  // Issue 13 item 13: the report said "Unpacked size 5.9 MiB" beside a tree claiming 60 MiB.
  it("says the unpacked size of a stopped read is a lower bound, beside what the headers claim", async () => {
    const inspection = await inspectPackage(fixture("bad-zip-bomb.zip"));
    expect(inspection.uncompressedSizeComplete).toBe(false);
    expect(inspection.declaredUncompressedSize).toBeGreaterThanOrEqual(60 * MiB);
    const bomb = inspection.errors.find((e) => e.code === "compression_ratio");
    expect(bomb?.message).toMatch(/reading stopped at [\d.]+ MiB; its header claims 60 MiB/);
    expect((await inspectPackage(fixture("ok-1.0.0.zip"))).uncompressedSizeComplete).toBe(true);
  });
});

describe("packages built by the zip writer", () => {
  it("accepts a valid package with no findings", async () => {
    const inspection = await inspectPackage(buildMiniProgramPackage({ ...validPackage, minSdkVersion: "2.1.0" }), {
      expectedAppId: APP_ID,
    });
    expect({ errors: inspection.errors, warnings: inspection.warnings }).toEqual({ errors: [], warnings: [] });
    expect(inspection.ok).toBe(true);
  });

  it("accepts stored entries and directory entries, and does not count directories as files", async () => {
    const entries = miniProgramEntries(validPackage).map((e) => ({ ...e, method: "store" as const }));
    const inspection = await inspectPackage(buildZip([{ name: "pages/", data: "" }, { name: "pages/index/", data: "" }, ...entries]));
    expect(inspection.errors).toEqual([]);
    expect(inspection.fileCount).toBe(entries.length);
  });

  it("accepts a manifest without permissions, domains or minSdkVersion", async () => {
    const inspection = await inspectPackage(
      buildZip(withManifest({ appId: APP_ID, name: "Fixture", version: "1.0.0", pages: ["pages/index/index"] })),
    );
    expect(inspection.errors).toEqual([]);
    expect(inspection.manifest).toMatchObject({ permissions: [], domains: [], minSdkVersion: null });
  });
});

describe("hostile archives", () => {
  it("rejects a symbolic link entry", async () => {
    const zip = buildZip([...miniProgramEntries(validPackage), { name: "pages/secret", data: "/etc/passwd", mode: 0o120777 }]);
    const inspection = await inspectPackage(zip);
    expect(inspection.errors).toEqual([expect.objectContaining({ code: "symlink", path: "pages/secret" })]);
  });

  it("rejects a symlinked app.json without reading it as the manifest", async () => {
    const entries = miniProgramEntries(validPackage).filter((e) => e.name !== "app.json");
    const inspection = await inspectPackage(buildZip([{ name: "app.json", data: "/etc/passwd", mode: 0o120777 }, ...entries]));
    expect(errorCodes(inspection)).toContain("symlink");
    expect(inspection.manifest).toBeNull();
  });

  it.each([
    ["the same name twice", "pages/index/index.js"],
    ["a name differing only in case", "Pages/Index/index.js"],
  ])("rejects %s", async (_, name) => {
    const zip = buildZip([...miniProgramEntries(validPackage), { name, data: "evil()" }]);
    const inspection = await inspectPackage(zip);
    expect(errorCodes(inspection)).toEqual(["duplicate_entry"]);
  });

  it("rejects a duplicated app.json without picking one", async () => {
    const inspection = await inspectPackage(buildZip([...miniProgramEntries(validPackage), { name: "app.json", data: "{}" }]));
    expect(errorCodes(inspection)).toEqual(["duplicate_entry"]);
    expect(inspection.manifest).toBeNull();
  });

  it.each<[string, string | Buffer]>([
    ["absolute", "/etc/passwd"],
    ["parent segment", "pages/../../evil.js"],
    ["backslash", "pages\\evil.js"],
    ["backslash traversal", "..\\..\\evil.js"],
    ["drive letter", "C:/Windows/evil.js"],
    ["drive letter without slash", "c:evil.js"],
    ["NUL byte", Buffer.from("pages/evil.js\0.png", "latin1")],
    ["control character", "pages/evil\n.js"],
    ["empty segment", "pages//evil.js"],
    ["dot segment", "pages/./evil.js"],
    ["./ then a parent segment", "./../evil.js"],
    ["./ then an absolute path", ".//etc/passwd"],
    ["./ then a drive letter", "./C:/Windows/evil.js"],
    ["a dot-dot prefix", "../evil.js"],
  ])("rejects an unsafe path: %s", async (_, name) => {
    const inspection = await inspectPackage(buildZip([...miniProgramEntries(validPackage), { name, data: "evil()" }]));
    expect(errorCodes(inspection)).toEqual(["unsafe_path"]);
    expect(inspection.errors[0]?.path).not.toContain("\0");
  });

  it("does not scan the code of an unsafe entry", async () => {
    const zip = buildZip([...miniProgramEntries(validPackage), { name: "../evil.js", data: "wx.login()" }]);
    const inspection = await inspectPackage(zip);
    expect(inspection.warnings).toEqual([]);
  });

  it("rejects 2,500 files after reading at most 2,001 directory entries and no data", async () => {
    const files = Array.from({ length: 2500 }, (_, i) => ({ name: `assets/f${i}.txt`, data: `file ${i}` }));
    const zip = buildZip([...miniProgramEntries(validPackage), ...files]);
    const started = performance.now();
    const inspection = await inspectPackage(zip);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(errorCodes(inspection)).toEqual(["too_many_files"]);
    expect(inspection.fileCount).toBe(LIMITS.maxFiles + 1);
    expect(inspection.uncompressedSize).toBe(0);
  });

  it("accepts exactly 2,000 files", async () => {
    const entries = miniProgramEntries(validPackage);
    const files = Array.from({ length: 2000 - entries.length }, (_, i) => ({ name: `assets/f${i}.txt`, data: `file ${i}` }));
    const inspection = await inspectPackage(buildZip([...entries, ...files]));
    expect(inspection.errors).toEqual([]);
    expect(inspection.fileCount).toBe(2000);
  });

  it("stops a 60 MiB zip bomb at the compression-ratio limit", async () => {
    const zip = buildZip([...miniProgramEntries(validPackage), { name: "assets/zeros.bin", data: Buffer.alloc(60 * MiB) }]);
    const started = performance.now();
    const inspection = await inspectPackage(zip);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(errorCodes(inspection)).toEqual(["compression_ratio"]);
    // Ratio 100 × ~60 KiB packed: reading stops near 6 MiB, not at the 60 MiB the bomb holds.
    expect(inspection.uncompressedSize).toBeLessThan(7 * MiB);
  });

  it("stops a bomb whose header claims a small size, counting real bytes", async () => {
    const bomb = { name: "assets/small.bin", data: Buffer.alloc(20 * MiB), claimedSize: 1000 };
    const inspection = await inspectPackage(buildZip([...miniProgramEntries(validPackage), bomb]));
    expect(errorCodes(inspection)).toEqual(["compression_ratio"]);
    expect(inspection.uncompressedSize).toBeGreaterThan(1 * MiB);
    expect(inspection.uncompressedSize).toBeLessThan(3 * MiB);
  });

  it("stops a small bomb (a few KiB packed) just past 1 MiB", async () => {
    const bomb = { name: "assets/small.bin", data: Buffer.alloc(3 * MiB) };
    const inspection = await inspectPackage(buildZip([...miniProgramEntries(validPackage), bomb]));
    expect(errorCodes(inspection)).toEqual(["compression_ratio"]);
    expect(inspection.uncompressedSize).toBeLessThan(MiB + 128 * 1024);
  });

  it("rejects more than 50 MiB unpacked across entries, stopping at the limit", async () => {
    // Each entry is exactly 1 MiB, so the ratio rule (over 1 MiB) never fires; only the total does.
    const oneMiB = Buffer.alloc(MiB);
    const chunks = Array.from({ length: 60 }, (_, i) => ({ name: `assets/z${i}.bin`, data: oneMiB }));
    const inspection = await inspectPackage(buildZip([...miniProgramEntries(validPackage), ...chunks]));
    expect(errorCodes(inspection)).toEqual(["too_large"]);
    expect(inspection.uncompressedSize).toBeGreaterThan(LIMITS.maxUnpackedBytes);
    expect(inspection.uncompressedSize).toBeLessThanOrEqual(LIMITS.maxUnpackedBytes + 64 * 1024);
  });

  it("rejects an upload over 10 MiB packed without opening it", async () => {
    const inspection = await inspectPackage(Buffer.alloc(LIMITS.maxPackedBytes + 1));
    expect(errorCodes(inspection)).toEqual(["too_large"]);
  });

  it("applies limits given as options", async () => {
    const inspection = await inspectPackage(buildMiniProgramPackage(validPackage), { limits: { maxFiles: 2 } });
    expect(errorCodes(inspection)).toEqual(["too_many_files"]);
  });

  it.each([
    ["an empty buffer", Buffer.alloc(0)],
    ["text", Buffer.from("hello, this is not a zip")],
    ["a zip cut in half", (() => { const z = buildMiniProgramPackage(validPackage); return z.subarray(0, z.length >> 1); })()],
    ["a zip missing its last bytes", (() => { const z = buildMiniProgramPackage(validPackage); return z.subarray(0, z.length - 5); })()],
  ])("rejects %s as not_zip", async (_, bytes) => {
    const inspection = await inspectPackage(bytes);
    expect(errorCodes(inspection)).toEqual(["not_zip"]);
  });

  it("rejects an archive whose central directory points past its end", async () => {
    const zip = buildMiniProgramPackage(validPackage);
    // Drop the first entry's data: every offset in the directory is now wrong.
    const broken = Buffer.concat([zip.subarray(0, 10), zip.subarray(200)]);
    const inspection = await inspectPackage(broken);
    expect(errorCodes(inspection)).toContain("not_zip");
  });

  it("treats an empty zip as a package without app.json", async () => {
    const inspection = await inspectPackage(buildZip([]));
    expect(errorCodes(inspection)).toEqual(["manifest_missing"]);
    expect(inspection.fileCount).toBe(0);
  });

  it("rejects corrupt entry data (CRC-32 mismatch) as not_zip", async () => {
    const zip = buildZip([...miniProgramEntries(validPackage), { name: "assets/data.txt", data: "0123456789", method: "store" }]);
    const at = zip.indexOf("0123456789");
    zip[at] = "X".charCodeAt(0);
    expect(errorCodes(await inspectPackage(zip))).toEqual(["not_zip"]);
  });

  it("rejects a header that claims more bytes than the entry holds", async () => {
    const zip = buildZip([...miniProgramEntries(validPackage), { name: "assets/data.txt", data: "0123456789", claimedSize: 5000 }]);
    expect(errorCodes(await inspectPackage(zip))).toEqual(["not_zip"]);
  });

  it("rejects a local header that names a different file than the central directory", async () => {
    const zip = buildZip([...miniProgramEntries(validPackage), { name: "assets/good.js", data: "ok()" }]);
    zip.write("assets/evil.js", zip.indexOf("assets/good.js"), "latin1");
    expect(errorCodes(await inspectPackage(zip))).toEqual(["not_zip"]);
  });

  it("never throws, whatever bytes it is given", async () => {
    const zip = buildMiniProgramPackage(validPackage);
    for (let i = 0; i < 200; i += 1) {
      const mangled = Buffer.from(zip);
      const at = (i * 7919) % mangled.length;
      mangled[at] = (mangled[at] ?? 0) ^ 0xff;
      const inspection = await inspectPackage(mangled);
      expect(typeof inspection.ok).toBe("boolean");
    }
  });
});

describe("manifest", () => {
  it.each<[string, unknown, string]>([
    ["an array", "[]", "manifest_invalid"],
    ["a number", "42", "manifest_invalid"],
    ["a string", '"app"', "manifest_invalid"],
    ["null", "null", "manifest_invalid"],
    ["not JSON", "{ appId: x", "manifest_invalid"],
    ["name a number", { ...validPackage, name: 5 }, "manifest_invalid"],
    ["version a number", { ...validPackage, version: 1 }, "manifest_invalid"],
    ["pages empty", { ...validPackage, pages: [] }, "manifest_invalid"],
    ["pages a string", { ...validPackage, pages: "pages/index/index" }, "manifest_invalid"],
    ["pages with a number", { ...validPackage, pages: ["pages/index/index", 3] }, "manifest_invalid"],
    ["permissions a string", { ...validPackage, permissions: "location" }, "manifest_invalid"],
    ["domains an object", { ...validPackage, domains: { api: "https://api.example.com" } }, "manifest_invalid"],
    ["minSdkVersion not semver", { ...validPackage, minSdkVersion: "2" }, "manifest_invalid"],
    ["minSdkVersion a number", { ...validPackage, minSdkVersion: 2 }, "manifest_invalid"],
    ["no appId", { ...validPackage, appId: undefined }, "field_missing"],
    ["no name", { ...validPackage, name: undefined }, "field_missing"],
    ["a blank name", { ...validPackage, name: "" }, "field_missing"],
    ["no version", { ...validPackage, version: undefined }, "field_missing"],
    ["a null version", { ...validPackage, version: null }, "field_missing"],
    ["no pages", { ...validPackage, pages: undefined }, "field_missing"],
    ["version 1.2", { ...validPackage, version: "1.2" }, "version_invalid"],
    ["version v1.2.0", { ...validPackage, version: "v1.2.0" }, "version_invalid"],
    ["version with spaces", { ...validPackage, version: " 1.2.0" }, "version_invalid"],
    ["an unknown permission", { ...validPackage, permissions: ["location", "telepathy"] }, "unknown_permission"],
  ])("rejects a manifest with %s", async (_, manifest, code) => {
    const inspection = await inspectPackage(buildZip(withManifest(manifest)));
    expect(errorCodes(inspection)).toContain(code);
  });

  it("rejects app.json that is not UTF-8", async () => {
    const entries = miniProgramEntries(validPackage).map((e) =>
      e.name === "app.json" ? { name: "app.json", data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) } : e,
    );
    expect(errorCodes(await inspectPackage(buildZip(entries)))).toEqual(["manifest_invalid"]);
  });

  it("reads app.json with a byte-order mark", async () => {
    const inspection = await inspectPackage(buildZip(withManifest(`\ufeff${JSON.stringify(validPackage)}`)));
    expect(inspection.errors).toEqual([]);
  });

  it("accepts prerelease and build versions", async () => {
    const inspection = await inspectPackage(buildZip(withManifest({ ...validPackage, version: "1.2.0-beta.1+build.7" })));
    expect(inspection.errors).toEqual([]);
  });

  it("rejects app.json over 1 MiB", async () => {
    // Stored: deflated, this much padding would be stopped earlier as a compression bomb.
    const padding = " ".repeat(LIMITS.maxManifestBytes);
    const entries = withManifest(`${JSON.stringify(validPackage)}${padding}`).map((e) => ({ ...e, method: "store" as const }));
    const inspection = await inspectPackage(buildZip(entries));
    expect(errorCodes(inspection)).toEqual(["manifest_invalid"]);
  });

  it("points at a nested app.json when the folder itself was zipped", async () => {
    const entries = miniProgramEntries(validPackage).map((e) => ({ ...e, name: `dist/${String(e.name)}` }));
    const inspection = await inspectPackage(buildZip(entries));
    expect(inspection.errors).toEqual([expect.objectContaining({ code: "manifest_missing" })]);
    expect(inspection.errors[0]?.message).toContain("dist/app.json");
  });

  it("rejects an appId other than the mini-program's", async () => {
    const inspection = await inspectPackage(buildMiniProgramPackage(validPackage), { expectedAppId: "com.example.other" });
    expect(errorCodes(inspection)).toEqual(["app_id_mismatch"]);
  });

  it("requires p.html for every page but not p.js or p.css", async () => {
    const entries = miniProgramEntries({ ...validPackage, pages: ["pages/a/a", "pages/b/b"] }).filter(
      (e) => !String(e.name).startsWith("pages/a/a.") || e.name === "pages/a/a.html",
    );
    const inspection = await inspectPackage(buildZip(entries.filter((e) => e.name !== "pages/b/b.html")));
    expect(inspection.errors).toEqual([expect.objectContaining({ code: "page_missing", path: "pages/b/b.html" })]);
  });

  it.each([
    "http://api.example.com",
    "api.example.com",
    "https://api.example.com/",
    "https://api.example.com/v1",
    "https://api.example.com:8443",
    "https://api.example.com?x=1",
    "https://api.example.com#top",
    "https://user@api.example.com",
    "https://10.0.0.1",
    "https://[::1]",
    "https://localhost",
    "https://*.example.com",
    "https://api..example.com",
    "https://-api.example.com",
    "https://api-.example.com",
    "https://api.example.com.",
    "https://exa mple.com",
    "https://bücher.example",
    "HTTPS://api.example.com",
    "https://",
    "",
  ])("rejects the domain %j", async (domain) => {
    const inspection = await inspectPackage(buildMiniProgramPackage({ ...validPackage, domains: [domain] }));
    expect(errorCodes(inspection)).toEqual(["invalid_domain"]);
  });

  it.each(["https://api.example.com", "https://API.Example.COM", "https://cdn-1.eu.example.co.uk", "https://xn--bcher-kva.example"])(
    "accepts the domain %j",
    async (domain) => {
      const inspection = await inspectPackage(buildMiniProgramPackage({ ...validPackage, domains: [domain] }));
      expect(inspection.errors).toEqual([]);
    },
  );
});

describe("code warnings", () => {
  async function warningsFor(pkg: Buffer): Promise<string[]> {
    const inspection = await inspectPackage(pkg);
    expect(inspection.errors).toEqual([]);
    return inspection.warnings.map((w) => `${w.code} ${w.path}`);
  }
  const index = "pages/index/index.js";

  it.each<[string, string, string[]]>([
    ["an undeclared permission", "mp.scanCode({})", [`undeclared_permission ${index}`]],
    ["a declared permission", "mp.getLocation({})", []],
    ["an API needing no permission", "mp.request({ url: 'https://api.example.com/x' })", []],
    ["bracket access", "mp['chooseImage']({})", [`undeclared_permission ${index}`]],
    ["optional chaining", "mp?.requestPayment({})", [`undeclared_permission ${index}`]],
    ["each vendor global", "wx.login(); my.alert(); swan.login(); tt.login()", Array(4).fill(`platform_specific_api ${index}`)],
    ["a URL on an undeclared host", "const u = 'https://tracker.example.net/collect?id=1'", [`undeclared_domain ${index}`]],
    ["a URL on a declared host", "const u = 'https://api.example.com/v1'", []],
    ["a URL on a subdomain of a declared host", 'const u = "https://cdn.api.example.com/x.png"', [`undeclared_domain ${index}`]],
    ["a URL in a template literal", "const u = `https://evil.example.org/${id}`", [`undeclared_domain ${index}`]],
    ["a ws URL with a port", "const s = 'wss://push.example.org:8443/socket'", [`undeclared_domain ${index}`]],
    ["calls in comments", "// wx.login(); mp.scanCode()\n/* https://evil.example.org */ Page({})", []],
    ["calls in strings", "const help = 'call wx.login() or mp.scanCode()'", []],
    ["a property named like a global", "this.wx.login(); config.mp.scanCode()", []],
    ["a local variable named like a global", "const my = { run() {} }; my.run()", []],
    ["a template expression", "const t = `${wx.getSystemInfoSync().platform}`", [`platform_specific_api ${index}`]],
    ["a regex with a quote", "const re = /'/g; wx.login()", [`platform_specific_api ${index}`]],
    ["a division after a call", "const x = a(1) / b(2); const u = 'https://evil.example.org'", [`undeclared_domain ${index}`]],
    ["a URL host with no manifest domain", "fetch('http://10.0.0.1/x')", [`undeclared_domain ${index}`]],
    // Issue 12 item 15: a regular expression right after `)` used to swallow the rest of the line.
    ["a regex after a closing parenthesis", "if(a)/'/.test(b);mp.scanCode();", [`undeclared_permission ${index}`]],
    ["a regex with a slash in a class after )", "if(a)/[/']/.test(b);wx.login()", [`platform_specific_api ${index}`]],
    ["a local wx in one function only", "function f(){ var wx = 1; return wx.x } wx.login()", [`platform_specific_api ${index}`]],
    ["a parameter named mp", "function f(mp){ mp.scanCode() }", []],
    ["an arrow parameter named wx", "const g = (wx) => wx.login()", []],
    ["a catch binding named tt", "try { x() } catch (tt) { tt.login() }", []],
    ["a block-scoped my, used outside its block", "{ let my = {}; my.x() } my.alert()", [`platform_specific_api ${index}`]],
    ["a use before a hoisted var", "function f(){ wx.login(); var wx = {} }", []],
    ["destructuring the global", "const { scanCode } = mp; scanCode()", [`undeclared_permission ${index}`]],
    ["an ES module", "import x from './x'; export const y = () => mp.scanCode()", [`undeclared_permission ${index}`]],
    ["code that does not parse", "mp.scanCode(); function (", [`undeclared_permission ${index}`]],
  ])("%s", async (_, code, expectedWarnings) => {
    expect((await warningsFor(withCode(code))).sort()).toEqual(expectedWarnings.sort());
  });

  it("reports one warning per API and file however often it is called", async () => {
    const code = "mp.scanCode(); mp.scanCode(); mp.chooseMedia(); wx.login(); wx.request()";
    expect((await warningsFor(withCode(code))).sort()).toEqual(
      [`platform_specific_api ${index}`, `undeclared_permission ${index}`, `undeclared_permission ${index}`].sort(),
    );
  });

  it("scans inline scripts and script sources in .html", async () => {
    const html = "<view/>\n<script>\n  mp.getPhoneNumber();\n</script>\n<script src=\"https://cdn.evil.example.org/x.js\"></script>";
    const pkg = buildMiniProgramPackage({ ...validPackage, extraFiles: { "pages/index/extra.html": html } });
    expect((await warningsFor(pkg)).sort()).toEqual(
      ["undeclared_domain pages/index/extra.html", "undeclared_permission pages/index/extra.html"].sort(),
    );
  });

  it("tells a parameter named mp from the global in the same file", async () => {
    const inspection = await inspectPackage(withCode("function f(mp){ mp.scanCode() } mp.chooseImage()"));
    expect(inspection.warnings.map((w) => w.params?.api)).toEqual(["chooseImage"]);
  });

  it.each([
    ["an image src", '<image src="https://img.evil.example.org/a.png"/>'],
    ["a link href", '<a href="https://www.evil.example.org/page">x</a>'],
    ["a form action with an encoded colon", '<form action="https&#58;//post.evil.example.org/f"></form>'],
    ["a protocol-relative src", '<img src="//cdn.evil.example.org/x.png">'],
    ["a srcset", '<img srcset="a.png 1x, https://img.evil.example.org/b.png 2x">'],
    ["a style block", "<style>.a { background: url(https://css.evil.example.org/a.png) }</style>"],
    ["an inline script", "<script>fetch('https://api.evil.example.org/x')</script>"],
  ])("finds an undeclared domain in .html: %s", async (_, html) => {
    const pkg = buildMiniProgramPackage({ ...validPackage, extraFiles: { "pages/index/extra.html": html } });
    const inspection = await inspectPackage(pkg);
    expect(inspection.warnings).toEqual([expect.objectContaining({ code: "undeclared_domain", path: "pages/index/extra.html" })]);
    expect(inspection.warnings[0]?.params?.host).toMatch(/\.evil\.example\.org$/);
  });

  it("scans inline event handlers and leaves declared hosts and text alone in .html", async () => {
    const html = '<button onclick="mp.scanCode()">x</button><image src="https://api.example.com/a.png"/><text>see https://docs.example.net</text>';
    const pkg = buildMiniProgramPackage({ ...validPackage, extraFiles: { "pages/index/extra.html": html } });
    expect(await warningsFor(pkg)).toEqual(["undeclared_permission pages/index/extra.html"]);
  });

  it("scans every .js file, not only pages", async () => {
    const pkg = buildMiniProgramPackage({ ...validPackage, extraFiles: { "utils/track.js": "tt.login()" } });
    expect(await warningsFor(pkg)).toEqual(["platform_specific_api utils/track.js"]);
  });

  it("does not scan other files", async () => {
    const pkg = buildMiniProgramPackage({ ...validPackage, extraFiles: { "README.md": "wx.login() https://evil.example.org" } });
    expect(await warningsFor(pkg)).toEqual([]);
  });
});

describe("readPackageFile", () => {
  const pkg = buildMiniProgramPackage({ ...validPackage, extraFiles: { "assets/big.txt": "x".repeat(5000) } });

  it("reads one file's bytes", async () => {
    const appJson = await readPackageFile(pkg, "app.json", 1024 * 1024);
    expect(JSON.parse(appJson?.toString("utf8") ?? "null")).toMatchObject({ appId: APP_ID });
  });

  it.each([
    ["a missing file", pkg, "nope.js", MiB],
    ["an unsafe path", pkg, "../app.json", MiB],
    ["a directory-like path", pkg, "pages/", MiB],
    ["a file over maxBytes", pkg, "assets/big.txt", 4999],
    ["a zip bomb", fixture("bad-zip-bomb.zip"), "assets/zeros.bin", 100 * MiB],
    ["a non-zip", fixture("bad-not-zip.zip"), "app.json", MiB],
    ["a duplicated name", buildZip([{ name: "a.js", data: "1" }, { name: "a.js", data: "2" }]), "a.js", MiB],
    ["a symlink", buildZip([{ name: "a.js", data: "/etc/passwd", mode: 0o120777 }]), "a.js", MiB],
  ])("returns null for %s", async (_, bytes, file, maxBytes) => {
    expect(await readPackageFile(bytes, file, maxBytes)).toBeNull();
  });

  it("reads several files through one reader", async () => {
    const reader = await openPackageReader(pkg);
    expect(reader).not.toBeNull();
    expect((await reader?.read("assets/big.txt", 5000))?.length).toBe(5000);
    expect((await reader?.read("pages/index/index.css", 5000))?.toString()).toContain(".page");
    reader?.close();
  });
});

describe("archives made by real tools (test/fixtures/real-world)", () => {
  const realWorld = (name: string) => readFileSync(path.join(REAL_WORLD, name));
  const chinesePage = ["app.json", "pages/首页/首页.html", "pages/首页/首页.js"];

  it("reads Info-ZIP's unflagged UTF-8 names as UTF-8 (zip -r on Linux)", async () => {
    const inspection = await inspectPackage(realWorld("info-zip-utf8-names.zip"), { expectedAppId: APP_ID });
    expect({ errors: inspection.errors, warnings: inspection.warnings }).toEqual({ errors: [], warnings: [] });
    expect(inspection.files.map((f) => f.path)).toEqual(chinesePage);
  });

  it("reads GBK names written without the UTF-8 flag as GB18030", async () => {
    const inspection = await inspectPackage(realWorld("info-zip-gbk-names.zip"), { expectedAppId: APP_ID });
    expect(inspection.errors).toEqual([]);
    expect(inspection.files.map((f) => f.path)).toEqual(chinesePage.slice(0, 2));
  });

  it("accepts bsdtar's ./-prefixed names as the same files, with no unsafe_path and no folder hint", async () => {
    const inspection = await inspectPackage(realWorld("bsdtar-dot-prefix.zip"), { expectedAppId: APP_ID });
    expect({ errors: inspection.errors, warnings: inspection.warnings }).toEqual({ errors: [], warnings: [] });
    expect(inspection.files.map((f) => f.path)).toEqual(chinesePage);
    expect(inspection.fileCount).toBe(3);
  });

  it("serves a ./-prefixed file under its normalised name", async () => {
    const appJson = await readPackageFile(realWorld("bsdtar-dot-prefix.zip"), "app.json", MiB);
    expect(JSON.parse(appJson?.toString("utf8") ?? "null")).toMatchObject({ appId: APP_ID });
  });
});

describe("entry names", () => {
  const gbk = (text: string) => Buffer.from(new Uint8Array([...text].flatMap((c) => (c === "首" ? [0xca, 0xd7] : c === "页" ? [0xd2, 0xb3] : [c.charCodeAt(0)]))));
  const pkg = { ...validPackage, pages: ["pages/首页/首页"] };
  const withPageNamed = (name: Buffer | string) =>
    buildZip([...miniProgramEntries(pkg).filter((e) => !String(e.name).startsWith("pages/")), { name, data: "<view/>" }]);

  it.each<[string, Buffer | string]>([
    ["flagged UTF-8", "pages/首页/首页.html"],
    ["unflagged UTF-8", Buffer.from("pages/首页/首页.html", "utf8")],
    ["unflagged GBK", gbk("pages/首页/首页.html")],
  ])("finds a page whose name is %s", async (_, name) => {
    const inspection = await inspectPackage(withPageNamed(name));
    expect(inspection.errors).toEqual([]);
    expect(inspection.files.map((f) => f.path)).toContain("pages/首页/首页.html");
  });

  it("says when a page is missing from a zip whose names are in a legacy encoding, with the bytes", async () => {
    // 0xff is neither UTF-8 nor GB18030: the name can only be read as the zip default, CP437.
    const inspection = await inspectPackage(withPageNamed(Buffer.from([...Buffer.from("pages/"), 0xff, ...Buffer.from(".html")])));
    expect(errorCodes(inspection)).toEqual(["page_missing"]);
    expect(inspection.errors[0]?.message).toContain("CP437");
    expect(inspection.errors[0]?.message).toContain("70 61 67 65 73 2f ff 2e 68 74 6d 6c");
    expect(inspection.errors[0]?.params).toMatchObject({ encoding: "CP437", bytes: "70 61 67 65 73 2f ff 2e 68 74 6d 6c" });
  });

  it("keeps control characters of an unflagged ASCII name visible and unsafe", async () => {
    const inspection = await inspectPackage(buildZip([...miniProgramEntries(validPackage), { name: Buffer.from("pages/a\u0007.js"), data: "x" }]));
    expect(errorCodes(inspection)).toEqual(["unsafe_path"]);
  });

  it("treats ./app.json beside app.json as a duplicate", async () => {
    const inspection = await inspectPackage(buildZip([...miniProgramEntries(validPackage), { name: "./app.json", data: "{}" }]));
    expect(errorCodes(inspection)).toEqual(["duplicate_entry"]);
  });

  it("still points at a nested app.json written with ./", async () => {
    const entries = miniProgramEntries(validPackage).map((e) => ({ ...e, name: `./dist/${String(e.name)}` }));
    const inspection = await inspectPackage(buildZip([{ name: "./", data: "" }, ...entries]));
    expect(errorCodes(inspection)).toEqual(["manifest_missing"]);
    expect(inspection.errors[0]?.message).toContain('found "dist/app.json"');
  });
});

describe("findings as people read them (issue 13 items 1 and 13)", () => {
  const en = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../i18n/messages/en/findings.json"), "utf8"));
  const zh = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../i18n/messages/zh-CN/findings.json"), "utf8"));
  const lookup = (catalog: unknown, key: string) => key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], catalog);

  it("gives every finding of every fixture a catalog key in both languages, and params", async () => {
    const files = Object.keys(expected);
    for (const file of files) {
      const inspection = await inspectPackage(fixture(file), { expectedAppId: APP_ID });
      for (const f of [...inspection.errors, ...inspection.warnings]) {
        expect(f.key, `${file}: ${f.code}`).toMatch(new RegExp(`^${f.code}\\.`));
        expect(typeof lookup(en, f.key!), f.key).toBe("string");
        expect(typeof lookup(zh, f.key!), f.key).toBe("string");
        expect(f.params).toBeTypeOf("object");
      }
    }
  });

  it.each<[string, Buffer]>([
    ["text", Buffer.from("hello, this is not a zip")],
    ["a zip cut in half", buildMiniProgramPackage(validPackage).subarray(0, 300)],
  ])("says plainly why %s is not a zip, without the zip library's wording", async (_, bytes) => {
    const [error] = (await inspectPackage(bytes)).errors;
    expect(error?.code).toBe("not_zip");
    expect(error?.message).not.toMatch(/signature|central directory|yauzl|EOCDR|invalid comment length/i);
    expect(error?.key).toMatch(/^not_zip\.(noDirectory|damagedDirectory)$/);
  });

  it("names the damaged file when an entry's checksum does not match", async () => {
    const zip = buildZip([...miniProgramEntries(validPackage), { name: "assets/data.txt", data: "0123456789", method: "store" }]);
    zip[zip.indexOf("0123456789")] = "X".charCodeAt(0);
    const [error] = (await inspectPackage(zip)).errors;
    expect(error).toMatchObject({ code: "not_zip", key: "not_zip.checksum", path: "assets/data.txt" });
    expect(error?.message).toBe('"assets/data.txt" is damaged: its CRC-32 checksum does not match its contents.');
  });

  it.each([
    ['{\n  "appId": "x",\n  name: "y"\n}', "notJson", 3, 3, '"n"'],
    ['{\n  "appId": "x",\n', "notJsonEnd", 3, 1, undefined],
    ['{"appId": "首页" x}', "notJson", 1, 16, '"x"'],
  ])("gives the line and column of invalid JSON: %j", async (text, key, line, column, found) => {
    const [error] = (await inspectPackage(buildZip(withManifest(text)))).errors;
    expect(error).toMatchObject({ code: "manifest_invalid", key: `manifest_invalid.${key}`, params: { line, column } });
    if (found) expect(error?.params?.found).toBe(found);
    expect(error?.message).toContain(`line ${line}, column ${column}`);
  });

  it("gives the line and column of the first byte that is not UTF-8", async () => {
    const entries = miniProgramEntries(validPackage).map((e) =>
      e.name === "app.json" ? { name: "app.json", data: Buffer.concat([Buffer.from('{\n  "name": "'), Buffer.from([0xff]), Buffer.from('"}')]) } : e,
    );
    const [error] = (await inspectPackage(buildZip(entries))).errors;
    expect(error).toMatchObject({ key: "manifest_invalid.notUtf8", params: { line: 2, column: 12 } });
  });
});
