// app.json: parsing, field checks and the manifest rules of CONTRACT §4.

import semver from "semver";
import { isPermission } from "./catalog";
import type { FindingList } from "./findings";
import type { InspectionErrorCode } from "./catalog";

export type PackageManifest = {
  appId: string;
  name: string;
  version: string;
  pages: string[];
  /** Absent in app.json means none. */
  permissions: string[];
  /** Absent in app.json means none. Each is `https://<host>`. */
  domains: string[];
  minSdkVersion: string | null;
};

export const MANIFEST_PATH = "app.json";

type Errors = FindingList<InspectionErrorCode>;

const MAX_TEXT_FIELD = 200;

/** Parses and type-checks app.json. Returns null (with findings) when the manifest is unusable. */
export function parseManifest(content: Buffer, errors: Errors): PackageManifest | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    const valid = content.subarray(0, firstInvalidUtf8(content)).toString("utf8");
    const at = lineAndColumn(valid, valid.length);
    errors.add("manifest_invalid", "notUtf8", at, MANIFEST_PATH);
    return null;
  }
  let json: unknown;
  try {
    // TextDecoder drops a leading byte-order mark, which some Windows editors write.
    json = JSON.parse(text);
  } catch (err) {
    const offset = jsonErrorOffset(text, err);
    const at = lineAndColumn(text, offset);
    if (offset >= text.length) errors.add("manifest_invalid", "notJsonEnd", at, MANIFEST_PATH);
    else errors.add("manifest_invalid", "notJson", { ...at, found: describeChar(text, offset) }, MANIFEST_PATH);
    return null;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    errors.add("manifest_invalid", "notObject", {}, MANIFEST_PATH);
    return null;
  }
  return readFields(json as Record<string, unknown>, errors);
}

/**
 * Where JSON.parse gave up. V8 says "at position N" for everything but an early end of input; its wording is
 * not ours to show, but the position is exact.
 */
function jsonErrorOffset(text: string, err: unknown): number {
  const match = err instanceof Error ? /at position (\d+)/.exec(err.message) : null;
  return match ? Math.min(Number(match[1]), text.length) : text.length;
}

/** 1-based line and column (in characters) of `offset`, the way editors count them. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: [...before.slice(lineStart)].length + 1 };
}

function describeChar(text: string, offset: number): string {
  const c = String.fromCodePoint(text.codePointAt(offset) ?? 0);
  if (/\s/.test(c)) return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  return JSON.stringify(c);
}

/** Offset of the first byte that breaks UTF-8 (the caller already knows there is one). */
function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest prefix without a bad byte, by bisection: streaming mode forgives only a character cut at the
  // end of the prefix, so "this prefix is clean" holds for every shorter prefix too.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

function readFields(raw: Record<string, unknown>, errors: Errors): PackageManifest | null {
  const before = errors.count;
  const appId = requiredText(raw, "appId", errors);
  const name = requiredText(raw, "name", errors);
  const version = requiredText(raw, "version", errors);
  const pages = readPages(raw, errors);
  const permissions = optionalTextList(raw, "permissions", errors);
  const domains = optionalTextList(raw, "domains", errors);
  const minSdkVersion = readMinSdkVersion(raw, errors);
  if (errors.count > before) return null;
  return {
    appId: appId ?? "",
    name: name ?? "",
    version: version ?? "",
    pages: pages ?? [],
    permissions: permissions ?? [],
    domains: domains ?? [],
    minSdkVersion,
  };
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function requiredText(raw: Record<string, unknown>, field: string, errors: Errors): string | null {
  const value = raw[field];
  // A blank required field is as missing as an absent one.
  if (isAbsent(value) || value === "") {
    errors.add("field_missing", "field", { field }, MANIFEST_PATH);
    return null;
  }
  if (typeof value !== "string") {
    errors.add("manifest_invalid", "notString", { field }, MANIFEST_PATH);
    return null;
  }
  if (value.length > MAX_TEXT_FIELD) {
    errors.add("manifest_invalid", "tooLong", { field, max: MAX_TEXT_FIELD }, MANIFEST_PATH);
    return null;
  }
  return value;
}

function readPages(raw: Record<string, unknown>, errors: Errors): string[] | null {
  const value = raw.pages;
  if (isAbsent(value)) {
    errors.add("field_missing", "field", { field: "pages" }, MANIFEST_PATH);
    return null;
  }
  if (!Array.isArray(value) || value.length === 0) {
    errors.add("manifest_invalid", "pagesNotList", {}, MANIFEST_PATH);
    return null;
  }
  if (!value.every((page) => typeof page === "string" && page !== "")) {
    errors.add("manifest_invalid", "pageNotString", {}, MANIFEST_PATH);
    return null;
  }
  return value as string[];
}

function optionalTextList(raw: Record<string, unknown>, field: string, errors: Errors): string[] | null {
  const value = raw[field];
  if (isAbsent(value)) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    errors.add("manifest_invalid", "notStringList", { field }, MANIFEST_PATH);
    return null;
  }
  return [...new Set(value as string[])];
}

