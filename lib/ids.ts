// Time-ordered, URL-safe ids (ULID layout: 10 chars of milliseconds, 16 of randomness, Crockford base32),
// prefixed by kind so a reader can tell a host id from a version id. Sorting by id sorts by creation time.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function encodeRandom(len: number): string {
  const bytes = randomBytes(len);
  let out = "";
  for (let i = 0; i < len; i++) out += ALPHABET[bytes[i]! % 32];
  return out;
}

export type IdKind = "usr" | "org" | "ses" | "inv" | "tok" | "aud" | "hst" | "mp" | "ver" | "rev" | "asg" | "whk" | "dlv" | "evt";

export function newId(kind: IdKind, now = Date.now()): string {
  return `${kind}_${encodeTime(now)}${encodeRandom(16)}`;
}
