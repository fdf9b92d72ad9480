// Scenario 3: SIGKILL the server during package uploads (POST /api/v1/mini-programs/{appId}/versions, what
// `atrium upload` calls), at several points: while the body streams in, and at fractions of the time the server
// takes once it has the body (inspection, blob write, the version's transaction). After each restart: no version
// row without its blob, no version without its audit entry. Orphan blobs and temporary files are allowed only
// until the server's blob sweep has run; the runner ages every blob file past the sweep's age guard (1 h) and
// restarts the server once more, after which none may remain.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { api, SEED, type ConsoleUnderTest } from "./console";
import { rows } from "./ingest";
import { sleep } from "./server";

export type UploadFigures = {
  packageBytes: number;
  /** Seconds the server took for an upload after receiving its body, undisturbed. */
  serverSeconds: number;
  kills: { point: string; outcome: string; status: number | null }[];
  versionsWithoutBlob: number;
  partialRows: number;
  orphansBeforeSweep: number;
  tempFilesBeforeSweep: number;
  orphansAfterSweep: number;
  tempFilesAfterSweep: number;
  referencedBlobs: number;
  retryAfterKill: number | null;
};

const APP_ID = "com.faults.upload";
const CHUNK = 256 * 1024;

/** A multi-MB package: incompressible assets (most of the bytes) and a large script for inspection to scan. */
function makePackage(version: string, asset: Buffer): Buffer {
  const script = Array.from({ length: 20_000 }, (_, i) => `function f${i}() { return mp.getStorageSync("k${i}"); }`).join("\n");
  return buildMiniProgramPackage({
    appId: APP_ID,
    version,
    name: "Fault upload",
    code: { "pages/index/index": `Page({});\n${script}\n` },
    extraFiles: { "assets/a.bin": asset.subarray(0, asset.length / 2), "assets/b.bin": asset.subarray(asset.length / 2) },
  });
}

type UploadAttempt = { status: number | null; bodyDoneAt: number | null; answeredAt: number | null };

/**
 * Streams the package in chunks, as a CI uploader on a real network would. `onProgress` sees the share sent so
 * far; the answer (or the dropped connection) resolves the result.
 */
async function upload(
  baseUrl: string,
  bytes: Buffer,
  hooks: { onProgress?: (sent: number) => void; onBodyDone?: () => void; chunkDelayMs?: number } = {},
): Promise<UploadAttempt> {
  const attempt: UploadAttempt = { status: null, bodyDoneAt: null, answeredAt: null };
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= bytes.length) {
        attempt.bodyDoneAt = performance.now();
        hooks.onBodyDone?.();
        controller.close();
        return;
      }
      if (hooks.chunkDelayMs) await sleep(hooks.chunkDelayMs);
      controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + CHUNK)));
      offset += CHUNK;
      hooks.onProgress?.(Math.min(1, offset / bytes.length));
    },
  });
  try {
    const res = await fetch(`${baseUrl}/api/v1/mini-programs/${APP_ID}/versions`, {
      method: "POST",
      headers: { authorization: `Bearer ${SEED.adminToken}`, "content-type": "application/zip" },
      body,
      duplex: "half",
    } as RequestInit);
    attempt.status = res.status;
    await res.body?.cancel();
  } catch {
    // The connection went down with the server.
  }
  attempt.answeredAt = performance.now();
  return attempt;
}

type StoreState = {
  versions: { id: string; version: string; sha256: string; size: number; audits: number }[];
  blobs: Map<string, string>;
  tempFiles: string[];
  referenced: Set<string>;
};

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

async function storeState(handle: DbHandle, blobDir: string): Promise<StoreState> {
  const versions = await rows<StoreState["versions"][number]>(
    handle,
    sql`SELECT v.id, v.version, v.sha256, v.size::int AS size,
          (SELECT count(*)::int FROM audit_log a WHERE a.object_id = v.id AND a.action = 'version.upload') AS audits
        FROM versions v WHERE v.app_id = ${APP_ID} ORDER BY v.created_at`,
  );
  const referenced = new Set((await rows<{ sha256: string }>(handle, sql`SELECT DISTINCT sha256 FROM versions`)).map((r) => r.sha256));
  const blobs = new Map<string, string>();
  const tempFiles: string[] = [];
  for (const file of walk(blobDir)) {
    const name = path.basename(file);
    if (/^[0-9a-f]{64}$/.test(name)) blobs.set(name, file);
    else tempFiles.push(file);
  }
  return { versions, blobs, tempFiles, referenced };
}

