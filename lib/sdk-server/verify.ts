// The one gate in front of every /api/sdk/v1 route (CONTRACT §6): who is calling (X-MP-Key), is the request
// theirs and fresh (HMAC over timestamp, method, target and body, against every secret valid now), is the
// host enabled, and is it within its rate. Route files use `sdkRoute`; nothing under /api/sdk reads the
// headers itself.
import { and, eq } from "drizzle-orm";
import { NextResponse, type NextRequest } from "next/server";
import { getDb, type Db } from "@/db";
import { credentialIndex, hostApps, type HostPlatform, type HostPolicy } from "@/db/schema";
import { errorResponse, readBodyBytes } from "@/lib/api/handler";
import { AppError, retryOnStaleConnection } from "@/lib/errors";
import { assertSafeTarget } from "@/lib/validation";
import { createTtlCache, decryptSecret, type TtlCache } from "@/lib/crypto/secrets";
import { SDK_HEADERS, verifySignature, type VerifyResult } from "@/lib/sdk/signing";
import { onSdkChange, processChangeFeed, type ChangeFeed } from "./change-feed";
import { createHostCache, type HostCache, type HostRow } from "./host-cache";
import { createRateLimiter, envNumber, type RateLimiter } from "./rate-limit";
import { firstSighting } from "./replay";
import { signedTargetCandidates } from "./target";

export type SdkAuthCode = "unknown_key" | "bad_signature" | "stale_timestamp" | "replayed";

const AUTH_MESSAGES: Record<SdkAuthCode, string> = {
  unknown_key: "Unknown SDK key",
  bad_signature: "The request signature does not match",
  stale_timestamp: "X-MP-Timestamp is missing or more than 300 seconds from the server's clock",
  replayed: "This signed request was already received; sign every request anew",
};

/** A refused SDK credential: 401 with a code that says which check failed. */
export class SdkAuthError extends Error {
  readonly status = 401;
  constructor(readonly code: SdkAuthCode) {
    super(AUTH_MESSAGES[code]);
    this.name = "SdkAuthError";
  }
}

/** The calling host app, as of this request. */
export type SdkHost = {
  orgId: string;
  id: string;
  name: string;
  sdkKey: string;
  platforms: HostPlatform[];
  policy: HostPolicy;
};

export type SdkCaller = {
  host: SdkHost;
  /** The raw body as received (and as signed); empty for a GET. */
  body: Buffer;
  /** The verifier's clock at verification, epoch milliseconds: handlers use it so tests can move time. */
  now: number;
  db: Db;
};

export type SdkVerifierOptions = {
  now?: () => number;
  getDb?: () => Promise<Db>;
  /**
   * Per SDK key, per server process; default SDK_RATE_LIMIT_PER_SECOND or 2000, and 0 turns limiting off.
   * One key serves every device of a host app, so the limit guards against a runaway fleet, not one device.
   */
  ratePerSecond?: number;
  /** Default SDK_RATE_LIMIT_BURST or 10000. */
  burst?: number;
  /** How long a decrypted secret stays in memory; default SDK_SECRET_CACHE_MS or 60 s. */
  secretCacheTtlMs?: number;
  /**
   * Where host rows are kept between requests. Default: a cache of this verifier's own, told of every change made
   * in this process and, through the process feed, in every other (./change-feed.ts). Given, the caller wires it.
   */
  hosts?: HostCache;
  /** Whether `hosts` may answer now; default the process feed (always on PGlite; while listening on PostgreSQL). */
  feed?: () => Promise<ChangeFeed>;
};

export type VerifyOptions = {
  maxBodyBytes?: number;
  /**
   * A write (any method but GET and HEAD) is refused when its signature was already seen within its window,
   * unless the route says replays are harmless ("allow": a write that is idempotent by itself, as event
   * batches are by event id). Default "refuse".
   */
  replay?: "refuse" | "allow";
};

export type SdkVerifier = {
  verify(req: Request, opts?: VerifyOptions): Promise<SdkCaller>;
  readonly now: () => number;
};

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
// Generated keys are `ak_` + 24 base62; anything far off that shape is refused without touching the database.
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
// A key's organization and host never change, so this mapping may live longer than the secrets do.
const KEY_CACHE_MS = 5 * 60_000;

type KeyRef = { orgId: string; hostId: string };
const UNTRUSTED: ChangeFeed = { trusted: () => false, stats: () => ({ listens: 0, losses: 0 }), close: async () => {} };

