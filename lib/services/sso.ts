// An organization's OpenID Connect sign-in settings (CONTRACT §9): read, set, turn off. The issuer's discovery
// document is read before anything is saved, a domain another organization claims is refused, and the client
// secret is stored encrypted and never answered. The same service serves the settings page and /api/v1/sso.
import { and, eq, inArray, isNull, ne, notInArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import { lockOrganization } from "@/db/queries/locks";
import { memberships, sessions, ssoConnections, ssoDomains, type Role, type SsoConnection } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { invalidInput } from "@/lib/errors";
import { normalizeDomain } from "@/lib/sso/domains";
import { discover, forgetConfiguration, issuerUrlProblem, ProviderError } from "@/lib/sso/provider";

/** Roles a person may join with on first sign-in: anything but owner, which only an owner hands out. */
export const SSO_DEFAULT_ROLES = ["admin", "reviewer", "developer", "analyst"] as const satisfies readonly Role[];
export const MAX_SSO_DOMAINS = 50;
export const MAX_CLIENT_SECRET_BYTES = 4096;

export const ssoSettingsInput = z.object({
  issuer: z.string().trim().min(1, "Enter the issuer URL").max(2048, "At most 2048 characters").meta({ description: "The provider's issuer identifier; its `/.well-known/openid-configuration` is read when saved", example: "https://login.example.com" }),
  clientId: z.string().trim().min(1, "Enter the client ID").max(512, "At most 512 characters"),
  clientSecret: z
    .string()
    .min(1, "Enter the client secret")
    .refine((s) => Buffer.byteLength(s, "utf8") <= MAX_CLIENT_SECRET_BYTES, "The client secret is over 4 KiB")
    .optional()
    .meta({ description: "Write only, never answered; stored encrypted. Leave it out to keep the stored one." }),
  domains: z
    .array(z.string().max(253, "At most 253 characters"))
    .min(1, "Enter at least one email domain")
    .max(MAX_SSO_DOMAINS, `At most ${MAX_SSO_DOMAINS} domains`)
    .meta({ description: "Email domains whose people sign in through this provider", example: ["example.com"] }),
  defaultRole: z.enum(SSO_DEFAULT_ROLES, "Choose admin, reviewer, developer or analyst").default("developer"),
  enforced: z.boolean().default(false).meta({ description: "Members sign in only through the provider; owners keep their password" }),
});
export type SsoSettingsInput = z.output<typeof ssoSettingsInput>;

export type SsoSettingsJson = {
  issuer: string | null;
  clientId: string | null;
  /** Whether a client secret is stored: the secret itself is never answered. */
  clientSecretSet: boolean;
  domains: string[];
  defaultRole: (typeof SSO_DEFAULT_ROLES)[number];
  enforced: boolean;
  enabled: boolean;
  /** The console's callback URL, to register at the identity provider. */
  redirectUri: string;
  updatedAt: string | null;
};

function toJson(row: SsoConnection | undefined, redirectUri: string): SsoSettingsJson {
  if (!row) return { issuer: null, clientId: null, clientSecretSet: false, domains: [], defaultRole: "developer", enforced: false, enabled: false, redirectUri, updatedAt: null };
  return {
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecretSet: true,
    domains: row.domains,
    defaultRole: row.defaultRole === "owner" ? "developer" : row.defaultRole,
    enforced: row.enforced,
    enabled: true,
    redirectUri,
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function currentRow(ctx: OrgContext): Promise<SsoConnection | undefined> {
  const [row] = await ctx.db.select().from(ssoConnections).where(eq(ssoConnections.orgId, ctx.org.id)).limit(1);
  return row;
}

export async function getSsoSettings(ctx: OrgContext, redirectUri: string): Promise<SsoSettingsJson> {
  authorize(ctx, "settings.manage");
  return toJson(await currentRow(ctx), redirectUri);
}

const fieldError = (field: string, message: string, extra: Record<string, unknown> = {}) => invalidInput(message, { fields: { [field]: [message] }, ...extra });

/** Normalised, deduplicated domains; a 422 naming each entry that is not a domain. */
function normalizeDomains(raw: string[]): string[] {
  const bad: Record<string, string[]> = {};
  const out: string[] = [];
  raw.forEach((d, i) => {
    const n = normalizeDomain(d);
    if (!n) bad[`domains.${i}`] = [`"${d.slice(0, 80)}" is not an email domain such as example.com`];
    else if (!out.includes(n)) out.push(n);
  });
  if (Object.keys(bad).length) throw invalidInput("Some domains are not email domains", { fields: bad });
  return out.sort();
}

async function claimedElsewhere(ctx: OrgContext, tx: DbOrTx, domains: string[]): Promise<string[]> {
  if (!domains.length) return [];
  const rows = await tx
    .select({ domain: ssoDomains.domain })
    .from(ssoDomains)
    .where(and(inArray(ssoDomains.domain, domains), ne(ssoDomains.orgId, ctx.org.id)));
  return rows.map((r) => r.domain).sort();
}

function claimedError(taken: string[]) {
  const message = taken.length === 1 ? `${taken[0]} is claimed by another organization` : `${taken.join(", ")} are claimed by another organization`;
  return fieldError("domains", message, { reason: "domain_claimed", domains: taken });
}

/**
 * Sets the organization's sign-in. Checks everything first (issuer URL, domains, secret, the discovery document) and
 * writes nothing on any failure. Turning enforcement on ends the password sessions of the members it covers.
 */
export async function putSsoSettings(ctx: OrgContext, input: SsoSettingsInput, redirectUri: string): Promise<SsoSettingsJson> {
  authorize(ctx, "settings.manage");
  const issuerProblem = issuerUrlProblem(input.issuer);
  if (issuerProblem) throw fieldError("issuer", issuerProblem, { reason: "issuer_invalid" });
  const domains = normalizeDomains(input.domains);
  const existing = await currentRow(ctx);
  const secret = input.clientSecret ?? (existing ? decryptSecret(existing.clientSecretEnc) : null);
  if (!secret) throw fieldError("clientSecret", "Enter the client secret the identity provider gave this console");
  const taken = await claimedElsewhere(ctx, ctx.db, domains);
  if (taken.length) throw claimedError(taken);

  let issuer: string;
  try {
    const config = await discover({ issuer: input.issuer, clientId: input.clientId, clientSecret: secret });
    issuer = config.serverMetadata().issuer;
  } catch (e) {
    if (e instanceof ProviderError) throw fieldError("issuer", e.message, { reason: e.code === "unreachable" ? "issuer_unreachable" : "issuer_invalid" });
    throw e;
  }

  const row = await ctx.db.transaction(async (tx) => {
    await lockOrganization(tx, ctx.org.id);
    const before = (await tx.select().from(ssoConnections).where(eq(ssoConnections.orgId, ctx.org.id)).limit(1))[0];
    const now = new Date();
    const values = {
      issuer,
      clientId: input.clientId,
      clientSecretEnc: input.clientSecret || !before ? encryptSecret(secret) : before.clientSecretEnc,
      domains,
      defaultRole: input.defaultRole,
      enforced: input.enforced,
      updatedAt: now,
      updatedBy: ctx.actor.userId,
    };
    const [saved] = await tx
      .insert(ssoConnections)
      .values({ orgId: ctx.org.id, ...values })
      .onConflictDoUpdate({ target: ssoConnections.orgId, set: values })
      .returning();
    await tx.delete(ssoDomains).where(and(eq(ssoDomains.orgId, ctx.org.id), notInArray(ssoDomains.domain, domains)));
    await tx.insert(ssoDomains).values(domains.map((domain) => ({ domain, orgId: ctx.org.id }))).onConflictDoNothing();
    // Another organization may have claimed one between the check above and now: the primary key kept its claim.
    const lost = await claimedElsewhere(ctx, tx, domains);
    if (lost.length) throw claimedError(lost);

    let sessionsEnded = 0;
    if (input.enforced && !before?.enforced) {
      const ended = await tx
        .update(sessions)
        .set({ revokedAt: now })
        .where(
          and(
            isNull(sessions.revokedAt),
            eq(sessions.method, "password"),
            inArray(
              sessions.userId,
              tx.select({ id: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, ctx.org.id), ne(memberships.role, "owner"))),
            ),
          ),
        )
        .returning({ id: sessions.id });
      sessionsEnded = ended.length;
    }
    await recordAudit(tx, ctx, {
      action: before ? "sso.update" : "sso.enable",
      objectType: "sso_connection",
      objectId: ctx.org.id,
      changes: before ? diff(before, saved!, !!input.clientSecret, sessionsEnded) : { issuer, clientId: input.clientId, domains, defaultRole: input.defaultRole, enforced: input.enforced },
    });
    return saved!;
  });
  forgetConfiguration(ctx.org.id);
  return toJson(row, redirectUri);
}

function diff(before: SsoConnection, after: SsoConnection, secretReplaced: boolean, sessionsEnded: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ["issuer", "clientId", "domains", "defaultRole", "enforced"] as const) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = { from: before[k], to: after[k] };
  }
  // Never the secret itself: only that it changed.
  if (secretReplaced) out.clientSecretReplaced = true;
  if (sessionsEnded) out.passwordSessionsEnded = sessionsEnded;
  return out;
}

/** Turns single sign-on off: the connection and its domain claims go; people keep their accounts and roles. */
export async function deleteSsoSettings(ctx: OrgContext, redirectUri: string): Promise<SsoSettingsJson> {
  authorize(ctx, "settings.manage");
  await ctx.db.transaction(async (tx) => {
    await lockOrganization(tx, ctx.org.id);
    const [gone] = await tx.delete(ssoConnections).where(eq(ssoConnections.orgId, ctx.org.id)).returning();
    await tx.delete(ssoDomains).where(eq(ssoDomains.orgId, ctx.org.id));
    if (gone) {
      await recordAudit(tx, ctx, { action: "sso.disable", objectType: "sso_connection", objectId: ctx.org.id, changes: { issuer: gone.issuer, clientId: gone.clientId, domains: gone.domains } });
    }
  });
  forgetConfiguration(ctx.org.id);
  return toJson(undefined, redirectUri);
}
