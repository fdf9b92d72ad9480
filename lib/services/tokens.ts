// API tokens: shown once, stored as SHA-256, revocable, last use recorded (CONTRACT §3).
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiTokens, credentialIndex, users } from "@/db/schema";
import { authorize, isCollaboratorScoped, requireUserActor, type OrgContext } from "@/lib/authz/context";
import { recordAudit } from "@/lib/audit";
import { conflict, forbidden, notFound } from "@/lib/errors";
import { sha256Hex } from "@/lib/crypto/hash";
import { newId } from "@/lib/ids";

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(80),
  expiresInDays: z.coerce.number().int().min(1).max(3650).nullable().default(90),
  scope: z.enum(["role", "developer"]).default("role"),
});

export function generateApiToken(): string {
  return `atr_${randomBytes(32).toString("base64url")}`;
}

export async function createToken(ctx: OrgContext, input: z.output<typeof createTokenInput>, presetValue?: string) {
  authorize(ctx, "tokens.manage");
  const user = requireUserActor(ctx);
  // Developers get developer-scope tokens only (CONTRACT §1).
  const scope = isCollaboratorScoped(ctx) ? "developer" : input.scope;
  const value = presetValue ?? generateApiToken();
  const id = newId("tok");
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const hash = sha256Hex(value);
  await ctx.db.transaction(async (tx) => {
    await tx.insert(apiTokens).values({
      orgId: ctx.org.id,
      id,
      userId: user.userId,
      name: input.name,
      scope,
      tokenHash: hash,
      hint: value.slice(0, 8),
      expiresAt,
    });
    await tx.insert(credentialIndex).values({ lookup: hash, kind: "api_token", orgId: ctx.org.id, refId: id });
    await recordAudit(tx, ctx, { action: "token.create", objectType: "api_token", objectId: id, changes: { name: input.name, scope, expiresAt } });
  });
  return { id, name: input.name, scope, expiresAt, token: value };
}

export async function listTokens(ctx: OrgContext) {
  authorize(ctx, "tokens.manage");
  const mineOnly = isCollaboratorScoped(ctx);
  const rows = await ctx.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      scope: apiTokens.scope,
      hint: apiTokens.hint,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      userId: apiTokens.userId,
      userEmail: users.email,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.orgId, ctx.org.id), mineOnly ? eq(apiTokens.userId, ctx.actor.userId) : undefined))
    .orderBy(desc(apiTokens.id));
  return rows;
}

export async function revokeToken(ctx: OrgContext, tokenId: string) {
  authorize(ctx, "tokens.manage");
  return ctx.db.transaction(async (tx) => {
    const [tok] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.orgId, ctx.org.id), eq(apiTokens.id, tokenId)))
      .limit(1);
    if (!tok) throw notFound("API token");
    if (isCollaboratorScoped(ctx) && tok.userId !== ctx.actor.userId) throw notFound("API token");
    if (ctx.role !== "owner" && ctx.role !== "admin" && tok.userId !== ctx.actor.userId) throw forbidden();
    const updated = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.orgId, ctx.org.id), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (updated.length === 0) throw conflict("This token is already revoked");
    await tx.delete(credentialIndex).where(eq(credentialIndex.lookup, tok.tokenHash));
    await recordAudit(tx, ctx, { action: "token.revoke", objectType: "api_token", objectId: tokenId, changes: { name: tok.name } });
    return { id: tokenId };
  });
}
