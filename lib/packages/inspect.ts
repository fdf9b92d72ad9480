// Inspection of an uploaded mini-program package (CONTRACT §4): never unpacked to disk, bounded in memory
// and time whatever the upload claims about itself.
//
// Two passes over the archive: the central directory first (names, kinds, count: cheap), then the data of
// each file through a byte counter, app.json first, stopping everything at the first limit crossed.

import { createHash } from "node:crypto";
import {
  LIMITS,
  permissionForApi,
  type InspectionErrorCode,
  type InspectionWarningCode,
  type Limits,
} from "./catalog";
import { FindingList, displayPath, type Finding } from "./findings";
import { MANIFEST_PATH, checkManifestRules, domainHost, parseManifest, type PackageManifest } from "./manifest";
import { unsafePathReason } from "./paths";
import { emptyFacts, scanHtml, scanScript, type CodeFacts } from "./scan";
import {
  ZipFormatError,
  closeZip,
  nextEntry,
  openZip,
  readEntry,
  BoundedBuffer,
  type Budget,
  type EntryReadResult,
  type ZipArchive,
  type ZipEntry,
} from "./zip";

export type { Finding } from "./findings";
export type { PackageManifest } from "./manifest";

export type InspectedFile = {
  path: string;
  /** Real decompressed size once the file was read in full; until then, what its header claims. */
  size: number;
  compressedSize: number;
  /** Present only when the file was read in full and matched its header's size and CRC-32. */
  sha256?: string;
};

export type Inspection = {
  ok: boolean;
  sha256: string;
  size: number;
  /** Real decompressed bytes counted; when a limit stopped the read, the count at that moment. */
  uncompressedSize: number;
  fileCount: number;
  manifest: PackageManifest | null;
  errors: Finding[];
  warnings: Finding[];
  files: InspectedFile[];
};

export type InspectOptions = {
  /** The appId of the mini-program this is uploaded to. */
  expectedAppId?: string;
  /** Versions the mini-program already has; the new one must be above all of them. */
  existingVersions?: string[];
  limits?: Partial<Limits>;
};

type Errors = FindingList<InspectionErrorCode>;
type Warnings = FindingList<InspectionWarningCode>;

/** Everything one inspection learns, filled in pass by pass. */
type Run = {
  bytes: Buffer;
  limits: Limits;
  opts: InspectOptions;
  errors: Errors;
  warnings: Warnings;
  archive: ZipArchive | null;
  /** Non-directory entries in directory order. */
  entries: ZipEntry[];
  files: Map<ZipEntry, InspectedFile>;
  uncompressedSize: number;
  manifest: PackageManifest | null;
  facts: Map<string, CodeFacts>;
  /** Set once a limit or corruption makes reading further pointless. */
  stopped: boolean;
};

export async function inspectPackage(bytes: Buffer, opts: InspectOptions = {}): Promise<Inspection> {
  const run: Run = {
    bytes,
    limits: { ...LIMITS, ...opts.limits },
    opts,
    errors: new FindingList(),
    warnings: new FindingList(),
    archive: null,
    entries: [],
    files: new Map(),
    uncompressedSize: 0,
    manifest: null,
    facts: new Map(),
    stopped: false,
  };
  try {
    await inspectArchive(run);
  } catch (err) {
    // Anything unexpected still yields an inspection: the upload is rejected, never the request crashed.
    if (!(err instanceof ZipFormatError)) console.error("package inspection failed unexpectedly", err);
    run.errors.add("not_zip", corruptMessage(err));
  } finally {
    if (run.archive) closeZip(run.archive);
  }
  return toInspection(run);
}

async function inspectArchive(run: Run): Promise<void> {
  if (run.bytes.length > run.limits.maxPackedBytes) {
    run.errors.add("too_large", `The package is ${formatBytes(run.bytes.length)}; the limit is ${formatBytes(run.limits.maxPackedBytes)}.`);
    return;
  }
  try {
    run.archive = await openZip(run.bytes);
  } catch (err) {
    run.errors.add("not_zip", `This file is not a zip archive (${reason(err)}).`);
    return;
  }
  await listEntries(run, run.archive);
  if (run.stopped) return;
  const manifestEntry = findManifest(run);
  await readFiles(run, run.archive, manifestEntry);
  if (run.manifest) {
    checkManifestRules(run.manifest, run.opts, run.errors);
    checkPages(run, run.manifest);
  }
  addCodeWarnings(run);
}

