// The CLI end to end against the real route handlers (its fetch is wired to them instead of a socket).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { versions } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { miniProgramEntries } from "@/lib/packages/zip-writer";
import { useSeededDb } from "@/test/seeded";
import { inProcessFetch } from "@/test/api-router";
import { EXIT, main, progressBar, type CliIO } from "./atrium-cli";

withTempBlobStore();
const s = useSeededDb();

const api = inProcessFetch();

async function run(argv: string[], env: Record<string, string> = {}, extra: Partial<CliIO> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    fetch: (req) => api(req),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ATRIUM_URL: "http://console.test", ...env },
    color: false,
    ...extra,
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

  it("--notes takes a file's contents or the text itself; long notes follow with PATCH; over 10 KiB is a usage error", async () => {
    // Versions between 5.0.0 (uploaded above) and 5.1.0 (uploaded below): each upload must be above every earlier one.
    const notesFile = path.join(writeFolder([{ name: "NOTES.md", data: "## 5.0.1\n\n- Receipts by photo\n" }]), "NOTES.md");
    const upload = async (version: string, notes: string) => {
      const dir = writeFolder(miniProgramEntries({ appId: "com.demo.expenses", version }));
      return run(["upload", dir, "--app", "com.demo.expenses", "--notes", notes], { ATRIUM_TOKEN: "t_developer_demo" });
    };
    expect((await upload("5.0.1", notesFile)).code).toBe(EXIT.ok);
    expect((await upload("5.0.2", "Fixes *totals*")).code).toBe(EXIT.ok);
    const long = "长".repeat(3000); // 9,000 bytes: too long for a URL, so sent with PATCH
    expect((await upload("5.0.3", long)).code).toBe(EXIT.ok);
    const notesOf = async (version: string) => (await s.db.select({ notes: versions.notes }).from(versions).where(eq(versions.version, version)))[0]?.notes;
    expect(await notesOf("5.0.1")).toBe("## 5.0.1\n\n- Receipts by photo\n");
    expect(await notesOf("5.0.2")).toBe("Fixes *totals*");
    expect(await notesOf("5.0.3")).toBe(long);
    const tooLong = await upload("5.0.4", "x".repeat(10 * 1024 + 1));
    expect(tooLong.code).toBe(EXIT.usage);
    expect(await notesOf("5.0.4")).toBeUndefined();
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
    [["frobnicate"], "unknown command"],
    [["upload", "x.zip", "--bogus"], "bogus"],
    [["versions"], "appId"],
    [["versions", "com.demo.expenses", "--limit", "0"], "--limit"],
    [["status"], "version id"],
    [["status", "ver_x", "--timeout", "soon"], "--timeout"],
  ])("exits 2 on wrong usage: %j", async (argv, message) => {
    const res = await run(argv, { ATRIUM_TOKEN: "t_developer_demo" });
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toContain(message);
    // One clear line, no stack.
    expect(res.err.split("\n")).toHaveLength(1);
  });

  it("exits 2 with one line for a folder without app.json", async () => {
    const dir = writeFolder([{ name: "pages/index/index.html", data: "<p>hi</p>" }]);
    const res = await run(["upload", dir, "--app", "com.demo.expenses"], { ATRIUM_TOKEN: "t_developer_demo" });
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toMatch(/^atrium: .* has no app\.json at its top level/);
    expect(res.err.split("\n")).toHaveLength(1);
  });

  it("exits 3 with one line when the console cannot be reached", async () => {
    // A port that was free a moment ago: nothing listens there.
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const res = await run(["versions", "com.demo.expenses", "--url", `http://127.0.0.1:${port}`, "--token", "t_developer_demo"], {}, { fetch: (req) => fetch(req) });
    expect(res.code).toBe(EXIT.failed);
    expect(res.err).toBe(`✖ cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it("reports upload progress, and sends an Idempotency-Key", async () => {
    const seen: [number, number][] = [];
    const keys: (string | null)[] = [];
    const zip = fixture("ok-1.0.0.zip");
    const res = await run(["upload", zip, "--app", "com.demo.expenses", "--token", "t_developer_demo"], {}, {
      progress: (sent, total) => void seen.push([sent, total]),
      fetch: (req) => {
        keys.push(req.headers.get("idempotency-key"));
        return api(req);
      },
    });
    expect([EXIT.ok, EXIT.rejected]).toContain(res.code);
    const size = fs.statSync(zip).size;
    expect(seen.at(-1)).toEqual([size, size]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    const bar: string[] = [];
    progressBar((s) => bar.push(s))(512, 1024);
    expect(bar[0]).toContain("[############------------]  50%  512 B of 1.0 KiB");
  });

  it("exits 2 without a token, and 3 when the server refuses the token or the mini-program", async () => {
    expect((await run(["upload", fixture("ok-1.0.0.zip"), "--app", "com.demo.expenses"])).code).toBe(EXIT.usage);
    const badToken = await run(["upload", fixture("ok-1.0.0.zip"), "--app", "com.demo.expenses", "--token", "nope"]);
    expect(badToken.code).toBe(EXIT.failed);
    expect(badToken.err).toContain("unauthenticated (401)");
    expect(badToken.err.split("\n").at(-1)).toMatch(/^✖ Upload failed: unauthenticated \(401\)/);
    expect(badToken.err).not.toMatch(/\n\s+at /);
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

describe("atrium versions / status", () => {
  it("lists a mini-program's versions, readably and as JSON", async () => {
    const res = await run(["versions", "com.demo.expenses", "--token", "t_developer_demo"]);
    expect(res.code).toBe(EXIT.ok);
    expect(res.out.split("\n")[0]).toMatch(/^VERSION\s+STATUS\s+CREATED \(UTC\)\s+ID$/);
    expect(res.out).toMatch(/5\.0\.0\s+draft/);
    const json = await run(["versions", "com.demo.expenses", "--token", "t_developer_demo", "--json", "--limit", "2"]);
    expect(JSON.parse(json.out).items).toHaveLength(2);
  });

  it("waits for the review decision: 0 when approved", async () => {
    const [row] = await s.db.select().from(versions).where(eq(versions.version, "5.0.0"));
    expect((await run(["submit", row!.id, "--token", "t_developer_demo"])).code).toBe(EXIT.ok);
    let polls = 0;
    const res = await run(["status", row!.id, "--token", "t_developer_demo", "--interval", "1", "--timeout", "60"], {}, {
      sleep: async () => {
        // The reviewer decides while the CLI waits.
        if (++polls === 2) {
          const r = await api(new Request(`http://console.test/api/v1/versions/${row!.id}/approve`, { method: "POST", headers: { authorization: "Bearer t_reviewer_demo" } }));
          expect(r.status).toBe(200);
        }
      },
    });
    expect(res.code).toBe(EXIT.ok);
    expect(res.err).toContain("Waiting up to 60 s");
    expect(res.out).toBe("✔ com.demo.expenses 5.0.0 is approved by reviewer@demo.test");
    expect(polls).toBe(2);
  });

  it("exits 1 when the version is rejected, and 3 when no decision comes before the timeout", async () => {
    const zip = writeFolder(miniProgramEntries({ appId: "com.demo.expenses", version: "5.1.0" }));
    const up = await run(["upload", zip, "--app", "com.demo.expenses", "--submit", "--json", "--token", "t_developer_demo"]);
    const id = JSON.parse(up.out).version.id as string;
    const timedOut = await run(["status", id, "--token", "t_developer_demo", "--interval", "1", "--timeout", "2"], {}, { sleep: async () => {} });
    expect(timedOut.code).toBe(EXIT.failed);
    expect(timedOut.err).toContain("still in_review");
    await api(new Request(`http://console.test/api/v1/versions/${id}/reject`, {
      method: "POST",
      headers: { authorization: "Bearer t_reviewer_demo", "content-type": "application/json" },
      body: JSON.stringify({ reasons: ["broken_functionality"], comment: "Crashes on start" }),
    }));
    const rejected = await run(["status", id, "--token", "t_developer_demo"]);
    expect(rejected.code).toBe(EXIT.rejected);
    expect(rejected.out).toContain("is rejected: broken_functionality");
    expect(rejected.out).toContain("Crashes on start");
  });

  it("has --help for every command", async () => {
    for (const cmd of ["upload", "submit", "withdraw", "versions", "status"]) {
      const res = await run([cmd, "--help"]);
      expect(res.code).toBe(EXIT.ok);
      expect(res.out).toContain(`Usage: atrium ${cmd}`);
    }
    const top = await run(["--help"]);
    expect(top.out).toContain("Exit codes: 0 done");
  });
});
