// atrium: the command line of the automation API, for build pipelines (the way miniprogram-ci is used with
// WeChat). It speaks to /api/v1 through the typed client generated from the OpenAPI document (lib/api/client),
// so it cannot drift from the API. Published as a bin compiled to one JavaScript file (scripts/build-cli.mjs,
// run at pack time); in this repository `npm run atrium -- <command>` runs it from source.
//
// Exit codes: 0 done · 1 rejected (inspection refused the package, or review rejected or revoked the version)
// · 2 wrong usage (unknown command or option, missing token, a folder without app.json) · 3 any other failure
// (network, authentication, permission, conflict, server, or no decision before --timeout).
// Imports are relative so the command runs from any directory and bundles without the project's aliases.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { createAtriumClient, type AtriumClient, type AtriumSchemas } from "../lib/api/client";
import { buildZip, type ZipEntryInput } from "../lib/packages/zip-writer";

export const EXIT = { ok: 0, rejected: 1, usage: 2, failed: 3 } as const;

export type CliIO = {
  /** The transport: the global fetch, or in tests one that calls the route handlers. */
  fetch: (input: Request) => Promise<Response>;
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  color: boolean;
  /** Upload progress, when someone is watching (stderr is a terminal). */
  progress?: (sent: number, total: number) => void;
  /** Waits between status polls; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
};

type Inspection = AtriumSchemas["Inspection"];
type Finding = AtriumSchemas["Finding"];
type Version = AtriumSchemas["Version"];
type ErrorBody = { error?: { code?: string; message?: string; details?: { inspection?: Inspection } } };

const VERSION = "0.1.0";

const COMMON = `Options for every command:
  --url <URL>      the console's address (default: $ATRIUM_URL, else http://localhost:3000)
  --token <TOKEN>  an API token (default: $ATRIUM_TOKEN)
  --json           print the API's JSON answer instead of readable text
  -h, --help       show help`;

const EXIT_HELP = `Exit codes: 0 done · 1 rejected (inspection, or review) · 2 wrong usage · 3 other failure
(network, authentication, permission, conflict, server, timeout)`;

const HELP: Record<string, string> = {
  main: `atrium ${VERSION}: upload and release mini-programs on an Atrium console from CI

Usage: atrium <command> [options]

Commands:
  upload <zip|folder> --app <appId>   upload a package as a new draft version (--submit to submit it, --notes for release notes)
  submit <versionId>                  submit a draft for review
  withdraw <versionId>                take a version out of review
  versions <appId>                    list a mini-program's versions
  status <versionId>                  show a version's status; waits for the review decision (for CI)

${COMMON}

Run "atrium <command> --help" for a command's options.

${EXIT_HELP}`,
  upload: `Usage: atrium upload <zip|folder> --app <appId> [--submit] [options]

Uploads a package (CONTRACT §4) as a new draft version and prints its inspection report.
A folder is zipped in memory with its contents at the root (app.json must be directly inside it);
hidden files, node_modules and symbolic links are left out.

  --app <appId>    the mini-program to upload to (must match appId in app.json)
  --submit         submit the version for review when inspection accepts it
  --notes <file or text>
                   release notes (Markdown, at most 10 KiB): the file's contents when a file of that
                   name exists, else the text itself

${COMMON}

Exits 1 when inspection rejects the package (every error is listed; nothing is stored).`,
  submit: `Usage: atrium submit <versionId> [options]

Submits a draft version for review.

${COMMON}`,
  withdraw: `Usage: atrium withdraw <versionId> [options]

Takes a version out of review (back to draft).

${COMMON}`,
  versions: `Usage: atrium versions <appId> [--limit N] [options]

Lists a mini-program's versions, newest first.

  --limit <N>      at most N versions (1–200, default 20)

${COMMON}`,
  status: `Usage: atrium status <versionId> [--timeout SECONDS] [--interval SECONDS] [options]

Prints a version's status. While the version is in review it waits for the decision, polling the API,
so a CI job can stop on a rejection: exits 0 when approved, 1 when rejected or revoked, 3 when no
decision came before the timeout (or the version is a draft, which no one reviews).

  --timeout <s>    how long to wait for a decision (default 600; 0 answers at once)
  --interval <s>   seconds between polls (default 10)

${COMMON}`,
};

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

/** Wrong usage: one line, exit 2. */
class UsageError extends Error {}
/** A failure to report in one line, exit 3 (network, authentication, server). */
class Failure extends Error {}

/** Zips a folder's contents in memory, paths relative to the folder with forward slashes, in a stable order. */
export function zipFolder(root: string, warn: (line: string) => void): Buffer {
  if (!fs.existsSync(path.join(root, "app.json"))) {
    throw new UsageError(`${root} has no app.json at its top level: give the mini-program's folder (or its zip)`);
  }
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
  return buildZip(entries);
}

type Conn = { url: string; client: AtriumClient };

function connect(values: { url?: string; token?: string }, io: CliIO): Conn {
  const url = (values.url ?? io.env.ATRIUM_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  const token = values.token ?? io.env.ATRIUM_TOKEN;
  if (!token) throw new UsageError("no API token: pass --token or set ATRIUM_TOKEN");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url ${url} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UsageError(`--url ${url} is not an http(s) address`);
  return { url, client: createAtriumClient({ baseUrl: url, token, fetch: io.fetch, userAgent: `atrium-cli/${VERSION}` }) };
}

/** Runs one API call; a transport failure becomes one line ("cannot reach …"). */
async function call<T extends { response: Response }>(conn: Conn, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UsageError || e instanceof Failure) throw e;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Failure(`cannot reach ${conn.url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
}

function describeError(status: number, body: unknown): string {
  const e = (body as ErrorBody | null | undefined)?.error;
  if (e?.code) return `${e.code} (${status}): ${e.message ?? ""}`.trim();
  if (status === 404) return `not found (404): is --url the console's address?`;
  return `the server answered ${status} without a JSON error`;
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

/** The package as a stream of 64 KiB chunks, reporting what has been handed to the connection. */
function progressStream(bytes: Buffer, report?: (sent: number, total: number) => void): ReadableStream<Uint8Array> {
  const CHUNK = 64 * 1024;
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const end = Math.min(offset + CHUNK, bytes.length);
      controller.enqueue(new Uint8Array(bytes.subarray(offset, end)));
      offset = end;
      report?.(offset, bytes.length);
    },
  });
}

