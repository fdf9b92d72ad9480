// Route-handler helper for /api/v1: bearer token → organization member with role → permission → handler,
// with every failure in the one error shape of CONTRACT §3.
import { and, eq, isNull } from "drizzle-orm";
import { NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { getDb, type Db } from "@/db";
import { apiTokens, credentialIndex, users } from "@/db/schema";
import { authorize, loadOrgContext, type OrgContext } from "@/lib/authz/context";
import type { Permission } from "@/lib/authz/permissions";
import { AppError, toErrorBody } from "@/lib/errors";
import { sha256Hex } from "@/lib/crypto/hash";
import { clientIpFromHeaders } from "@/lib/request-ip";
import { assertSafeTarget, findUnsafeJson, parseQuery, zodFieldErrors } from "@/lib/validation";
import { claimIdempotencyKey, parseIdempotencyKey, requestFingerprint, settleIdempotencyKey, type Scope } from "./idempotency";
import { consumeRateLimit } from "./rate-limit";

export type RouteMeta = {
  method: string;
  path: string;
  permission: Permission | null;
  /**
   * The largest body this route takes (default: readJson's limit). A POST with an Idempotency-Key has its body
   * read up to this by the wrapper, to fingerprint it, before the handler sees it.
   */
  maxBodyBytes?: number;
};

const API_HEADERS = { "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" } as const;

function withApiHeaders(res: Response): Response {
  for (const [k, v] of Object.entries(API_HEADERS)) if (!res.headers.has(k)) res.headers.set(k, v);
  return res;
}

export function errorResponse(e: unknown): NextResponse {
  const { status, body, headers } = toErrorBody(e);
  return NextResponse.json(body, { status, headers: { ...API_HEADERS, ...headers } });
}

const LAST_USED_GRANULARITY_MS = 60_000;

export async function authenticateBearer(db: Db, header: string | null, ip: string | null): Promise<OrgContext> {
  const m = header?.match(/^Bearer\s+(\S{1,512})$/i);
  if (!m) throw new AppError("unauthenticated", "Send an API token as `Authorization: Bearer <token>`");
  const hash = sha256Hex(m[1]!);
  const [idx] = await db
    .select()
    .from(credentialIndex)
    .where(and(eq(credentialIndex.lookup, hash), eq(credentialIndex.kind, "api_token")))
    .limit(1);
  if (!idx) throw new AppError("unauthenticated", "Unknown or revoked API token");
  const [row] = await db
    .select({ token: apiTokens, email: users.email, name: users.name, disabledAt: users.disabledAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.orgId, idx.orgId), eq(apiTokens.id, idx.refId), isNull(apiTokens.revokedAt)))
    .limit(1);
  const now = new Date();
  if (!row || row.disabledAt || (row.token.expiresAt && row.token.expiresAt <= now)) {
    throw new AppError("unauthenticated", "Unknown, expired or revoked API token");
  }
  let ctx: OrgContext;
  try {
    ctx = await loadOrgContext(
      db,
      { id: idx.orgId },
      { type: "token", userId: row.token.userId, email: row.email, name: row.name, tokenId: row.token.id, scope: row.token.scope },
      ip,
    );
  } catch (e) {
    // The token's user is no longer a member: the token is dead.
    if (e instanceof AppError && e.code === "not_found") throw new AppError("unauthenticated", "This token's user is no longer a member");
    throw e;
  }
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(and(eq(apiTokens.orgId, idx.orgId), eq(apiTokens.id, row.token.id)));
  }
  return ctx;
}

type Params = Record<string, string>;
type Handler<P extends Params> = (ctx: OrgContext, req: NextRequest, params: P) => Promise<Response | unknown>;

/**
 * Wraps a /api/v1 handler. `permission: null` means any member may call it (the handler then scopes what it shows).
 * Returning a plain value answers 200 JSON; return a Response for anything else.
 */