// ---- pass 1: the central directory ----

async function listEntries(run: Run, archive: ZipArchive): Promise<void> {
  const { maxFiles } = run.limits;
  const seen = new Map<string, string>();
  let directories = 0;
  for (;;) {
    let entry: ZipEntry | null;
    try {
      entry = await nextEntry(archive);
    } catch (err) {
      run.errors.add("not_zip", corruptMessage(err));
      run.stopped = true;
      return;
    }
    if (!entry) return;
    if (entry.isDirectory) directories += 1;
    else run.entries.push(entry);
    // Directories are not files, but they are capped too: otherwise their number would be unbounded work.
    if (run.entries.length > maxFiles || directories > maxFiles) {
      const what = directories > maxFiles ? "directories" : "files";
      run.errors.add(
        "too_many_files",
        `The package has more than ${maxFiles.toLocaleString("en")} ${what} (its zip directory lists ${archive.entryCount.toLocaleString("en")} entries).`,
      );
      run.stopped = true;
      return;
    }
    checkEntry(run, entry, seen);
  }
}

function checkEntry(run: Run, entry: ZipEntry, seen: Map<string, string>): void {
  const path = displayPath(entry.name);
  const unsafe = unsafePathReason(entry.name, entry.nameRaw);
  if (unsafe) run.errors.add("unsafe_path", `"${path}" is not a safe path: ${unsafe}.`, path);
  if (entry.isSymlink) run.errors.add("symlink", `"${path}" is a symbolic link; packages may hold only files and directories.`, path);
  if (entry.unreadableReason) run.errors.add("not_zip", `"${path}" cannot be read: ${entry.unreadableReason}.`, path);
  // Host runtimes may unpack to case-insensitive file systems, where these names are one file.
  const key = entry.name.toLowerCase();
  const earlier = seen.get(key);
  if (earlier === entry.name) {
    run.errors.add("duplicate_entry", `"${path}" appears more than once in the archive.`, path);
  } else if (earlier !== undefined) {
    run.errors.add("duplicate_entry", `"${path}" and "${displayPath(earlier)}" differ only in letter case.`, path);
  } else {
    seen.set(key, entry.name);
  }
}

function findManifest(run: Run): ZipEntry | null {
  const candidates = run.entries.filter((e) => e.name === MANIFEST_PATH);
  const [manifest] = candidates;
  if (!manifest) {
    run.errors.add("manifest_missing", manifestMissingMessage(run.entries));
    return null;
  }
  // Duplicates and symlinks were reported in pass 1; reading either would mean picking one at random.
  if (candidates.length > 1 || manifest.isSymlink) return null;
  return manifest;
}

function manifestMissingMessage(entries: ZipEntry[]): string {
  const nested = entries
    .map((e) => e.name)
    .filter((name) => name.endsWith(`/${MANIFEST_PATH}`))
    .sort((a, b) => a.length - b.length)[0];
  return nested
    ? `app.json must be at the root of the zip; found "${displayPath(nested)}". Zip the folder's contents, not the folder.`
    : "The package has no app.json at its root.";
}

function checkPages(run: Run, manifest: PackageManifest): void {
  const names = new Set(run.entries.filter((e) => !e.isSymlink).map((e) => e.name));
  for (const page of manifest.pages) {
    if (!names.has(`${page}.html`)) {
      const path = displayPath(`${page}.html`);
      run.errors.add("page_missing", `Page "${displayPath(page)}" is listed in app.json but "${path}" is not in the package.`, path);
    }
  }
}

// ---- pass 2: file data ----

type Purpose = "manifest" | "script" | "html" | "count";

function purposeOf(entry: ZipEntry, manifestEntry: ZipEntry | null): Purpose {
  if (entry === manifestEntry) return "manifest";
  // Scanning an unsafe name's content would only add noise to a package that is rejected anyway.
  if (unsafePathReason(entry.name, entry.nameRaw)) return "count";
  const lower = entry.name.toLowerCase();
  if (/\.(?:js|mjs|cjs)$/.test(lower)) return "script";
  if (/\.html?$/.test(lower)) return "html";
  return "count";
}

