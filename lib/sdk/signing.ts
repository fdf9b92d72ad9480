// Request signing for the SDK API (CONTRACT §6): what host apps sign and what the server verifies.
import { createHmac, timingSafeEqual } from "node:crypto";
import { sha256Hex } from "@/lib/crypto/hash";

/** Header names, lower-cased as `Headers.get` accepts them. */
export const SDK_HEADERS = {
  key: "x-mp-key",
  timestamp: "x-mp-timestamp",
  signature: "x-mp-signature",
} as const;

/** A request whose timestamp is further than this from the server's clock is refused. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export type RawBody = string | Uint8Array;

export interface SignInput {
  method: string;
  /** The request target exactly as sent: path plus query string, no scheme or host. */
  pathWithQuery: string;
  /** The raw body bytes as sent (a string is hashed as UTF-8); absent or empty for a GET. */
  body?: RawBody | null;
  /** Unix seconds, as sent in `X-MP-Timestamp`. */
  timestamp: string | number;
}

export type VerifyResult = { ok: true } | { ok: false; code: "bad_signature" | "stale_timestamp" };

export interface VerifyInput extends Omit<SignInput, "timestamp"> {
  /** Every secret currently valid for the key: during a rotation, the new and the old one. */
  secrets: readonly string[];
  /** The `X-MP-Timestamp` header as received (null when missing). */
  timestamp: string | null | undefined;
  /** The `X-MP-Signature` header as received (null when missing). */
  signature: string | null | undefined;
  /** The server's clock in epoch milliseconds; defaults to `Date.now()`. */
  now?: number;
}

// Digits only: `Number()` would also take "1e9", " 17", "0x1f" or "", and each of those would make
// two different header values sign the same canonical string. 12 digits reach the year 33658.
const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;
const SIGNATURE_PATTERN = /^[0-9a-fA-F]{64}$/;

/** The exact string that is HMAC'd; exported so other implementations can be checked against it. */
export function canonicalString(input: SignInput): string {
  return [
    String(input.timestamp),
    input.method.toUpperCase(),
    input.pathWithQuery,
    sha256Hex(input.body ?? ""),
  ].join("\n");
}

function hmacBytes(secret: string, canonical: string): Buffer {
  return createHmac("sha256", secret).update(canonical, "utf8").digest();
}

/** The hex value for `X-MP-Signature`. */
export function signRequest(input: SignInput & { secret: string }): string {
  return hmacBytes(input.secret, canonicalString(input)).toString("hex");
}

function isFresh(timestamp: string, nowMs: number): boolean {
  const nowSeconds = Math.floor(nowMs / 1000);
  return Math.abs(nowSeconds - Number(timestamp)) <= SIGNATURE_WINDOW_SECONDS;
}

function matchesAnySecret(secrets: readonly string[], canonical: string, expected: Buffer): boolean {
  let matched = false;
  // No early exit: how long verification takes should not tell which secret (old or new) matched.
  for (const secret of secrets) {
    // An empty secret would be a configuration error, never a credential anyone was given.
    if (secret.length === 0) continue;
    const actual = hmacBytes(secret, canonical);
    matched = timingSafeEqual(actual, expected) || matched;
  }
  return matched;
}

/**
 * Checks a signed SDK request. A missing or malformed timestamp answers `stale_timestamp`
 * (the request carries no usable time); a missing, malformed or wrong signature `bad_signature`.
 * Never throws on hostile input.
 */
export function verifySignature(input: VerifyInput): VerifyResult {
  const { timestamp, signature } = input;
  // The cheap clock check first: a replayed old request costs no HMAC.
  if (typeof timestamp !== "string" || !TIMESTAMP_PATTERN.test(timestamp)) {
    return { ok: false, code: "stale_timestamp" };
  }
  if (!isFresh(timestamp, input.now ?? Date.now())) return { ok: false, code: "stale_timestamp" };
  // Checking the shape first guarantees timingSafeEqual gets two 32-byte buffers, so it cannot throw.
  if (typeof signature !== "string" || !SIGNATURE_PATTERN.test(signature)) {
    return { ok: false, code: "bad_signature" };
  }
  const canonical = canonicalString({ ...input, timestamp });
  const expected = Buffer.from(signature, "hex");
  return matchesAnySecret(input.secrets, canonical, expected)
    ? { ok: true }
    : { ok: false, code: "bad_signature" };
}
