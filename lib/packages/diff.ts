// What changed between two versions of a mini-program, and how much review attention the change deserves.

import type { InspectionWarningCode } from "./catalog";
import { englishText, type Finding, type FindingParams } from "./findings";
import { openPackageReader, type InspectedFile, type Inspection, type PackageReader } from "./inspect";
import { unifiedDiff } from "./text-diff";

export type PackageSide = { inspection: Inspection; bytes: Buffer };

export type FileChange = { path: string; sizeBefore: number; sizeAfter: number; sizeDelta: number };

export type TextDiff =
  | { path: string; diff: string; truncated: boolean }
  | { path: string; diff: null; skipped: "binary" | "too_large" | "unreadable" | "too_many_files" };

export type PackageDiff = {
  versionBefore: string | null;
  versionAfter: string | null;
  permissions: { added: string[]; removed: string[] };
  domains: { added: string[]; removed: string[] };
  files: {
    added: { path: string; size: number }[];
    removed: { path: string; size: number }[];
    changed: FileChange[];
    unchanged: number;
  };
  /** `packed` is the zip as uploaded (what devices download), `unpacked` its real contents. */
  size: {
    packedBefore: number | null;
    packedAfter: number;
    packedDelta: number | null;
    unpackedBefore: number | null;
    unpackedAfter: number;
    unpackedDelta: number | null;
  };
  /** Whether each side calls another vendor's API (a platform_specific_api warning). */
  platformApi: { before: boolean | null; after: boolean };
  /** Unified diffs of changed code files, in path order. */
  textDiffs: TextDiff[];
};

export const TEXT_DIFF_LIMITS = {
  /** Files larger than this on either side are not diffed. */
  maxFileBytes: 512 * 1024,
  /** Characters of diff text kept per file. */
  maxDiffChars: 64 * 1024,
  /** Changed code files diffed per comparison; the rest are listed as skipped. */
  maxFiles: 50,
};

const CODE_FILE = /\.(?:js|mjs|cjs|css|html?|json)$/i;

export async function diffPackages(prev: PackageSide | null, next: PackageSide): Promise<PackageDiff> {
  const before = prev?.inspection ?? null;
  const after = next.inspection;
  const files = diffFiles(before?.files ?? [], after.files);
  return {
    versionBefore: before?.manifest?.version ?? null,
    versionAfter: after.manifest?.version ?? null,
    permissions: diffSets(before?.manifest?.permissions ?? [], after.manifest?.permissions ?? []),
    domains: diffSets(before?.manifest?.domains ?? [], after.manifest?.domains ?? []),
    files,
    size: {
      packedBefore: before?.size ?? null,
      packedAfter: after.size,
      packedDelta: before ? after.size - before.size : null,
      unpackedBefore: before?.uncompressedSize ?? null,
      unpackedAfter: after.uncompressedSize,
      unpackedDelta: before ? after.uncompressedSize - before.uncompressedSize : null,
    },
    platformApi: { before: before ? usesPlatformApi(before) : null, after: usesPlatformApi(after) },
    textDiffs: prev ? await diffCodeFiles(prev.bytes, next.bytes, files.changed) : [],
  };
}

function usesPlatformApi(inspection: Inspection): boolean {
  return inspection.warnings.some((w) => w.code === "platform_specific_api");
}

function diffSets(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return {
    added: [...a].filter((x) => !b.has(x)).sort(),
    removed: [...b].filter((x) => !a.has(x)).sort(),
  };
}

function diffFiles(before: InspectedFile[], after: InspectedFile[]): PackageDiff["files"] {
  const old = new Map(before.map((f) => [f.path, f]));
  const now = new Map(after.map((f) => [f.path, f]));
  const added = after.filter((f) => !old.has(f.path)).map(({ path, size }) => ({ path, size }));
  const removed = before.filter((f) => !now.has(f.path)).map(({ path, size }) => ({ path, size }));
  const changed: FileChange[] = [];
  let unchanged = 0;
  for (const file of after) {
    const was = old.get(file.path);
    if (!was) continue;
    if (sameContent(was, file)) {
      unchanged += 1;
    } else {
      changed.push({ path: file.path, sizeBefore: was.size, sizeAfter: file.size, sizeDelta: file.size - was.size });
    }
  }
  const byPath = (x: { path: string }, y: { path: string }) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);
  return { added: added.sort(byPath), removed: removed.sort(byPath), changed: changed.sort(byPath), unchanged };
}

function sameContent(a: InspectedFile, b: InspectedFile): boolean {
  // Without both hashes (a file inspection did not read in full) only the size can tell.
  if (a.sha256 && b.sha256) return a.sha256 === b.sha256;
  return a.size === b.size;
}

