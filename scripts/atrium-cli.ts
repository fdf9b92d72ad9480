#!/usr/bin/env -S npx tsx
// atrium: upload mini-program packages from a build pipeline (the way miniprogram-ci is used with WeChat).
//
//   atrium upload <zip|folder> --app <appId> [--submit] [--url URL] [--token TOKEN] [--json]
//   atrium submit <versionId>  ·  atrium withdraw <versionId>
//
// The token and URL also come from ATRIUM_TOKEN and ATRIUM_URL. Exit codes: 0 done, 1 package rejected by
// inspection, 2 wrong usage, 3 any other failure (authentication, permission, conflict, network, server).
// Imports are relative so the command runs from any directory, as the package's `bin` or with npx.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildZip, type ZipEntryInput } from "../lib/packages/testing/zip-writer";

export const EXIT = { ok: 0, rejected: 1, usage: 2, failed: 3 } as const;

export type CliIO = {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  color: boolean;
};

type Finding = { code: string; message: string; path?: string };
type Inspection = {
  ok: boolean;
  sha256: string;
  size: number;
  uncompressedSize: number;
  fileCount: number;
  manifest: { appId: string; version: string; permissions: string[]; domains: string[]; minSdkVersion: string | null; pages: string[] } | null;
  errors: Finding[];
  warnings: Finding[];
};
type Version = { id: string; appId: string; version: string; status: string };
type ErrorBody = { error: { code: string; message: string; details?: { inspection?: Inspection } } };

const HELP = `atrium: upload mini-program packages to an Atrium console

Usage:
  atrium upload <zip|folder> --app <appId> [--submit] [--url URL] [--token TOKEN] [--json]
  atrium submit <versionId> [--url URL] [--token TOKEN]
  atrium withdraw <versionId> [--url URL] [--token TOKEN]

Options:
  --app <appId>    the mini-program to upload to (must match appId in app.json)
  --submit         submit the uploaded version for review when inspection accepts it
  --url <URL>      the console's address (default: $ATRIUM_URL, else http://localhost:3000)
  --token <TOKEN>  an API token (default: $ATRIUM_TOKEN)
  --json           print the server's JSON answer instead of the readable report
  -h, --help       show this help

A folder is zipped in memory with its contents at the root (app.json must be directly inside it);
hidden files, node_modules and symbolic links are left out.

Exit codes: 0 done · 1 package rejected by inspection · 2 wrong usage · 3 other failure`;

const MAX_FOLDER_FILES = 5000;

function paint(io: CliIO) {
  const wrap = (code: number) => (s: string) => (io.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), dim: wrap(2), bold: wrap(1) };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

class UsageError extends Error {}

/** Zips a folder's contents in memory, paths relative to the folder with forward slashes, in a stable order. */
export function zipFolder(root: string, warn: (line: string) => void): Buffer {
  const entries: ZipEntryInput[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (d.name.startsWith(".") || d.name === "node_modules") continue;
      const rel = prefix ? `${prefix}/${d.name}` : d.name;
      const full = path.join(dir, d.name);
      if (d.isSymbolicLink()) {
        warn(`skipped symbolic link ${rel}`);
      } else if (d.isDirectory()) {
        walk(full, rel);
      } else if (d.isFile()) {
        if (entries.length >= MAX_FOLDER_FILES) throw new UsageError(`${root} has more than ${MAX_FOLDER_FILES} files; is it the right folder?`);
        entries.push({ name: rel, data: fs.readFileSync(full) });
      }
    }
  };
  walk(root, "");
  if (!entries.some((e) => e.name === "app.json")) {
    warn(`${root} has no app.json at its top level; inspection will reject the package`);
  }
  return buildZip(entries);
}

