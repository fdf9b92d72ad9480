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
  /** False when a limit or damage stopped reading: `uncompressedSize` is then a lower bound, not the size. */
  uncompressedSizeComplete: boolean;
  /** What the entries' headers claim in total: the uploader's word, never used for limits. */
  declaredUncompressedSize: number;
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
  /** Script characters parsed so far, against limits.maxParsedScriptBytes. */
  parsedChars: number;
  /** Set once a limit or corruption makes reading further pointless. */
  stopped: boolean;
};

function notZip(run: Run, err: unknown, fallbackPath?: string): void {
  if (err instanceof ZipFormatError) {
    const path = typeof err.params.path === "string" ? displayPath(err.params.path) : fallbackPath;
    const params = path === undefined ? err.params : { ...err.params, path };
    run.errors.add("not_zip", err.problem, params, path);
  } else {
    // Anything else is ours, not the upload's: it stays out of the report (and goes to the log).
    run.errors.add("not_zip", "unreadable", {}, fallbackPath);
  }
}

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
    parsedChars: 0,
    stopped: false,
  };
  try {
    await inspectArchive(run);
  } catch (err) {
    // Anything unexpected still yields an inspection: the upload is rejected, never the request crashed.
    if (!(err instanceof ZipFormatError)) console.error("package inspection failed unexpectedly", err);
    run.stopped = true;
    notZip(run, err);
  } finally {
    if (run.archive) closeZip(run.archive);
  }
  return toInspection(run);
}

async function inspectArchive(run: Run): Promise<void> {
  if (run.bytes.length > run.limits.maxPackedBytes) {
    run.errors.add("too_large", "packed", { sizeBytes: run.bytes.length, limitBytes: run.limits.maxPackedBytes });
    run.stopped = true;
    return;
  }
  try {
    run.archive = await openZip(run.bytes);
  } catch (err) {
    notZip(run, err);
    run.stopped = true;
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
      notZip(run, err);
      run.stopped = true;
      return;
    }
    if (!entry) return;
    // "./" itself (bsdtar writes it first) is the package's root, not an entry of it.
    if (entry.isDirectory && entry.name === "") continue;
    if (entry.isDirectory) directories += 1;
    else run.entries.push(entry);
    // Directories are not files, but they are capped too: otherwise their number would be unbounded work.
    if (run.entries.length > maxFiles || directories > maxFiles) {
      const what = directories > maxFiles ? "directories" : "files";
      run.errors.add("too_many_files", "files", { limit: maxFiles, what, entries: archive.entryCount });
      run.stopped = true;
      return;
    }
    checkEntry(run, entry, seen);
  }
}

function checkEntry(run: Run, entry: ZipEntry, seen: Map<string, string>): void {
  const path = displayPath(entry.name);
  const unsafe = unsafePathReason(entry.name, entry.nameRaw);
  if (unsafe) run.errors.add("unsafe_path", "path", { path, reason: unsafe }, path);
  if (entry.isSymlink) run.errors.add("symlink", "path", { path }, path);
  if (entry.unreadable) run.errors.add("not_zip", entry.unreadable.problem, { path, ...entry.unreadable.params }, path);
  // Host runtimes may unpack to case-insensitive file systems, where these names are one file.
  const key = entry.name.toLowerCase();
  const earlier = seen.get(key);
  if (earlier === entry.name) {
    run.errors.add("duplicate_entry", "same", { path }, path);
  } else if (earlier !== undefined) {
    run.errors.add("duplicate_entry", "case", { path, other: displayPath(earlier) }, path);
  } else {
    seen.set(key, entry.name);
  }
}

function findManifest(run: Run): ZipEntry | null {
  const candidates = run.entries.filter((e) => e.name === MANIFEST_PATH);
  const [manifest] = candidates;
  if (!manifest) {
    const nested = nestedManifest(run.entries);
    if (nested) run.errors.add("manifest_missing", "nested", { path: displayPath(nested) });
    else run.errors.add("manifest_missing", "absent");
    return null;
  }
  // Duplicates and symlinks were reported in pass 1; reading either would mean picking one at random.
  if (candidates.length > 1 || manifest.isSymlink) return null;
  return manifest;
}

/** The shallowest app.json below the root, when the folder rather than its contents was zipped. */
function nestedManifest(entries: ZipEntry[]): string | undefined {
  return entries
    .map((e) => e.name)
    .filter((name) => name.endsWith(`/${MANIFEST_PATH}`) && unsafePathReason(name) === null)
    .sort((a, b) => a.length - b.length)[0];
}