export function createSdkVerifier(opts: SdkVerifierOptions = {}): SdkVerifier {
  const now = opts.now ?? Date.now;
  const loadDb = opts.getDb ?? getDb;
  const limiter: RateLimiter = createRateLimiter({
    ratePerSecond: opts.ratePerSecond ?? envNumber("SDK_RATE_LIMIT_PER_SECOND", 2000),
    burst: opts.burst ?? envNumber("SDK_RATE_LIMIT_BURST", 10000),
    now,
  });
  // Keyed by ciphertext: a rotation writes new ciphertext, so a cached plaintext can never outlive its secret.
  // Only the decrypted secret is cached, never whether a request verified.
  const secrets: TtlCache<string, string> = createTtlCache({
    ttlMs: opts.secretCacheTtlMs ?? (envNumber("SDK_SECRET_CACHE_MS", 60_000) || 60_000),
    max: 10_000,
    now,
  });
  const keys: TtlCache<string, KeyRef> = createTtlCache({ ttlMs: KEY_CACHE_MS, max: 50_000, now });
  let hosts = opts.hosts;
  if (!hosts) {
    const own = createHostCache({ now });
    onSdkChange((change) => own.apply(change));
    hosts = own;
  }
  const hostCache = hosts;
  // A verifier given its own database has no feed for it: it reads host rows on every request.
  const feed = opts.feed ?? (opts.getDb ? async () => UNTRUSTED : processChangeFeed);

  const decrypt = (enc: string): string => {
    let plain = secrets.get(enc);
    if (plain === undefined) {
      plain = decryptSecret(enc);
      secrets.set(enc, plain);
    }
    return plain;
  };

  async function lookupKey(db: Db, key: string): Promise<KeyRef | null> {
    const hit = keys.get(key);
    if (hit) return hit;
    // Reads, so a connection left stale by a PostgreSQL restart is simply tried again (lib/errors.ts).
    const [row] = await retryOnStaleConnection(() =>
      db
        .select({ orgId: credentialIndex.orgId, hostId: credentialIndex.refId })
        .from(credentialIndex)
        .where(and(eq(credentialIndex.lookup, key), eq(credentialIndex.kind, "sdk_key")))
        .limit(1),
    );
    if (!row) return null;
    keys.set(key, row);
    return row;
  }

  // From the host cache while the change feed is trusted: every disable, enable, rotation or policy change drops the
  // row at once, in this process and (on PostgreSQL, by NOTIFY on commit) in every other, so it takes effect on
  // the next request. Read from the database on every request while the feed is not trusted.
  async function host(db: Db, ref: KeyRef): Promise<HostRow | null> {
    return hostCache.get(db, ref, () => loadHost(db, ref), (await feed()).trusted());
  }

  async function loadHost(db: Db, ref: KeyRef): Promise<HostRow | null> {
    const [row] = await retryOnStaleConnection(() =>
      db
        .select({
          orgId: hostApps.orgId,
          id: hostApps.id,
          name: hostApps.name,
          status: hostApps.status,
          sdkKey: hostApps.sdkKey,
          platforms: hostApps.platforms,
          policy: hostApps.policy,
          secretEnc: hostApps.secretEnc,
          previousSecretEnc: hostApps.previousSecretEnc,
          previousSecretExpiresAt: hostApps.previousSecretExpiresAt,
        })
        .from(hostApps)
        .where(and(eq(hostApps.orgId, ref.orgId), eq(hostApps.id, ref.hostId)))
        .limit(1),
    );
    return row ?? null;
  }

  return {
    now,
    async verify(req, { maxBodyBytes = DEFAULT_MAX_BODY_BYTES, replay = "refuse" } = {}) {
      const key = req.headers.get(SDK_HEADERS.key);
      if (!key || !KEY_PATTERN.test(key)) throw new SdkAuthError("unknown_key");
      const db = await loadDb();
      const ref = await lookupKey(db, key);
      const row = ref ? await host(db, ref) : null;
      if (!row || row.sdkKey !== key) throw new SdkAuthError("unknown_key");

      const declared = Number(req.headers.get("content-length") ?? "0");
      if (declared > maxBodyBytes) throw new AppError("payload_too_large", `The body is over ${maxBodyBytes} bytes`);
      const body = await readBodyBytes(req, maxBodyBytes);

      const at = now();
      const valid = [decrypt(row.secretEnc)];
      if (row.previousSecretEnc && row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > at) {
        valid.push(decrypt(row.previousSecretEnc));
      }
      const verdict = verifyAnyTarget(req, body, valid, at);
      if (!verdict.ok) throw new SdkAuthError(verdict.code);

      // Only after the signature: an anonymous caller learns nothing about the host's state.
      if (row.status !== "active") throw new AppError("forbidden", "This host app is disabled");
      // Only after the signature too, so junk sent with someone's public key cannot fill the seen set.
      if (replay === "refuse" && req.method !== "GET" && req.method !== "HEAD") {
        const signature = req.headers.get(SDK_HEADERS.signature) ?? "";
        const signedAt = Number(req.headers.get(SDK_HEADERS.timestamp));
        if (!(await firstSighting(db, { orgId: row.orgId, id: row.id }, signature, signedAt, at))) throw new SdkAuthError("replayed");
      }
      // Counted after verification, so junk sent with someone's public key cannot use up their rate.
      const rate = limiter.take(key);
      if (!rate.ok) {
        throw new AppError("rate_limited", "Too many requests for this SDK key; retry later", undefined, {
          "Retry-After": String(rate.retryAfterSeconds),
        });
      }
      return {
        host: { orgId: row.orgId, id: row.id, name: row.name, sdkKey: row.sdkKey, platforms: row.platforms, policy: row.policy },
        body,
        now: at,
        db,
      };
    },
  };
}

