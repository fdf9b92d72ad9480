// The CLI end to end against the real route handlers (its fetch is wired to them instead of a socket).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { versions } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { miniProgramEntries } from "@/lib/packages/testing/zip-writer";
import { useSeededDb } from "@/test/seeded";
import * as versionsRoute from "@/app/api/v1/mini-programs/[appId]/versions/route";
import * as submitRoute from "@/app/api/v1/versions/[versionId]/submit/route";
import * as withdrawRoute from "@/app/api/v1/versions/[versionId]/withdraw/route";
import { EXIT, main, type CliIO } from "./atrium-cli";

withTempBlobStore();
const s = useSeededDb();

type Route = { pattern: RegExp; method: string; param: string; handler: (req: NextRequest, seg: { params: Promise<Record<string, string>> }) => Promise<Response> };
const ROUTES: Route[] = [
  { pattern: /^\/api\/v1\/mini-programs\/([^/]+)\/versions$/, method: "POST", param: "appId", handler: versionsRoute.POST as Route["handler"] },
  { pattern: /^\/api\/v1\/versions\/([^/]+)\/submit$/, method: "POST", param: "versionId", handler: submitRoute.POST as Route["handler"] },
  { pattern: /^\/api\/v1\/versions\/([^/]+)\/withdraw$/, method: "POST", param: "versionId", handler: withdrawRoute.POST as Route["handler"] },
];

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    fetch: async (url, init) => {
      const u = new URL(url);
      for (const r of ROUTES) {
        const m = u.pathname.match(r.pattern);
        if (m && init.method === r.method) return r.handler(new NextRequest(u, { method: init.method, headers: init.headers, body: init.body }), { params: Promise.resolve({ [r.param]: decodeURIComponent(m[1]!) }) });
      }
      return new Response("not found", { status: 404 });
    },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ATRIUM_URL: "http://console.test", ...env },
    color: false,
  };
  const code = await main(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function writeFolder(files: { name: string | Buffer; data: string | Buffer }[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-cli-"));
  for (const f of files) {
    const file = path.join(dir, String(f.name));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, f.data);
  }
  return dir;
}

const fixture = (name: string) => path.resolve(import.meta.dirname, "../test/fixtures/packages", name);

describe("atrium upload", () => {
  it("zips a folder, uploads it, submits it, and prints the report", async () => {
    const dir = writeFolder([
      ...miniProgramEntries({ appId: "com.demo.expenses", version: "5.0.0", permissions: ["camera"], code: { "pages/index/index": "wx.showToast({});\n" } }),
      { name: ".git/HEAD", data: "ref: refs/heads/main\n" },
      { name: "node_modules/x/index.js", data: "module.exports = 1;\n" },
    ]);
    const res = await run(["upload", dir, "--app", "com.demo.expenses", "--submit"], { ATRIUM_TOKEN: "t_developer_demo" });
    expect(res.code).toBe(EXIT.ok);
    expect(res.out).toContain("✔ Accepted: com.demo.expenses 5.0.0");
    expect(res.out).toContain("platform_specific_api");
    expect(res.out).toContain("✔ Submitted for review: 5.0.0 is now in_review");
    expect(res.out).toMatch(/SHA-256\s+[0-9a-f]{64}/);
    const [row] = await s.db.select().from(versions).where(eq(versions.version, "5.0.0"));
    expect(row).toMatchObject({ appId: "com.demo.expenses", status: "in_review" });
    // Hidden files and node_modules stayed out of the package.
    expect((row!.inspection as { files: { path: string }[] }).files.map((f) => f.path).sort()).toEqual(["app.json", "pages/index/index.css", "pages/index/index.html", "pages/index/index.js"]);
  });

  it("exits 1 on a rejected package, with every error listed", async () => {
    const res = await run(["upload", fixture("bad-page-missing.zip"), "--app", "com.demo.expenses", "--token", "t_developer_demo"]);
    expect(res.code).toBe(EXIT.rejected);
    expect(res.out).toContain("✖ Rejected");
    expect(res.out).toContain("✖ page_missing");
    expect(res.out).toContain("app_id_mismatch");
  });

  it("prints the server's JSON with --json", async () => {
    const res = await run(["upload", fixture("bad-not-zip.zip"), "--app", "com.demo.expenses", "--token", "t_developer_demo", "--json"]);
    expect(res.code).toBe(EXIT.rejected);
    expect(JSON.parse(res.out).error.details.inspection.errors[0].code).toBe("not_zip");
  });

  it.each([
    [["upload", "x.zip"], "--app"],
    [["upload", "--app", "com.demo.expenses"], "zip file or folder"],
    [["upload", "/nonexistent.zip", "--app", "com.demo.expenses"], "does not exist"],
    [["frobnicate"], "Unknown command"],
    [["upload", "x.zip", "--bogus"], "bogus"],
  ])("exits 2 on wrong usage: %j", async (argv, message) => {
    const res = await run(argv, { ATRIUM_TOKEN: "t_developer_demo" });
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toContain(message);
  });

  it("exits 2 without a token, and 3 when the server refuses the token or the mini-program", async () => {
    expect((await run(["upload", fixture("ok-1.0.0.zip"), "--app", "com.demo.expenses"])).code).toBe(EXIT.usage);
    const badToken = await run(["upload", fixture("ok-1.0.0.zip"), "--app", "com.demo.expenses", "--token", "nope"]);
    expect(badToken.code).toBe(EXIT.failed);
    expect(badToken.err).toContain("unauthenticated (401)");
    const notMine = await run(["upload", fixture("ok-1.0.0.zip"), "--app", "com.demo.weather", "--token", "t_developer_demo"]);
    expect(notMine.code).toBe(EXIT.failed);
    expect(notMine.err).toContain("not_found (404)");
  });
});

describe("atrium submit / withdraw", () => {
  it("moves a version and fails with 3 from the wrong state", async () => {
    const [row] = await s.db.select().from(versions).where(eq(versions.version, "5.0.0"));
    const withdrawn = await run(["withdraw", row!.id, "--token", "t_developer_demo"]);
    expect(withdrawn).toMatchObject({ code: EXIT.ok, out: "✔ com.demo.expenses 5.0.0 is now draft" });
    const again = await run(["withdraw", row!.id, "--token", "t_developer_demo"]);
    expect(again.code).toBe(EXIT.failed);
    expect(again.err).toContain("conflict (409)");
  });
});
