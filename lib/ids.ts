// Time-ordered, URL-safe ids (ULID layout: 10 chars of milliseconds, 16 of randomness, Crockford base32),
// prefixed by kind so a reader can tell a host id from a version id. Sorting by id sorts by creation time,
// and within one process ids made in the same millisecond are monotonic (ULID's monotonic mode: the random part is
// incremented), so "newest first" and keyset cursors stay exact even when two rows are written back to back.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RANDOM_LEN = 16;

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function randomDigits(): number[] {
  const bytes = randomBytes(RANDOM_LEN);
  // The top digit keeps one bit of headroom so that incrementing within a millisecond never overflows in practice.
  return Array.from(bytes, (b, i) => (i === 0 ? b % 16 : b % 32));
}

/** Adds one to a base-32 digit array in place; false when every digit was already 31 (overflow). */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]! += 1;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

let lastMs = -1;
let lastDigits: number[] = [];

/** The 26-character body of an id for time `ms`: monotonic within a millisecond in this process. */
export function idBody(ms: number): string {
  const sameMillisecond = ms === lastMs && increment(lastDigits);
  if (!sameMillisecond) {
    lastMs = ms;
    lastDigits = randomDigits();
  }
  return encodeTime(ms) + lastDigits.map((d) => ALPHABET[d]).join("");
}

export type IdKind = "usr" | "org" | "ses" | "inv" | "tok" | "aud" | "hst" | "mp" | "ver" | "rev" | "asg" | "whk" | "dlv" | "evt" | "rel" | "ntf" | "prq" | "mk" | "med" | "prs";

const ID_PATTERNS = new Map<IdKind, RegExp>();

/**
 * Whether `s` is an id of this kind as `newId` makes them: the one check every loader runs before a query, so a
 * malformed id is a 404 without touching the database.
 */
export function isId(kind: IdKind, s: string): boolean {
  let re = ID_PATTERNS.get(kind);
  if (!re) ID_PATTERNS.set(kind, (re = new RegExp(`^${kind}_[${ALPHABET}]{26}$`)));
  return re.test(s);
}

export function newId(kind: IdKind, now = Date.now()): string {
  return `${kind}_${idBody(now)}`;
}