/**
 * The signature over any encoding of this request's target (./target.ts says why there are several). Usually
 * there is one candidate; a query with spaces or reserved characters adds at most three more HMACs per secret.
 */
function verifyAnyTarget(req: Request, body: Buffer, secrets: string[], now: number): VerifyResult {
  let verdict: VerifyResult = { ok: false, code: "bad_signature" };
  for (const pathWithQuery of signedTargetCandidates(new URL(req.url))) {
    verdict = verifySignature({
      secrets,
      method: req.method,
      pathWithQuery,
      body,
      timestamp: req.headers.get(SDK_HEADERS.timestamp),
      signature: req.headers.get(SDK_HEADERS.signature),
      now,
    });
    // A stale or malformed timestamp is the same for every candidate.
    if (verdict.ok || verdict.code === "stale_timestamp") return verdict;
  }
  return verdict;
}

type GlobalWithVerifier = typeof globalThis & { __atriumSdkVerifier?: SdkVerifier };
const g = globalThis as GlobalWithVerifier;

/** The process-wide verifier: its caches and rate buckets are shared by every SDK route. */
export function getSdkVerifier(): SdkVerifier {
  g.__atriumSdkVerifier ??= createSdkVerifier();
  return g.__atriumSdkVerifier;
}

/** Tests install one with their own clock and limits; `undefined` goes back to the default. */
export function setSdkVerifierForTests(verifier: SdkVerifier | undefined): void {
  g.__atriumSdkVerifier = verifier;
}

export function sdkErrorResponse(e: unknown): Response {
  const res =
    e instanceof SdkAuthError
      ? // The one error shape (issue 12 item 19): `unauthenticated`, as every refused credential, with which check
        // failed in `details.reason` (unknown_key, bad_signature, stale_timestamp, replayed).
        NextResponse.json({ error: { code: "unauthenticated", message: e.message, details: { reason: e.code } } }, { status: e.status })
      : errorResponse(e);
  res.headers.set("Cache-Control", "no-store");
  return res;
}

type Params = Record<string, string>;
type SdkHandler<P extends Params> = (caller: SdkCaller, req: NextRequest, params: P) => Promise<Response | unknown>;

/**
 * Wraps an /api/sdk/v1 route handler: the request is verified before the handler runs, and every failure
 * answers the error shape of CONTRACT §3. A plain return value answers 200 JSON.
 */
export function sdkRoute<P extends Params = Params>(handler: SdkHandler<P>, opts: VerifyOptions = {}) {
  return async (req: NextRequest, segment: { params: Promise<P> }): Promise<Response> => {
    try {
      const caller = await getSdkVerifier().verify(req, opts);
      // Next hands a route without dynamic segments `undefined` here, not `{}`.
      const params = ((await segment.params) ?? {}) as P;
      assertSafeTarget(req.nextUrl, params);
      const result = await handler(caller, req, params);
      return result instanceof Response ? result : NextResponse.json(result, { headers: { "Cache-Control": "no-store" } });
    } catch (e) {
      return sdkErrorResponse(e);
    }
  };
}
