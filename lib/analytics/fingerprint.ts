// Error groups (issue 18): errors whose messages differ only in the numbers, ids, quoted values or URL paths
// they carry are one problem. errorFingerprint() is the pure rule, computed once at ingest and stored with the
// event (events.fingerprint), so every reader groups alike and the rollups can key on it.
import { createHash } from "node:crypto";

/** Messages are compared on their first 512 normalised characters: a long stack's tail does not split a group. */
export const FINGERPRINT_INPUT_CHARS = 512;
/** 16 hex digits (64 bits) of SHA-256: collisions are out of reach for the groups one mini-program can have. */
export const FINGERPRINT_HEX = 16;

// Order matters: URLs first (their paths hold numbers and ids), then ids, then plain numbers. Quoted text stays:
// "reading 'balance'" and "reading 'items'" are different bugs (numbers inside quotes still become <n>).
const RULES: [RegExp, string | ((m: string, ...groups: string[]) => string)][] = [
  // A URL keeps its scheme and host (which service failed matters), not its path, query or fragment.
  [/\b([a-z][a-z0-9+.-]*):\/\/([^\s/?#"'`<>]+)[^\s"'`<>]*/gi, (_m, scheme: string, host: string) => `${scheme.toLowerCase()}://${host.toLowerCase()}/<path>`],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  // Hex ids: 0x…, or a run of 8+ hex digits that holds at least one digit (so plain words like "deadbeef" stay
  // words only when they hold no digit, which they then are).
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, "<hex>"],
  // Ids with a prefix and digits, as in ord_8f3a2 or user-1234.
  [/\b[A-Za-z]+[_-](?=[A-Za-z0-9]*\d)[A-Za-z0-9]+\b/g, "<id>"],
  // Numbers, with sign, decimals and exponent.
  [/[-+]?\b\d+(?:\.\d+)?(?:e[-+]?\d+)?\b/gi, "<n>"],
];

/** The message with its variable parts replaced by placeholders and its whitespace collapsed; case is kept. */
export function normaliseErrorMessage(message: string): string {
  let s = message;
  for (const [re, to] of RULES) s = s.replace(re, to as string);
  return s.replace(/\s+/g, " ").trim().slice(0, FINGERPRINT_INPUT_CHARS);
}

/** A short stable id of an error's group: hex SHA-256 of the normalised message. */
export function errorFingerprint(message: string | null): string {
  return createHash("sha256")
    .update(normaliseErrorMessage(message ?? ""), "utf8")
    .digest("hex")
    .slice(0, FINGERPRINT_HEX);
}