/** A terminal progress bar on stderr: `[##########----------]  52%  5.2 MiB of 10.0 MiB`. */
export function progressBar(write: (s: string) => void): (sent: number, total: number) => void {
  return (sent, total) => {
    const width = 24;
    const frac = total === 0 ? 1 : sent / total;
    const filled = Math.round(frac * width);
    write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}%  ${formatBytes(sent)} of ${formatBytes(total)}${sent >= total ? "\n" : ""}`);
  };
}

type CommonValues = { url?: string; token?: string; json?: boolean; help?: boolean };
type Parsed<O extends NonNullable<ParseArgsConfig["options"]>> = {
  values: { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string } & CommonValues;
  positionals: string[];
};

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O): Parsed<O> {
  return parseArgs({
    args,
    allowPositionals: true,
    options: { ...options, url: { type: "string" }, token: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  }) as unknown as Parsed<O>;
}

const MAX_NOTES_BYTES = 10 * 1024;

/** `--notes`: a file's contents when that file exists, else the text as given; at most 10 KiB (CONTRACT §13). */
function readNotes(value: string): string {
  let text = value;
  try {
    if (fs.statSync(value).isFile()) text = fs.readFileSync(value, "utf8");
  } catch {
    // Not a file: the text itself.
  }
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_NOTES_BYTES) throw new UsageError(`release notes may be at most 10 KiB; these are ${bytes} bytes`);
  return text;
}

async function upload(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { app: { type: "string" }, submit: { type: "boolean" }, notes: { type: "string" } });
  const c = paint(io);
  const target = positionals[0];
  if (!target || positionals.length > 1) throw new UsageError("give exactly one zip file or folder to upload");
  if (!values.app) throw new UsageError("say which mini-program with --app <appId>");
  const notes = values.notes === undefined ? undefined : readNotes(values.notes);
  // Short notes ride on the upload itself (one request, one audit entry); long ones would overflow a request line,
  // so they follow with PATCH before any submit.
  const notesInQuery = notes !== undefined && encodeURIComponent(notes).length <= 6000;
  const conn = connect(values, io);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new UsageError(`${target} does not exist`);
  }
  const bytes = stat.isDirectory() ? zipFolder(target, (l) => io.err(c.yellow(`warning: ${l}`))) : fs.readFileSync(target);
  if (!values.json) io.err(`Uploading ${path.basename(path.resolve(target))}${stat.isDirectory() ? " (zipped)" : ""}, ${formatBytes(bytes.length)}, to ${values.app} on ${conn.url}`);
  // One key per upload: a retry of this very request (by a proxy, or a re-run step) cannot make a second version.
  const idempotencyKey = randomUUID();
  const res = await call(conn, () =>
    conn.client.POST("/api/v1/mini-programs/{appId}/versions", {
      // A streamed body (for the progress bar) passes through as is; fetch needs duplex "half" to send it.
      params: { path: { appId: values.app! }, header: { "Idempotency-Key": idempotencyKey }, query: notesInQuery ? { notes } : {} },
      body: progressStream(bytes, values.json ? undefined : io.progress) as unknown as string,
      bodySerializer: (b) => b,
      headers: { "content-type": "application/zip" },
      ...({ duplex: "half" } as object),
    }),
  );

  if (res.response.status === 201 && res.data) {
    const { inspection } = res.data;
    let version = res.data.version;
    if (notes !== undefined && !notesInQuery) {
      const patched = await call(conn, () => conn.client.PATCH("/api/v1/versions/{versionId}", { params: { path: { versionId: version.id } }, body: { notes } }));
      if (!patched.data) {
        io.err(c.red(`✖ The version ${version.id} was uploaded, but setting its release notes failed: ${describeError(patched.response.status, patched.error)}`));
        return EXIT.failed;
      }
      version = patched.data;
    }
    let submitted: Version | null = null;
    if (values.submit) {
      const sub = await call(conn, () =>
        conn.client.POST("/api/v1/versions/{versionId}/submit", { params: { path: { versionId: version.id }, header: { "Idempotency-Key": randomUUID() } } }),
      );
      if (!sub.data) {
        if (values.json) io.out(JSON.stringify({ version, inspection, submitError: sub.error }, null, 2));
        else {
          io.out(c.green(`✔ Accepted: ${version.appId} ${version.version} is a draft (${version.id})`));
          printReport(io, inspection);
        }
        io.err(c.red(`✖ Submitting failed: ${describeError(sub.response.status, sub.error)}`));
        return EXIT.failed;
      }
      submitted = sub.data;
    }
    if (values.json) {
      io.out(JSON.stringify({ version: submitted ?? version, inspection }, null, 2));
      return EXIT.ok;
    }
    io.out(c.green(`✔ Accepted: ${version.appId} ${version.version} uploaded as a draft (${version.id})`));
    printReport(io, inspection);
    if (submitted) io.out(c.green(`✔ Submitted for review: ${version.version} is now ${submitted.status}`));
    return EXIT.ok;
  }

  const body = res.error as ErrorBody | undefined;
  const report = body?.error?.details?.inspection;
  if (res.response.status === 422 && report) {
    if (values.json) io.out(JSON.stringify(body, null, 2));
    else {
      io.out(c.red(`✖ Rejected: ${report.errors.length} ${report.errors.length === 1 ? "error" : "errors"}; nothing was stored`));
      printReport(io, report);
    }
    return EXIT.rejected;
  }
  if (values.json && body) io.out(JSON.stringify(body, null, 2));
  io.err(c.red(`✖ Upload failed: ${describeError(res.response.status, body)}`));
  return EXIT.failed;
}

async function transition(io: CliIO, action: "submit" | "withdraw", args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`give the version id to ${action}`);
  const conn = connect(values, io);
  const opts = { params: { path: { versionId: id }, header: { "Idempotency-Key": randomUUID() } } };
  const res = await call(conn, () =>
    action === "submit" ? conn.client.POST("/api/v1/versions/{versionId}/submit", opts) : conn.client.POST("/api/v1/versions/{versionId}/withdraw", opts),
  );
  const c = paint(io);
  if (values.json) io.out(JSON.stringify(res.data ?? res.error, null, 2));
  if (!res.data) {
    io.err(c.red(`✖ ${action} failed: ${describeError(res.response.status, res.error)}`));
    return EXIT.failed;
  }
  if (!values.json) io.out(c.green(`✔ ${res.data.appId} ${res.data.version} is now ${res.data.status}`));
  return EXIT.ok;
}

async function versions(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { limit: { type: "string" } });
  const appId = positionals[0];
  if (!appId || positionals.length > 1) throw new UsageError("give the mini-program's appId");
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError("--limit takes a whole number from 1 to 200");
  const conn = connect(values, io);
  const res = await call(conn, () => conn.client.GET("/api/v1/mini-programs/{appId}/versions", { params: { path: { appId }, query: { limit } } }));
  if (!res.data) {
    if (values.json) io.out(JSON.stringify(res.error, null, 2));
    io.err(paint(io).red(`✖ versions failed: ${describeError(res.response.status, res.error)}`));
    return EXIT.failed;
  }
  if (values.json) {
    io.out(JSON.stringify(res.data, null, 2));
    return EXIT.ok;
  }
  if (res.data.items.length === 0) io.out(`${appId} has no versions yet.`);
  const rows = res.data.items.map((v) => [v.version, v.status, v.createdAt.slice(0, 16).replace("T", " "), v.id]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ["VERSION", "STATUS", "CREATED (UTC)"][i]!.length));
  const line = (r: string[]) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join("  ");
  if (rows.length) io.out(paint(io).bold(line(["VERSION", "STATUS", "CREATED (UTC)", "ID"])));
  for (const r of rows) io.out(line(r));
  return EXIT.ok;
}

const DECIDED = new Set(["approved", "rejected", "revoked"]);

async function status(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { timeout: { type: "string" }, interval: { type: "string" } });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError("give the version id");
  const seconds = (v: string | undefined, fallback: number, name: string) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 86_400) throw new UsageError(`--${name} takes seconds from 0 to 86400`);
    return n;
  };
  const timeout = seconds(values.timeout, 600, "timeout");
  const interval = Math.max(seconds(values.interval, 10, "interval"), 0.01);
  const conn = connect(values, io);
  const c = paint(io);
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + timeout * 1000;
  let announced = false;
  for (;;) {
    const res = await call(conn, () => conn.client.GET("/api/v1/versions/{versionId}", { params: { path: { versionId: id } } }));
    if (!res.data) {
      if (values.json) io.out(JSON.stringify(res.error, null, 2));
      io.err(c.red(`✖ status failed: ${describeError(res.response.status, res.error)}`));
      return EXIT.failed;
    }
    const v = res.data;
    const decided = DECIDED.has(v.status);
    if (decided || v.status === "draft" || Date.now() + interval * 1000 > deadline) {
      if (values.json) io.out(JSON.stringify(v, null, 2));
      const review = v.reviews.at(-1);
      if (v.status === "approved") {
        if (!values.json) io.out(c.green(`✔ ${v.appId} ${v.version} is approved${review?.reviewer ? ` by ${review.reviewer}` : ""}`));
        return EXIT.ok;
      }
      if (v.status === "rejected" || v.status === "revoked") {
        if (!values.json) {
          io.out(c.red(`✖ ${v.appId} ${v.version} is ${v.status}${review?.reasons.length ? `: ${review.reasons.join(", ")}` : v.revokeReason ? `: ${v.revokeReason}` : ""}`));
          if (review?.comment) io.out(`  ${review.comment}`);
        }
        return EXIT.rejected;
      }
      if (v.status === "draft") {
        io.err(c.yellow(`${v.appId} ${v.version} is a draft: submit it for review first (atrium submit ${v.id})`));
        return EXIT.failed;
      }
      io.err(c.yellow(`${v.appId} ${v.version} is still ${v.status}: no decision within ${timeout} s`));
      return EXIT.failed;
    }
    if (!announced && !values.json) {
      io.err(`Waiting up to ${timeout} s for the review of ${v.appId} ${v.version} (${v.status})…`);
      announced = true;
    }
    await sleep(interval * 1000);
  }
}

const COMMANDS: Record<string, (io: CliIO, args: string[]) => Promise<number>> = {
  upload,
  submit: (io, a) => transition(io, "submit", a),
  withdraw: (io, a) => transition(io, "withdraw", a),
  versions,
  status,
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === "-h" || command === "--help" || command === "help") {
      (command ? io.out : io.err)(HELP.main!);
      return command ? EXIT.ok : EXIT.usage;
    }
    if (command === "--version" || command === "-v") {
      io.out(VERSION);
      return EXIT.ok;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(HELP[command]!);
      return EXIT.ok;
    }
    return await run(io, rest);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      const message = (e as Error).message.split("\n")[0]!.replace(/\. To specify a positional argument.*$/, "");
      io.err(`atrium: ${message} (see atrium ${command && COMMANDS[command] ? `${command} ` : ""}--help)`);
      return EXIT.usage;
    }
    if (e instanceof Failure) {
      io.err(paint(io).red(`✖ ${e.message}`));
      return EXIT.failed;
    }
    // Anything else is a bug of ours: still one line, never a stack.
    io.err(paint(io).red(`✖ ${(e as Error).message ?? String(e)}`));
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
    fetch: (input) => fetch(input),
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    env: process.env,
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
    progress: process.stderr.isTTY ? progressBar((s) => process.stderr.write(s)) : undefined,
  };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
