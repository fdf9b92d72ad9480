// The CLI as users install it (issue 16): `npm pack` of packages/cli (prepack compiles it to one JavaScript
// file), installed with `npm install --offline` into an empty folder, run as `atrium` with plain node: no tsx,
// no devDependency, no project. It then talks over real HTTP to the route handlers (a loopback server in this
// process hands each request to them) on a seeded database.
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { inProcessFetch } from "@/test/api-router";
import { useSeededDb } from "@/test/seeded";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");

withTempBlobStore();
useSeededDb();
const api = inProcessFetch();

let work = "";
let bin = "";
let server: http.Server;
let url = "";

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-pack-"));
  fs.mkdirSync(path.join(work, "out"));
  fs.mkdirSync(path.join(work, "job"));
  const packed = await run("npm", ["pack", "--pack-destination", path.join(work, "out"), "--json"], { cwd: path.join(ROOT, "packages/cli") });
  const { filename } = (JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as { filename: string }[])[0]!;
  // An empty CI workspace: no lockfile, no node_modules, nothing of this repository.
  fs.writeFileSync(path.join(work, "job/package.json"), JSON.stringify({ name: "ci-job", private: true }));
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", path.join(work, "out", filename)], { cwd: path.join(work, "job") });
  bin = path.join(work, "job/node_modules/.bin/atrium");

  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const headers = Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : []));
      const answer = await api(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: body ? new Uint8Array(body) : undefined }));
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Runs the installed bin with a bare environment: only PATH to find node. */
async function atrium(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(bin, args, { cwd: path.join(work, "job"), env: { PATH: path.dirname(process.execPath) + ":/usr/bin:/bin", ...env } as unknown as NodeJS.ProcessEnv });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe("the packed CLI", () => {
  it("installs as one file with no dependencies, and runs with plain node", async () => {
    const installed = fs.readdirSync(path.join(work, "job/node_modules")).filter((n) => !n.startsWith("."));
    expect(installed).toEqual(["atrium-cli"]);
    expect(fs.readFileSync(fs.realpathSync(bin), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const help = await atrium(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: atrium <command>");
    expect((await atrium(["status", "--help"])).out).toContain("Usage: atrium status");
  });

  it("exits 2 on wrong usage and 3 for an unreachable console, each with one line", async () => {
    const noToken = await atrium(["versions", "com.demo.expenses", "--url", url]);
    expect(noToken.code).toBe(2);
    expect(noToken.err.trim().split("\n")).toEqual(["atrium: no API token: pass --token or set ATRIUM_TOKEN (see atrium versions --help)"]);
    const closed = await atrium(["versions", "com.demo.expenses", "--url", "http://127.0.0.1:1", "--token", "t_x"]);
    expect(closed.code).toBe(3);
    expect(closed.err.trim().split("\n")).toHaveLength(1);
  });

  it("talks to the console over HTTP through the typed client", async () => {
    const env = { ATRIUM_URL: url, ATRIUM_TOKEN: "t_developer_demo" };
    const list = await atrium(["versions", "com.demo.expenses", "--json"], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out).items.length).toBeGreaterThan(0);
    const bad = await atrium(["upload", path.join(ROOT, "test/fixtures/packages/bad-page-missing.zip"), "--app", "com.demo.expenses"], env);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("✖ page_missing");
    const denied = await atrium(["versions", "com.demo.expenses"], { ...env, ATRIUM_TOKEN: "t_wrong" });
    expect(denied.code).toBe(3);
    expect(denied.err.trim()).toBe("✖ versions failed: unauthenticated (401): Unknown or revoked API token");
  });
});