function readMinSdkVersion(raw: Record<string, unknown>, errors: Errors): string | null {
  const value = raw.minSdkVersion;
  if (isAbsent(value)) return null;
  if (typeof value !== "string" || !isStrictSemver(value)) {
    errors.add("manifest_invalid", "minSdkVersion", {}, MANIFEST_PATH);
    return null;
  }
  return value;
}

/** Semantic versioning as written, without the "v" prefix or padding that semver's parser forgives. */
export function isStrictSemver(value: string): boolean {
  return /^\d/.test(value) && value.trim() === value && semver.valid(value) !== null;
}

export type ManifestRuleOptions = { expectedAppId?: string; existingVersions?: string[] };

/** The rules about a well-typed manifest's values: version, appId, permissions, domains. */
export function checkManifestRules(manifest: PackageManifest, opts: ManifestRuleOptions, errors: Errors): void {
  checkVersion(manifest.version, opts.existingVersions ?? [], errors);
  if (opts.expectedAppId !== undefined && manifest.appId !== opts.expectedAppId) {
    errors.add("app_id_mismatch", "appId", { appId: manifest.appId, expected: opts.expectedAppId }, MANIFEST_PATH);
  }
  for (const permission of manifest.permissions) {
    if (!isPermission(permission)) {
      errors.add("unknown_permission", "permission", { permission }, MANIFEST_PATH);
    }
  }
  for (const domain of manifest.domains) {
    if (domainHost(domain) === null) {
      errors.add("invalid_domain", "domain", { domain }, MANIFEST_PATH);
    }
  }
}

function checkVersion(version: string, existingVersions: string[], errors: Errors): void {
  if (!isStrictSemver(version)) {
    errors.add("version_invalid", "version", { version }, MANIFEST_PATH);
    return;
  }
  const highest = existingVersions.filter((v) => semver.valid(v) !== null).sort(semver.rcompare)[0];
  if (highest !== undefined && !semver.gt(version, highest)) {
    errors.add("version_not_increasing", "version", { version, highest }, MANIFEST_PATH);
  }
}

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// A top-level label of letters (or an IDN in punycode) rules out IP addresses such as 10.0.0.1.
const TOP_LEVEL_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * The lower-cased host of a manifest domain, or null when the domain is invalid. A domain is exactly
 * `https://` plus a public-style host name with at least two labels: nothing after the host, because host
 * policies and the runtime compare domains as whole strings; no IP literals or single-label names such as
 * `localhost`, which would point a shipped mini-program at one network's internals.
 */
export function domainHost(domain: string): string | null {
  const match = /^https:\/\/([^/?#:@\s]+)$/.exec(domain);
  if (!match?.[1]) return null;
  return validHostName(match[1]);
}

/** The lower-cased host name when `host` is a valid multi-label DNS name, otherwise null. */
export function validHostName(host: string): string | null {
  const lower = host.toLowerCase();
  if (lower.length > 253) return null;
  const labels = lower.split(".");
  const topLevel = labels[labels.length - 1];
  if (labels.length < 2 || topLevel === undefined || !TOP_LEVEL_LABEL.test(topLevel)) return null;
  return labels.every((label) => HOST_LABEL.test(label)) ? lower : null;
}