export function apiRoute<P extends Params = Params>(meta: RouteMeta, handler: Handler<P>) {
  const toResponse = (result: unknown) => (result instanceof Response ? result : NextResponse.json(result));
  return async (req: NextRequest, segment: { params: Promise<P> }): Promise<Response> => {
    let limitHeaders: Record<string, string> = {};
    try {
      const db = await getDb();
      const ctx = await authenticateBearer(db, req.headers.get("authorization"), clientIpFromHeaders(req.headers));
      // Counted before authorization: a token probing what it may not do spends its budget too.
      if (ctx.actor.type === "token") limitHeaders = await consumeRateLimit(ctx.actor.tokenId);
      if (meta.permission) authorize(ctx, meta.permission);
      // Next hands a route without dynamic segments `undefined` here, not `{}`.
      const params = ((await segment.params) ?? {}) as P;
      assertSafeTarget(req.nextUrl, params);
      const key = meta.method === "POST" && ctx.actor.type === "token" ? parseIdempotencyKey(req.headers) : null;
      if (key === null || ctx.actor.type !== "token") {
        return withLimitHeaders(withApiHeaders(toResponse(await handler(ctx, req, params))), limitHeaders);
      }
      return withLimitHeaders(await idempotent(db, req, { orgId: ctx.org.id, tokenId: ctx.actor.tokenId, key }, meta, (r) => handler(ctx, r, params).then(toResponse)), limitHeaders);
    } catch (e) {
      return withLimitHeaders(errorResponse(e), limitHeaders);
    }
  };
}

function withLimitHeaders(res: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) if (!res.headers.has(k)) res.headers.set(k, v);
  return res;
}

export const IDEMPOTENT_REPLAY_HEADER = "Idempotent-Replayed";

/**
 * Runs a POST under its Idempotency-Key: the body is read (within the route's limit) and fingerprinted with
 * the method and target, the key claimed, and the answer kept; a repeat answers the kept answer.
 */
async function idempotent(db: Db, req: NextRequest, scope: Scope, meta: RouteMeta, run: (req: NextRequest) => Promise<Response>): Promise<Response> {
  const maxBytes = meta.maxBodyBytes ?? MAX_JSON_BYTES;
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw bodyTooLarge(maxBytes);
  const body = await readBodyBytes(req, maxBytes).catch((e: unknown) => {
    throw e instanceof AppError && e.code === "payload_too_large" ? bodyTooLarge(maxBytes) : e;
  });
  const claim = await claimIdempotencyKey(db, scope, requestFingerprint(req.method, req.nextUrl.pathname + req.nextUrl.search, body));
  if (claim.kind === "replay") {
    const { status, contentType, body: text } = claim.response;
    return withApiHeaders(new Response(text, { status, headers: { ...(contentType ? { "Content-Type": contentType } : {}), [IDEMPOTENT_REPLAY_HEADER]: "true" } }));
  }
  let res: Response;
  try {
    const copy = new NextRequest(req.url, { method: req.method, headers: req.headers, body: body.length > 0 ? new Uint8Array(body) : undefined });
    res = withApiHeaders(await run(copy).catch((e: unknown) => errorResponse(e)));
  } catch (e) {
    await settleIdempotencyKey(db, scope, null).catch(() => {});
    throw e;
  }
  try {
    const text = await res.clone().text();
    await settleIdempotencyKey(db, scope, { status: res.status, contentType: res.headers.get("content-type"), body: text });
  } catch (e) {
    // The change is made; only its record failed. Release the key rather than leave it pending for a day.
    console.error("[atrium] could not record an idempotent answer", e);
    await settleIdempotencyKey(db, scope, null).catch(() => {});
  }
  return res;
}

function bodyTooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The body is over ${maxBytes} bytes`, { maxBytes });
}

const MAX_JSON_BYTES = 256 * 1024;

/** Reads and validates a JSON body without buffering more than the limit. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = MAX_JSON_BYTES): Promise<z.output<S>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("payload_too_large", `The body is over ${maxBytes} bytes`);
  const text = await readBodyText(req, maxBytes);
  let data: unknown;
  try {
    data = text.length ? JSON.parse(text) : {};
  } catch {
    throw new AppError("invalid_input", "The body is not valid JSON");
  }
  const unsafe = findUnsafeJson(data);
  if (unsafe) throw new AppError("invalid_input", "The body holds text or a key that no field accepts", { fields: { [unsafe.path]: [unsafe.message] } });
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new AppError("invalid_input", "The body does not match the expected shape", { fields: zodFieldErrors(parsed.error) });
  return parsed.data;
}

export async function readBodyBytes(req: Request, maxBytes: number): Promise<Buffer> {
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new AppError("payload_too_large", `The body is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  const bytes = await readBodyBytes(req, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("invalid_input", "The body is not valid UTF-8");
  }
}

export const listParamsSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export function parseListParams(req: NextRequest): z.output<typeof listParamsSchema> {
  return parseQuery(req.nextUrl.searchParams, listParamsSchema, "Bad list parameters");
}

export function created(body: unknown): NextResponse {
  return NextResponse.json(body, { status: 201 });
}