async function readFiles(run: Run, archive: ZipArchive, manifestEntry: ZipEntry | null): Promise<void> {
  const budget: Budget = {
    remaining: run.limits.maxUnpackedBytes,
    maxRatio: run.limits.maxRatio,
    ratioMinBytes: run.limits.ratioMinBytes,
  };
  // app.json first: every later check needs it, and a limit crossed later must not hide it.
  const ordered = manifestEntry ? [manifestEntry, ...run.entries.filter((e) => e !== manifestEntry)] : run.entries;
  for (const entry of ordered) {
    if (entry.isSymlink || entry.unreadableReason) continue;
    await readOneFile(run, archive, entry, purposeOf(entry, manifestEntry), budget);
    if (run.stopped) return;
  }
}

async function readOneFile(run: Run, archive: ZipArchive, entry: ZipEntry, purpose: Purpose, budget: Budget) {
  const path = displayPath(entry.name);
  const keepLimit = purpose === "manifest" ? run.limits.maxManifestBytes + 1 : purpose === "count" ? 0 : run.limits.maxScanBytesPerFile;
  const kept = new BoundedBuffer(keepLimit);
  const hash = createHash("sha256");
  let result: EntryReadResult;
  try {
    result = await readEntry(archive, entry, budget, (chunk) => {
      hash.update(chunk);
      kept.push(chunk);
    });
  } catch (err) {
    run.errors.add("not_zip", `The archive is corrupt: ${reason(err)}.`, path);
    run.stopped = true;
    return;
  } finally {
    run.uncompressedSize = run.limits.maxUnpackedBytes - budget.remaining;
  }
  if (result.status === "compression_ratio") {
    run.errors.add(
      "compression_ratio",
      `"${path}" unpacks to more than ${run.limits.maxRatio} times its packed size of ${formatBytes(entry.compressedSize)} (reading stopped at ${formatBytes(result.bytes)}).`,
      path,
    );
    run.stopped = true;
    return;
  }
  if (result.status === "too_large") {
    run.errors.add("too_large", `The package unpacks to more than ${formatBytes(run.limits.maxUnpackedBytes)} (reading stopped in "${path}").`, path);
    run.stopped = true;
    return;
  }
  run.files.set(entry, { path, size: result.bytes, compressedSize: entry.compressedSize, sha256: hash.digest("hex") });
  applyContent(run, entry, purpose, kept);
}

function applyContent(run: Run, entry: ZipEntry, purpose: Purpose, kept: BoundedBuffer): void {
  if (purpose === "manifest") {
    if (kept.truncated) {
      run.errors.add("manifest_invalid", `app.json is larger than ${formatBytes(run.limits.maxManifestBytes)}.`, MANIFEST_PATH);
    } else {
      run.manifest = parseManifest(kept.toBuffer(), run.errors);
    }
    return;
  }
  if (purpose === "count") return;
  // Past the per-file cap only the beginning is scanned: a hostile file gets no unbounded buffer.
  const text = kept.toBuffer().toString("utf8");
  const facts = purpose === "script" ? scanScript(text, emptyFacts()) : scanHtml(text, emptyFacts());
  run.facts.set(displayPath(entry.name), facts);
}

// ---- warnings ----

function addCodeWarnings(run: Run): void {
  const declaredPermissions = new Set(run.manifest?.permissions ?? []);
  const declaredHosts = new Set(run.manifest?.domains.map(declaredHost).filter((h): h is string => h !== null) ?? []);
  for (const [path, facts] of run.facts) {
    for (const [global, apis] of facts.platformApis) {
      const listed = [...apis].slice(0, 5).map((api) => `${global}.${api}`).join(", ");
      run.warnings.add(
        "platform_specific_api",
        `${path} uses ${listed}${apis.size > 5 ? ", …" : ""}: another vendor's API that will not run in other hosts.`,
        path,
      );
    }
    // Without a usable manifest there is nothing to compare against; its errors already reject the package.
    if (!run.manifest) continue;
    for (const api of facts.mpApis) {
      const permission = permissionForApi(api);
      if (permission && !declaredPermissions.has(permission)) {
        run.warnings.add(
          "undeclared_permission",
          `${path} calls mp.${api}, which needs the "${permission}" permission; app.json does not declare it.`,
          path,
        );
      }
    }
    for (const host of facts.urlHosts) {
      if (!declaredHosts.has(host)) {
        run.warnings.add("undeclared_domain", `${path} has a URL on ${host}, which is not among app.json's domains.`, path);
      }
    }
  }
}