function connection(values: { url?: string; token?: string }, env: CliIO["env"]) {
  const url = (values.url ?? env.ATRIUM_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  const token = values.token ?? env.ATRIUM_TOKEN;
  if (!token) throw new UsageError("No API token: pass --token or set ATRIUM_TOKEN");
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--url ${url} is not a URL`);
  }
  return { url, token };
}

async function request(io: CliIO, conn: { url: string; token: string }, method: string, pathname: string, body?: Buffer) {
  const headers: Record<string, string> = { authorization: `Bearer ${conn.token}`, accept: "application/json" };
  if (body) headers["content-type"] = "application/zip";
  let res: Response;
  try {
    res = await io.fetch(`${conn.url}${pathname}`, { method, headers, body: body ? new Uint8Array(body) : undefined });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach ${conn.url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: reported below with the status.
  }
  return { status: res.status, json };
}

function describeError(status: number, json: unknown): string {
  const e = (json as ErrorBody | null)?.error;
  return e ? `${e.code} (${status}): ${e.message}` : `the server answered ${status} without a JSON error`;
}

function printFindings(io: CliIO, title: string, items: Finding[], mark: string, tint: (s: string) => string) {
  const c = paint(io);
  io.out(c.bold(`${title} (${items.length}):`));
  for (const f of items) {
    io.out(`  ${tint(`${mark} ${f.code}`)}${f.path ? `  ${c.dim(f.path)}` : ""}`);
    io.out(`    ${f.message}`);
  }
}

export function printReport(io: CliIO, inspection: Inspection): void {
  const c = paint(io);
  const m = inspection.manifest;
  io.out(`  SHA-256   ${inspection.sha256}`);
  io.out(`  Size      ${formatBytes(inspection.size)} packed, ${formatBytes(inspection.uncompressedSize)} unpacked, ${inspection.fileCount} files`);
  if (m) {
    io.out(`  Manifest  ${m.appId} ${m.version} · ${m.pages.length} ${m.pages.length === 1 ? "page" : "pages"}`);
    io.out(`            permissions: ${m.permissions.join(", ") || "none"} · domains: ${m.domains.join(", ") || "none"}${m.minSdkVersion ? ` · minSdkVersion ${m.minSdkVersion}` : ""}`);
  }
  if (inspection.errors.length) printFindings(io, "Errors", inspection.errors, "✖", c.red);
  if (inspection.warnings.length) printFindings(io, "Warnings", inspection.warnings, "⚠", c.yellow);
  if (!inspection.errors.length && !inspection.warnings.length) io.out(c.dim("  No errors, no warnings."));
}

async function upload(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { app: { type: "string" }, submit: { type: "boolean" }, url: { type: "string" }, token: { type: "string" }, json: { type: "boolean" } },
  });
  const c = paint(io);
  const target = positionals[0];
  if (!target || positionals.length > 1) throw new UsageError("Give exactly one zip file or folder to upload");
  if (!values.app) throw new UsageError("Say which mini-program with --app <appId>");
  const conn = connection(values, io.env);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new UsageError(`${target} does not exist`);
  }
  const bytes = stat.isDirectory() ? zipFolder(target, (l) => io.err(c.yellow(`warning: ${l}`))) : fs.readFileSync(target);
  if (!values.json) io.err(`Uploading ${path.basename(path.resolve(target))}${stat.isDirectory() ? " (zipped)" : ""}, ${formatBytes(bytes.length)}, to ${values.app} on ${conn.url}`);
  const res = await request(io, conn, "POST", `/api/v1/mini-programs/${encodeURIComponent(values.app)}/versions`, bytes);

  if (res.status === 201) {
    const { version, inspection } = res.json as { version: Version; inspection: Inspection };
    let submitted: unknown = null;
    if (values.submit) {
      const sub = await request(io, conn, "POST", `/api/v1/versions/${encodeURIComponent(version.id)}/submit`);
      if (sub.status !== 200) {
        if (values.json) io.out(JSON.stringify({ version, inspection, submitError: sub.json }, null, 2));
        else {
          io.out(c.green(`✔ Accepted: ${version.appId} ${version.version} is a draft (${version.id})`));
          printReport(io, inspection);
        }
        io.err(c.red(`✖ Submitting failed: ${describeError(sub.status, sub.json)}`));
        return EXIT.failed;
      }
      submitted = sub.json;
    }
    if (values.json) {
      io.out(JSON.stringify({ version: submitted ?? version, inspection }, null, 2));
      return EXIT.ok;
    }
    io.out(c.green(`✔ Accepted: ${version.appId} ${version.version} uploaded as a draft (${version.id})`));
    printReport(io, inspection);
    if (submitted) io.out(c.green(`✔ Submitted for review: ${version.version} is now ${(submitted as Version).status}`));
    return EXIT.ok;
  }

  const report = (res.json as ErrorBody | null)?.error?.details?.inspection;
  if (res.status === 422 && report) {
    if (values.json) io.out(JSON.stringify(res.json, null, 2));
    else {
      io.out(c.red(`✖ Rejected: ${report.errors.length} ${report.errors.length === 1 ? "error" : "errors"}; nothing was stored`));
      printReport(io, report);
    }
    return EXIT.rejected;
  }
  if (values.json) io.out(JSON.stringify(res.json, null, 2));
  io.err(c.red(`✖ Upload failed: ${describeError(res.status, res.json)}`));
  return EXIT.failed;
}

async function transition(io: CliIO, action: "submit" | "withdraw", args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { url: { type: "string" }, token: { type: "string" }, json: { type: "boolean" } } });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`Give the version id to ${action}`);
  const conn = connection(values, io.env);
  const res = await request(io, conn, "POST", `/api/v1/versions/${encodeURIComponent(id)}/${action}`);
  const c = paint(io);
  if (values.json) io.out(JSON.stringify(res.json, null, 2));
  if (res.status !== 200) {
    io.err(c.red(`✖ ${action} failed: ${describeError(res.status, res.json)}`));
    return EXIT.failed;
  }
  const v = res.json as Version;
  if (!values.json) io.out(c.green(`✔ ${v.appId} ${v.version} is now ${v.status}`));
  return EXIT.ok;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === "-h" || command === "--help" || command === "help" || rest.includes("--help") || rest.includes("-h")) {
      (command ? io.out : io.err)(HELP);
      return command ? EXIT.ok : EXIT.usage;
    }
    if (command === "upload") return await upload(io, rest);
    if (command === "submit" || command === "withdraw") return await transition(io, command, rest);
    throw new UsageError(`Unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`atrium: ${(e as Error).message}\nRun "atrium --help" for usage.`);
      return EXIT.usage;
    }
    io.err(paint(io).red(`✖ ${(e as Error).message}`));
    return EXIT.failed;
  }
}

function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const io: CliIO = {
    fetch: (url, init) => fetch(url, init),
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    env: process.env,
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
  };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
