// Idempotency-Key for POST requests of /api/v1 (CONTRACT §10), in the way Stripe does it: the first request
// with a key runs and its answer is kept 24 hours; the same key with the same request answers that again and
// runs nothing; the same key with another request is 409. Scoped per API token.
//
// Concurrency: the key is claimed by inserting a `pending` row in its own statement (committed before the
// request runs, ON CONFLICT DO NOTHING), so of two requests racing with one key exactly one claims it; the
// other waits a moment for the first answer and otherwise gets 409.
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { idempotencyKeys } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { sha256Hex } from "@/lib/crypto/hash";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** How long a request waits for a twin that holds its key before answering 409. */
const WAIT_FOR_TWIN_MS = 3_000;
const POLL_MS = 50;

// Printable ASCII: a UUID, a ULID, a CI job id and a hash all fit, and nothing that logs or headers mangle.
const KEY_PATTERN = /^[\x20-\x7e]+$/;

/** The header's key, null when absent; 422 when it is empty, too long or holds other characters. */
export function parseIdempotencyKey(headers: Headers): string | null {
  const raw = headers.get(IDEMPOTENCY_HEADER);
  if (raw === null) return null;
  const problem =
    raw.length === 0
      ? "must not be empty"
      : raw.length > MAX_IDEMPOTENCY_KEY_LENGTH
        ? `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`
        : !KEY_PATTERN.test(raw)
          ? "must be printable ASCII characters"
          : null;
  if (problem) throw new AppError("invalid_input", `The Idempotency-Key header ${problem}`, { fields: { "Idempotency-Key": [`Must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`] } });
  return raw;
}

export function requestFingerprint(method: string, pathWithQuery: string, body: Uint8Array): string {
  return sha256Hex(`${method.toUpperCase()} ${pathWithQuery}\n${sha256Hex(Buffer.from(body))}`);
}

export type Scope = { orgId: string; tokenId: string; key: string };
export type StoredResponse = { status: number; contentType: string | null; body: string };

type Claim = { kind: "claimed" } | { kind: "replay"; response: StoredResponse };

const where = (s: Scope) => and(eq(idempotencyKeys.orgId, s.orgId), eq(idempotencyKeys.tokenId, s.tokenId), eq(idempotencyKeys.key, s.key));

/** Claims the key for this request, or answers what the first request with it answered. */
export async function claimIdempotencyKey(db: Db, scope: Scope, fingerprint: string, now = new Date()): Promise<Claim> {
  // An expired record is forgotten: the key may be used afresh. (Expired rows of this token go with it.)
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.orgId, scope.orgId), eq(idempotencyKeys.tokenId, scope.tokenId), lt(idempotencyKeys.expiresAt, now)));
  const deadline = Date.now() + WAIT_FOR_TWIN_MS;
  for (;;) {
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ ...scope, fingerprint, state: "pending", createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length === 1) return { kind: "claimed" };
    const [row] = await db.select().from(idempotencyKeys).where(where(scope)).limit(1);
    // Released by a twin that failed in between: try to claim it again.
    if (!row) continue;
    if (row.fingerprint !== fingerprint) {
      throw new AppError("conflict", "This Idempotency-Key was already used with another request; use a new key for a new request");
    }
    if (row.state === "done" && row.responseStatus !== null && row.responseBody !== null) {
      return { kind: "replay", response: { status: row.responseStatus, contentType: row.responseContentType, body: row.responseBody } };
    }
    if (Date.now() >= deadline) {
      throw new AppError("conflict", "A request with this Idempotency-Key is still in progress; retry it shortly", undefined, { "Retry-After": "1" });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Keeps the answer for replays. A 5xx or a 429 is not an answer to the request (nothing was decided), so the
 * key is released and a retry runs afresh.
 */
export async function settleIdempotencyKey(db: Db, scope: Scope, response: StoredResponse | null): Promise<void> {
  if (!response || response.status >= 500 || response.status === 429) {
    await db.delete(idempotencyKeys).where(and(where(scope), eq(idempotencyKeys.state, "pending")));
    return;
  }
  await db
    .update(idempotencyKeys)
    .set({ state: "done", responseStatus: response.status, responseContentType: response.contentType, responseBody: response.body })
    .where(and(where(scope), eq(idempotencyKeys.state, "pending")));
}