function checkPages(run: Run, manifest: PackageManifest): void {
  const names = new Set(run.entries.filter((e) => !e.isSymlink).map((e) => e.name));
  // A page missing from a zip whose names had to be guessed is most likely that guess gone wrong: say so.
  const guessed = run.entries.find((e) => e.nameEncoding === "gb18030" || e.nameEncoding === "cp437");
  for (const page of manifest.pages) {
    if (names.has(`${page}.html`)) continue;
    const path = displayPath(`${page}.html`);
    if (guessed) {
      run.errors.add(
        "page_missing",
        "legacyNames",
        {
          page: displayPath(page),
          path,
          encoding: guessed.nameEncoding === "gb18030" ? "GB18030" : "CP437",
          name: displayPath(guessed.name),
          bytes: hexBytes(guessed.nameRaw),
        },
        path,
      );
    } else {
      run.errors.add("page_missing", "page", { page: displayPath(page), path }, path);
    }
  }
}

/** "70 61 67 65 73 2f ca d7 …": the name's bytes as written, so the uploader can see what their tool did. */
function hexBytes(bytes: Buffer, max = 48): string {
  const shown = [...bytes.subarray(0, max)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return bytes.length > max ? `${shown} …` : shown;
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
    if (entry.isSymlink || entry.unreadable) continue;
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
    notZip(run, err, path);
    run.stopped = true;
    return;
  } finally {
    run.uncompressedSize = run.limits.maxUnpackedBytes - budget.remaining;
  }
  if (result.status === "compression_ratio") {
    run.errors.add(
      "compression_ratio",
      "entry",
      {
        path,
        ratio: run.limits.maxRatio,
        packedBytes: entry.compressedSize,
        stoppedBytes: result.bytes,
        declaredBytes: entry.declaredSize,
      },
      path,
    );
    run.stopped = true;
    return;
  }
  if (result.status === "too_large") {
    run.errors.add("too_large", "unpacked", { limitBytes: run.limits.maxUnpackedBytes, path }, path);
    run.stopped = true;
    return;
  }
  run.files.set(entry, { path, size: result.bytes, compressedSize: entry.compressedSize, sha256: hash.digest("hex") });
  applyContent(run, entry, purpose, kept);
}

function applyContent(run: Run, entry: ZipEntry, purpose: Purpose, kept: BoundedBuffer): void {
  if (purpose === "manifest") {
    if (kept.truncated) {
      run.errors.add("manifest_invalid", "tooLarge", { limitBytes: run.limits.maxManifestBytes }, MANIFEST_PATH);
    } else {
      run.manifest = parseManifest(kept.toBuffer(), run.errors);
    }
    return;
  }
  if (purpose === "count") return;
  // Past the per-file cap only the beginning is scanned: a hostile file gets no unbounded buffer.
  const text = kept.toBuffer().toString("utf8");
  const mode = run.parsedChars + text.length <= run.limits.maxParsedScriptBytes ? "parse" : "tokens";
  if (mode === "parse") run.parsedChars += text.length;
  const opts = { mode, complete: !kept.truncated } as const;
  const facts = purpose === "script" ? scanScript(text, emptyFacts(), opts) : scanHtml(text, emptyFacts(), opts);
  run.facts.set(displayPath(entry.name), facts);
}

// ---- warnings ----

function addCodeWarnings(run: Run): void {
  const declaredPermissions = new Set(run.manifest?.permissions ?? []);
  const declaredHosts = new Set(run.manifest?.domains.map(declaredHost).filter((h): h is string => h !== null) ?? []);
  for (const [path, facts] of run.facts) {
    for (const [global, apis] of facts.platformApis) {
      const listed = [...apis].slice(0, 5).map((api) => `${global}.${api}`);
      run.warnings.add("platform_specific_api", "apis", { path, apis: listed, more: Math.max(0, apis.size - 5) }, path);
    }
    // Without a usable manifest there is nothing to compare against; its errors already reject the package.
    if (!run.manifest) continue;
    for (const api of facts.mpApis) {
      const permission = permissionForApi(api);
      if (permission && !declaredPermissions.has(permission)) {
        run.warnings.add("undeclared_permission", "api", { path, api, permission }, path);
      }
    }
    for (const host of facts.urlHosts) {
      if (!declaredHosts.has(host)) {
        run.warnings.add("undeclared_domain", "host", { path, host }, path);
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
    uncompressedSizeComplete: !run.stopped,
    declaredUncompressedSize: run.entries.reduce((sum, e) => sum + e.declaredSize, 0),
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
      const servable = !entry.isDirectory && !entry.isSymlink && !entry.unreadable && !unsafePathReason(entry.name, entry.nameRaw);
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