async function diffCodeFiles(prevBytes: Buffer, nextBytes: Buffer, changed: FileChange[]): Promise<TextDiff[]> {
  const code = changed.filter((c) => CODE_FILE.test(c.path));
  if (code.length === 0) return [];
  const [oldReader, newReader] = await Promise.all([openPackageReader(prevBytes), openPackageReader(nextBytes)]);
  try {
    const diffs: TextDiff[] = [];
    for (const [index, change] of code.entries()) {
      diffs.push(
        index < TEXT_DIFF_LIMITS.maxFiles
          ? await diffOneFile(oldReader, newReader, change)
          : { path: change.path, diff: null, skipped: "too_many_files" },
      );
    }
    return diffs;
  } finally {
    oldReader?.close();
    newReader?.close();
  }
}

async function diffOneFile(oldReader: PackageReader | null, newReader: PackageReader | null, change: FileChange): Promise<TextDiff> {
  const { path } = change;
  if (Math.max(change.sizeBefore, change.sizeAfter) > TEXT_DIFF_LIMITS.maxFileBytes) {
    return { path, diff: null, skipped: "too_large" };
  }
  const [oldBytes, newBytes] = await Promise.all([
    oldReader?.read(path, TEXT_DIFF_LIMITS.maxFileBytes) ?? null,
    newReader?.read(path, TEXT_DIFF_LIMITS.maxFileBytes) ?? null,
  ]);
  if (!oldBytes || !newBytes) return { path, diff: null, skipped: "unreadable" };
  if (looksBinary(oldBytes) || looksBinary(newBytes)) return { path, diff: null, skipped: "binary" };
  const result = unifiedDiff(oldBytes.toString("utf8"), newBytes.toString("utf8"), `a/${path}`, `b/${path}`, {
    maxChars: TEXT_DIFF_LIMITS.maxDiffChars,
  });
  return { path, diff: result.text, truncated: result.truncated };
}

function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

// ---- risk ----

/**
 * One reason for the score. `reason` is English (API clients, logs); the console writes the line from the
 * catalog: a warning's own text when `finding` is set, else `key` (findings.json) with `params`.
 */
export type RiskItem = { reason: string; points: number; key?: string; params?: FindingParams; finding?: Finding };

function riskItem(key: string, params: FindingParams, points: number): RiskItem {
  return { reason: englishText(key, params), points, key, params };
}
export type Risk = { score: number; level: "low" | "medium" | "high"; items: RiskItem[] };

/** Points per finding or change. The score is their sum, capped at 100. */
export const RISK_POINTS = {
  warning: { undeclared_permission: 15, undeclared_domain: 10, platform_specific_api: 5 } satisfies Record<InspectionWarningCode, number>,
  /** A warning code not listed above. */
  otherWarning: 5,
  newPermission: 10,
  newDomain: 8,
  /** Packed size more than 50% above the previous version's. */
  sizeJump: 10,
  /** This version uses another vendor's API and the previous one did not. */
  firstPlatformApi: 10,
} as const;

const SIZE_JUMP_RATIO = 1.5;
const LEVELS = { medium: 20, high: 50 } as const;

export function riskScore(inspection: Inspection, diff: PackageDiff): Risk {
  const items: RiskItem[] = [
    ...inspection.warnings.map((w) => ({
      reason: `${w.code}: ${w.message}`,
      points: warningPoints(w.code),
      finding: w,
    })),
    ...diff.permissions.added.map((permission) => riskItem("risk.newPermission", { permission }, RISK_POINTS.newPermission)),
    ...diff.domains.added.map((domain) => riskItem("risk.newDomain", { domain }, RISK_POINTS.newDomain)),
    ...sizeJumpItems(diff),
    ...platformItems(inspection, diff),
  ];
  const score = Math.min(100, items.reduce((sum, item) => sum + item.points, 0));
  const level = score >= LEVELS.high ? "high" : score >= LEVELS.medium ? "medium" : "low";
  return { score, level, items };
}

function warningPoints(code: string): number {
  const known: Record<string, number | undefined> = RISK_POINTS.warning;
  return known[code] ?? RISK_POINTS.otherWarning;
}

function sizeJumpItems(diff: PackageDiff): RiskItem[] {
  const { packedBefore, packedAfter } = diff.size;
  if (!packedBefore || packedAfter <= packedBefore * SIZE_JUMP_RATIO) return [];
  const percent = Math.round((packedAfter / packedBefore - 1) * 100);
  return [riskItem("risk.sizeJump", { percent, beforeBytes: packedBefore, afterBytes: packedAfter }, RISK_POINTS.sizeJump)];
}

function platformItems(inspection: Inspection, diff: PackageDiff): RiskItem[] {
  // A first version has nothing to compare with: its platform warnings already count.
  if (!usesPlatformApi(inspection) || diff.platformApi.before !== false) return [];
  return [riskItem("risk.firstPlatformApi", {}, RISK_POINTS.firstPlatformApi)];
}