/** Versions whose blob is missing or not their bytes, and versions without their audit entry. */
function brokenVersions(state: StoreState): { withoutBlob: string[]; partial: string[] } {
  const withoutBlob: string[] = [];
  const partial: string[] = [];
  for (const v of state.versions) {
    const file = state.blobs.get(v.sha256);
    const bytes = file ? fs.readFileSync(file) : null;
    if (!bytes || bytes.length !== v.size || createHash("sha256").update(bytes).digest("hex") !== v.sha256) withoutBlob.push(v.version);
    if (v.audits !== 1) partial.push(v.version);
  }
  return { withoutBlob, partial };
}

const orphansOf = (s: StoreState) => [...s.blobs.keys()].filter((sha) => !s.referenced.has(sha));

export async function runUploadKills(c: ConsoleUnderTest): Promise<{ problems: string[]; figures: UploadFigures; lines: string[] }> {
  const { server } = c;
  const problems: string[] = [];
  const lines: string[] = [];
  const created = await api(server.baseUrl, "POST", "/api/v1/mini-programs", { appId: APP_ID, name: "Fault upload", category: "other" });
  if (created.status !== 201) throw new Error(`Creating ${APP_ID} answered ${created.status}`);

  const asset = randomBytes(6 * 1024 * 1024);
  let minor = 0;
  const next = () => makePackage(`1.${minor++}.0`, asset);

  // Undisturbed, to learn how long the server works on an upload once the body is in; on a freshly started
  // server, as every killed upload below meets one.
  await server.stop();
  await server.start();
  const first = next();
  const base = await upload(server.baseUrl, first);
  if (base.status !== 201 || base.bodyDoneAt === null || base.answeredAt === null) throw new Error(`The undisturbed upload answered ${base.status}`);
  const serverMs = base.answeredAt - base.bodyDoneAt;

  const handle = await c.openDb();
  const kills: UploadFigures["kills"] = [];
  let retryAfterKill: number | null = null;
  try {
    const points: { point: string; run: () => Promise<UploadAttempt> }[] = [
      {
        point: "while streaming the body (half sent)",
        run: () => {
          let fired = false;
          return upload(server.baseUrl, next(), {
            chunkDelayMs: 5,
            onProgress: (sent) => {
              if (sent >= 0.5 && !fired) {
                fired = true;
                void server.kill();
              }
            },
          });
        },
      },
      // Later and later, until one kill comes after the commit: the steps then covered the server's whole work.
      ...[0.05, 0.3, 0.6, 0.8, 0.9, 1, 1.15, 1.3, 1.6, 2, 2.5, 3].map((share) => ({
        point: `${Math.round(share * serverMs)} ms after the body (${Math.round(share * 100)}% of an undisturbed upload's time)`,
        run: async () => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const r = await upload(server.baseUrl, next(), {
            onBodyDone: () => {
              timer = setTimeout(() => void server.kill(), share * serverMs);
            },
          });
          clearTimeout(timer);
          return r;
        },
      })),
    ];

    for (const p of points) {
      const before = await storeState(handle, c.blobDir);
      const r = await p.run();
      if (server.running) await server.kill();
      await server.start();
      const after = await storeState(handle, c.blobDir);
      const committed = after.versions.length > before.versions.length;
      const newOrphans = orphansOf(after).length - orphansOf(before).length;
      const newTemps = after.tempFiles.length - before.tempFiles.length;
      const outcome = committed ? "version committed" : newOrphans > 0 ? "orphan blob left" : newTemps > 0 ? "temporary file left" : "nothing stored";
      kills.push({ point: p.point, outcome, status: r.status });
      lines.push(`kill ${p.point}: ${outcome}${r.status === null ? "" : ` (the client got ${r.status} first)`}`);
      const broken = brokenVersions(after);
      if (broken.withoutBlob.length) problems.push(`after the kill ${p.point}: versions without their blob: ${broken.withoutBlob.join(", ")}`);
      if (broken.partial.length) problems.push(`after the kill ${p.point}: versions without exactly one audit entry: ${broken.partial.join(", ")}`);
      if (r.status !== null && r.status !== 201) problems.push(`the upload killed ${p.point} answered ${r.status}`);
      if (committed) break;
    }
    if (!kills.some((k) => k.outcome === "version committed")) lines.push("(no kill came late enough to find the version committed)");

    // A build pipeline retries a failed upload: after all those kills, the next upload must simply work.
    retryAfterKill = (await upload(server.baseUrl, next())).status;
    if (retryAfterKill !== 201) problems.push(`an upload after the kills answered ${retryAfterKill}`);

    // With the server down (its own sweep must not see the files half aged), everything is aged past the sweep's
    // guard, as if an hour had gone by; the restart then runs the sweep.
    await server.stop();
    // Whether the kills above hit the window between blob write and commit is down to timing; so that the sweep is
    // exercised on every run, one orphan blob and one temporary file are laid down as such a kill leaves them.
    const planted = randomBytes(64 * 1024);
    const plantedSha = createHash("sha256").update(planted).digest("hex");
    const plantedDir = path.join(c.blobDir, plantedSha.slice(0, 2), plantedSha.slice(2, 4));
    fs.mkdirSync(plantedDir, { recursive: true });
    fs.writeFileSync(path.join(plantedDir, plantedSha), planted);
    fs.writeFileSync(path.join(plantedDir, `.tmp-${plantedSha.slice(0, 8)}-000000000000`), planted.subarray(0, 1000));
    const beforeSweep = await storeState(handle, c.blobDir);
    const aged = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const file of [...beforeSweep.blobs.values(), ...beforeSweep.tempFiles]) fs.utimesSync(file, aged, aged);
    await server.start();
    let afterSweep = await storeState(handle, c.blobDir);
    for (let waited = 0; (orphansOf(afterSweep).length || afterSweep.tempFiles.length) && waited < 20_000; waited += 250) {
      await sleep(250);
      afterSweep = await storeState(handle, c.blobDir);
    }
    const broken = brokenVersions(afterSweep);
    const figures: UploadFigures = {
      packageBytes: first.length,
      serverSeconds: Math.round(serverMs) / 1000,
      kills,
      versionsWithoutBlob: broken.withoutBlob.length,
      partialRows: broken.partial.length,
      orphansBeforeSweep: orphansOf(beforeSweep).length,
      tempFilesBeforeSweep: beforeSweep.tempFiles.length,
      orphansAfterSweep: orphansOf(afterSweep).length,
      tempFilesAfterSweep: afterSweep.tempFiles.length,
      referencedBlobs: [...afterSweep.blobs.keys()].filter((sha) => afterSweep.referenced.has(sha)).length,
      retryAfterKill,
    };
    if (figures.versionsWithoutBlob) problems.push(`after the sweep: versions without their blob: ${broken.withoutBlob.join(", ")}`);
    if (figures.partialRows) problems.push(`versions without exactly one audit entry: ${broken.partial.join(", ")}`);
    if (figures.orphansAfterSweep || figures.tempFilesAfterSweep) {
      problems.push(`the sweep left ${figures.orphansAfterSweep} orphan blobs and ${figures.tempFilesAfterSweep} temporary files`);
    }
    lines.unshift(`package ${(first.length / 1024 / 1024).toFixed(1)} MiB; the server works ${figures.serverSeconds} s on it once the body is in`);
    lines.push(
      `before the sweep: ${figures.orphansBeforeSweep} orphan blobs, ${figures.tempFilesBeforeSweep} temporary files (one of each planted); after it: ` +
        `${figures.orphansAfterSweep} and ${figures.tempFilesAfterSweep}; ${figures.referencedBlobs} referenced blobs intact, ` +
        `${figures.versionsWithoutBlob} versions without blob, ${figures.partialRows} partial; a fresh upload after the kills answered ${retryAfterKill}`,
    );
    return { problems, figures, lines };
  } finally {
    await handle.close();
  }
}