/** A declared domain's host, read leniently: an invalid domain is already an error, not also a warning. */
function declaredHost(domain: string): string | null {
  const strict = domainHost(domain);
  if (strict) return strict;
  try {
    return new URL(domain).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

// ---- result ----

function toInspection(run: Run): Inspection {
  const errors = run.errors.toArray();
  return {
    ok: errors.length === 0,
    sha256: createHash("sha256").update(run.bytes).digest("hex"),
    size: run.bytes.length,
    uncompressedSize: run.uncompressedSize,
    fileCount: run.entries.length,
    manifest: run.manifest,
    errors,
    warnings: run.warnings.toArray(),
    files: run.entries.map(
      (entry) =>
        run.files.get(entry) ?? {
          path: displayPath(entry.name),
          size: entry.declaredSize,
          compressedSize: entry.compressedSize,
        },
    ),
  };
}

function reason(err: unknown): string {
  // Only the zip layer's messages describe the upload; anything else is ours and stays out of the report.
  return err instanceof ZipFormatError ? err.message : "unreadable data";
}

function corruptMessage(err: unknown): string {
  return `The archive is corrupt or truncated (${reason(err)}).`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, "")} KiB`;
  return `${n} bytes`;
}

// ---- reading one file back (serving, diffing) ----

export type PackageReader = {
  /** The file's bytes, or null when it is absent, ambiguous, unsafe, over `maxBytes`, a bomb, or corrupt. */
  read(path: string, maxBytes: number): Promise<Buffer | null>;
  close(): void;
};

/**
 * Opens a package once to read several files from it, under the limits inspection applies. Null when
 * the bytes are not a readable zip within those limits.
 */
export async function openPackageReader(bytes: Buffer, limits: Partial<Limits> = {}): Promise<PackageReader | null> {
  const lim = { ...LIMITS, ...limits };
  if (bytes.length > lim.maxPackedBytes) return null;
  let archive: ZipArchive;
  try {
    archive = await openZip(bytes);
  } catch {
    return null;
  }
  const byName = await indexEntries(archive, lim);
  if (!byName) {
    closeZip(archive);
    return null;
  }
  return {
    read: (path, maxBytes) => readIndexedFile(archive, byName, lim, path, maxBytes),
    close: () => closeZip(archive),
  };
}

/** Name → entry for the entries that may be served; a name given twice maps to null (ambiguous). */
async function indexEntries(archive: ZipArchive, limits: Limits): Promise<Map<string, ZipEntry | null> | null> {
  const byName = new Map<string, ZipEntry | null>();
  try {
    for (let seen = 0; ; seen += 1) {
      if (seen > limits.maxFiles * 2) return null;
      const entry = await nextEntry(archive);
      if (!entry) return byName;
      const servable = !entry.isDirectory && !entry.isSymlink && !entry.unreadableReason && !unsafePathReason(entry.name, entry.nameRaw);
      if (servable) byName.set(entry.name, byName.has(entry.name) ? null : entry);
    }
  } catch {
    return null;
  }
}

async function readIndexedFile(
  archive: ZipArchive,
  byName: Map<string, ZipEntry | null>,
  limits: Limits,
  path: string,
  maxBytes: number,
): Promise<Buffer | null> {
  const entry = byName.get(path);
  if (!entry) return null;
  const cap = Math.min(maxBytes, limits.maxUnpackedBytes);
  const kept = new BoundedBuffer(cap);
  const budget: Budget = { remaining: cap, maxRatio: limits.maxRatio, ratioMinBytes: limits.ratioMinBytes };
  try {
    const result = await readEntry(archive, entry, budget, (chunk) => kept.push(chunk));
    return result.status === "complete" ? kept.toBuffer() : null;
  } catch {
    return null;
  }
}

/**
 * One file of a package, with the safety bounds of inspection; null when it is absent, ambiguous, unsafe,
 * larger than `maxBytes`, a bomb, or corrupt. To read several files, use openPackageReader.
 */
export async function readPackageFile(bytes: Buffer, path: string, maxBytes: number): Promise<Buffer | null> {
  const reader = await openPackageReader(bytes);
  if (!reader) return null;
  try {
    return await reader.read(path, maxBytes);
  } finally {
    reader.close();
  }
}
