// Webhook signatures in Stripe's layout, so receivers can reuse what they know:
// `Atrium-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`.
// The timestamp is inside the MAC so a captured request cannot be replayed later with a fresh `t`.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Atrium-Signature";
/** How far a receiver should accept `t` from its own clock. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

export type ParsedSignature = { timestamp: number; signatures: string[] };

export function parseSignatureHeader(header: string): ParsedSignature | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Several v1 values appear while a receiver's secret is being rolled; any one may match.
    if (key === "v1" && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/** What a receiver does: recompute, compare in constant time, and refuse stale timestamps. */
export function verifySignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  opts: { toleranceSeconds?: number; now?: Date } = {},
): boolean {
  if (!header) return false;
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - parsed.timestamp) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(computeSignature(secret, parsed.timestamp, body), "hex");
  return parsed.signatures.some((s) => {
    const given = Buffer.from(s, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
