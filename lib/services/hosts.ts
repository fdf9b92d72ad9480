// Host apps (issue 3): registry, SDK credentials and capability policy. One service behind both the
// /api/v1/hosts routes and the console's server actions: authorize, validate, change, audit, in one transaction.
import { and, asc, eq, gt, ilike, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import { selectHost } from "@/db/queries/hosts";
import { credentialIndex, hostApps, PLATFORMS, type HostApp, type HostPlatform, type HostPolicy, type Platform } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { recordAudit } from "@/lib/audit";
import { conflict, notFound } from "@/lib/errors";
import { encryptSecret, generateSdkKey, generateSdkSecret } from "@/lib/crypto/secrets";
import { newId } from "@/lib/ids";
import { PERMISSIONS, type Permission } from "@/lib/packages/catalog";
import { notifySdkChange, sdkChangeCommitted } from "@/lib/sdk-server/change-feed";
import { domainHost, isStrictSemver, validHostName } from "@/lib/packages/manifest";
import hostsEn from "@/lib/i18n/messages/en/hosts.json";
import { decodeCursor, toPage } from "./pagination";
import { emitEvent } from "./webhooks";

// The English catalog is the one source of these texts: the API answers them, and the console maps them
// back to their key to show them in the reader's language (components/hosts/error-text.ts).
const M = hostsEn.errors;

/** How long a rotated-out secret keeps verifying (CONTRACT §3). */
export const PREVIOUS_SECRET_TTL_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------------------
// Platform identifiers
// ---------------------------------------------------------------------------------------------------------

const APPLE_BUNDLE_ID = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
const JAVA_KEYWORDS = new Set(
  ("abstract assert boolean break byte case catch char class const continue default do double else enum extends false final " +
    "finally float for goto if implements import instanceof int interface long native new null package private protected " +
    "public return short static strictfp super switch synchronized this throw throws transient true try void volatile while").split(" "),
);
const ANDROID_SEGMENT = /^[A-Za-z][A-Za-z0-9_]*$/;
const HARMONY_BUNDLE = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$/;
// A package identity name (3–50 of letters, digits, dots, hyphens), optionally with the 13-character publisher id
// that makes it a package family name. Requiring a dot keeps out bare words that identify nothing.
const WINDOWS_APP_ID = /^([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)(?:_[0-9a-hjkmnp-tv-z]{13})?$/;
// Flatpak: at least three parts, each not starting with a digit; only the last may contain a hyphen.
const LINUX_APP_ID = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+\.[A-Za-z_][A-Za-z0-9_-]*$/;

const IDENTIFIER_MESSAGE: Record<Platform, string> = {
  ios: M.identifierIos,
  android: M.identifierAndroid,
  harmony: M.identifierHarmony,
  windows: M.identifierWindows,
  macos: M.identifierMacos,
  linux: M.identifierLinux,
  web: M.identifierWeb,
};

/** `https://host[:port]`, lower-cased and without a trailing slash; null when it is not such an origin. */
export function normalizeWebOrigin(value: string): string | null {
  const m = /^https:\/\/([^/?#@\s:]+)(?::(\d{1,5}))?\/?$/i.exec(value);
  if (!m?.[1]) return null;
  const host = validHostName(m[1]);
  if (!host) return null;
  if (m[2] === undefined) return `https://${host}`;
  const port = Number(m[2]);
  if (port < 1 || port > 65535 || String(port) !== m[2]) return null;
  return port === 443 ? `https://${host}` : `https://${host}:${port}`;
}

/** The identifier in its canonical spelling, or null when it is not valid for the platform. */
export function normalizeIdentifier(platform: Platform, raw: string): string | null {
  const id = raw.trim();
  switch (platform) {
    case "ios":
    case "macos":
      return id.length <= 155 && APPLE_BUNDLE_ID.test(id) ? id : null;
    case "android": {
      const parts = id.split(".");
      const ok = parts.length >= 2 && parts.every((p) => ANDROID_SEGMENT.test(p) && !JAVA_KEYWORDS.has(p));
      return ok && id.length <= 255 ? id : null;
    }
    case "harmony":
      return id.length >= 7 && id.length <= 128 && HARMONY_BUNDLE.test(id) ? id : null;
    case "windows": {
      const m = WINDOWS_APP_ID.exec(id);
      return m?.[1] && m[1].length >= 3 && m[1].length <= 50 ? id : null;
    }
    case "linux":
      return id.length <= 255 && LINUX_APP_ID.test(id) ? id : null;
    case "web":
      return normalizeWebOrigin(id);
  }
}

/** A policy domain exactly as package manifests spell theirs (`https://` + host name), so they compare as strings. */
export function normalizePolicyDomain(raw: string): string | null {
  const trimmed = raw.trim().replace(/\/$/, "");
  const host = domainHost(/^https:\/\//i.test(trimmed) ? `https://${trimmed.slice(8)}` : trimmed);
  return host ? `https://${host}` : null;
}

// ---------------------------------------------------------------------------------------------------------
// Input schemas, shared by /api/v1 and the server actions
// ---------------------------------------------------------------------------------------------------------

const nameSchema = z.string({ error: M.nameRequired }).trim().min(1, M.nameRequired).max(80, M.nameTooLong);
const descriptionSchema = z.string().trim().max(500, M.descriptionTooLong);

export const hostPlatformSchema = z
  .object({
    platform: z.enum(PLATFORMS, { error: M.platformRequired }),
    identifier: z.string({ error: M.identifierRequired }).trim().min(1, M.identifierRequired).max(255, M.identifierTooLong),
  })
  .transform((v, ctx): HostPlatform => {
    const identifier = normalizeIdentifier(v.platform, v.identifier);
    if (identifier === null) {
      ctx.addIssue({ code: "custom", path: ["identifier"], message: IDENTIFIER_MESSAGE[v.platform] });
      return z.NEVER;
    }
    return { platform: v.platform, identifier };
  });

export const hostPlatformsSchema = z
  .array(hostPlatformSchema, { error: M.platformsRequired })
  .min(1, M.platformsRequired)
  .max(PLATFORMS.length, M.platformDuplicate)
  .superRefine((list, ctx) => {
    const seen = new Set<Platform>();
    list.forEach((p, i) => {
      if (seen.has(p.platform)) ctx.addIssue({ code: "custom", path: [i, "platform"], message: M.platformDuplicate });
      seen.add(p.platform);
    });
  });

export const permissionSchema = z.enum(PERMISSIONS as readonly [Permission, ...Permission[]], { error: M.permissionUnknown });

export const domainSchema = z
  .string({ error: M.domainInvalid })
  .max(260, M.domainInvalid)
  .transform((s, ctx) => {
    const d = normalizePolicyDomain(s);
    if (d === null) {
      ctx.addIssue({ code: "custom", message: M.domainInvalid });
      return z.NEVER;
    }
    return d;
  });

const minSdkSchema = z
  .string({ error: M.minSdkInvalid })
  .max(64, M.minSdkInvalid)
  .nullable()
  .transform((s, ctx) => {
    const v = s?.trim() ?? "";
    if (v === "") return null;
    if (!isStrictSemver(v)) {
      ctx.addIssue({ code: "custom", message: M.minSdkInvalid });
      return z.NEVER;
    }
    return v;
  });

/** Any subset of the policy; what is left out keeps its current (or default) value. */
export const policyPatchSchema = z.object({
  allowedPermissions: z
    .array(permissionSchema)
    .max(PERMISSIONS.length * 2)
    .transform((list) => PERMISSIONS.filter((p) => list.includes(p)))
    .optional(),
  allowedDomains: z
    .array(domainSchema)
    .max(100, M.domainsTooMany)
    .nullable()
    .transform((list) => (list === null ? null : [...new Set(list)]))
    .optional(),
  minSdkVersion: minSdkSchema.optional(),
});
export type PolicyPatch = z.output<typeof policyPatchSchema>;

/** Schemes a deep link to a host app must never use: the web's and the ones that run script. */
const RESERVED_SCHEMES = new Set(["http", "https", "javascript", "data", "file", "vbscript", "blob", "about"]);

/**
 * The host app's URL scheme, for deep links a tester opens on a device (`<scheme>://mini-program/<appId>?trial=…`,
 * CONTRACT §8): RFC 3986's scheme syntax, lower case, at most 32 characters; null for none.
 */
export const urlSchemeSchema = z
  .string({ error: M.urlSchemeInvalid })
  .trim()
  // Schemes are case-insensitive (RFC 3986 §3.1) and canonically lower case: "SuperApp" is stored as "superapp".
  .toLowerCase()
  .regex(/^[a-z][a-z0-9+.-]{0,31}$/, M.urlSchemeInvalid)
  .refine((s) => !RESERVED_SCHEMES.has(s), M.urlSchemeReserved)
  .nullable();

export const createHostInput = z.object({
  name: nameSchema,
  description: descriptionSchema.default(""),
  platforms: hostPlatformsSchema,
  policy: policyPatchSchema.optional(),
  urlScheme: urlSchemeSchema.optional(),
});
export type CreateHostInput = z.output<typeof createHostInput>;

export const hostStatusSchema = z.enum(["active", "disabled"], { error: M.statusInvalid });
export type HostStatus = z.output<typeof hostStatusSchema>;

/** PATCH: any of these; fields it leaves out stay as they are. Unknown fields are ignored. */
export const updateHostInput = z.object({
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  platforms: hostPlatformsSchema.optional(),
  status: hostStatusSchema.optional(),
  policy: policyPatchSchema.optional(),
  urlScheme: urlSchemeSchema.optional(),
});
export type UpdateHostInput = z.output<typeof updateHostInput>;

export const hostListFilterSchema = z.object({
  q: z.string().trim().max(80).optional(),
  platform: z.enum(PLATFORMS).optional(),
  status: hostStatusSchema.optional(),
});
export type HostListFilter = z.output<typeof hostListFilterSchema>;

export function defaultPolicy(): HostPolicy {
  return { allowedPermissions: [...PERMISSIONS], allowedDomains: null, minSdkVersion: null };
}

function applyPolicyPatch(base: HostPolicy, patch: PolicyPatch | undefined): HostPolicy {
  return {
    allowedPermissions: patch?.allowedPermissions ?? base.allowedPermissions,
    allowedDomains: patch?.allowedDomains !== undefined ? patch.allowedDomains : base.allowedDomains,
    minSdkVersion: patch?.minSdkVersion !== undefined ? patch.minSdkVersion : base.minSdkVersion,
  };
}

// ---------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------

/** The previous secret's end, while it still verifies; null once it has stopped. */
export function previousSecretValidUntil(h: Pick<HostApp, "previousSecretEnc" | "previousSecretExpiresAt">, now = Date.now()): Date | null {
  if (!h.previousSecretEnc || !h.previousSecretExpiresAt) return null;
  return h.previousSecretExpiresAt.getTime() > now ? h.previousSecretExpiresAt : null;
}

/** The host app of CONTRACT §3. Never carries a secret, encrypted or not. */
export function hostToJson(h: HostApp, now = Date.now()) {
  return {
    id: h.id,
    name: h.name,
    description: h.description,
    status: h.status,
    sdkKey: h.sdkKey,
    platforms: h.platforms.map((p) => ({ platform: p.platform, identifier: p.identifier })),
    // Rebuilt in the contract's order: jsonb stores object keys sorted by length.
    policy: { allowedPermissions: h.policy.allowedPermissions, allowedDomains: h.policy.allowedDomains, minSdkVersion: h.policy.minSdkVersion },
    urlScheme: h.urlScheme,
    secretRotatedAt: h.secretRotatedAt?.toISOString() ?? null,
    previousSecretExpiresAt: previousSecretValidUntil(h, now)?.toISOString() ?? null,
    createdAt: h.createdAt.toISOString(),
    updatedAt: h.updatedAt.toISOString(),
  };
}
export type HostJson = ReturnType<typeof hostToJson>;

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function platformContains(entry: Partial<HostPlatform>): SQL {
  return sql`${hostApps.platforms} @> ${JSON.stringify([entry])}::jsonb`;
}

export async function listHosts(ctx: OrgContext, page: { limit: number; cursor?: string }, filter: HostListFilter = {}) {
  authorize(ctx, "catalog.read");
  const after = decodeCursor(page.cursor);
  const rows = await ctx.db
    .select()
    .from(hostApps)
    .where(
      and(
        eq(hostApps.orgId, ctx.org.id),
        after ? gt(hostApps.id, after) : undefined,
        filter.q ? ilike(hostApps.name, `%${escapeLike(filter.q)}%`) : undefined,
        filter.platform ? platformContains({ platform: filter.platform }) : undefined,
        filter.status ? eq(hostApps.status, filter.status) : undefined,
      ),
    )
    .orderBy(asc(hostApps.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.id);
  const now = Date.now();
  return { items: p.items.map((h) => hostToJson(h, now)), nextCursor: p.nextCursor };
}

async function findHost(db: DbOrTx, ctx: OrgContext, hostId: string, lock = false): Promise<HostApp> {
  const row = await selectHost(db, ctx.org.id, hostId, lock ? { lock: "update" } : {});
  // Another organization's host answers exactly like a missing one (CONTRACT §1).
  if (!row) throw notFound("Host app");
  return row;
}

export async function getHost(ctx: OrgContext, hostId: string): Promise<HostJson> {
  authorize(ctx, "catalog.read");
  return hostToJson(await findHost(ctx.db, ctx, hostId));
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

/**
 * One identifier per app per platform in an organization: two hosts claiming one bundle ID is a mistake.
 * Identifiers live in a JSON column, so no unique index can hold the rule; instead writers that set identifiers
 * take a transaction-scoped advisory lock for the organization first, so two concurrent registrations of one
 * identifier are checked one after the other (the second gets `conflict`), never both inserted.
 */
async function assertIdentifiersFree(tx: DbOrTx, ctx: OrgContext, platforms: HostPlatform[], exceptHostId: string | null) {
  if (platforms.length === 0) return;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`host-identifiers:${ctx.org.id}`}, 0))`);
  const [clash] = await tx
    .select({ id: hostApps.id, name: hostApps.name, platforms: hostApps.platforms })
    .from(hostApps)
    .where(
      and(
        eq(hostApps.orgId, ctx.org.id),
        exceptHostId ? ne(hostApps.id, exceptHostId) : undefined,
        or(...platforms.map((p) => platformContains(p))),
      ),
    )
    .limit(1);
  if (!clash) return;
  const taken = platforms.find((p) => clash.platforms.some((c) => c.platform === p.platform && c.identifier === p.identifier))!;
  throw conflict(`The ${taken.platform} identifier ${taken.identifier} is already registered by host app "${clash.name}"`, {
    reason: "identifier_taken",
    platform: taken.platform,
    identifier: taken.identifier,
    hostId: clash.id,
    hostName: clash.name,
  });
}

export async function createHost(ctx: OrgContext, input: CreateHostInput): Promise<HostJson & { sdkSecret: string }> {
  authorize(ctx, "hosts.manage");
  const id = newId("hst");
  const sdkKey = generateSdkKey();
  const sdkSecret = generateSdkSecret();
  const policy = applyPolicyPatch(defaultPolicy(), input.policy);
  const row = await ctx.db.transaction(async (tx) => {
    await assertIdentifiersFree(tx, ctx, input.platforms, null);
    const [inserted] = await tx
      .insert(hostApps)
      .values({
        orgId: ctx.org.id,
        id,
        name: input.name,
        description: input.description,
        status: "active",
        platforms: input.platforms,
        policy,
        urlScheme: input.urlScheme ?? null,
        sdkKey,
        secretEnc: encryptSecret(sdkSecret),
      })
      .returning();
    await tx.insert(credentialIndex).values({ lookup: sdkKey, kind: "sdk_key", orgId: ctx.org.id, refId: id });
    await recordAudit(tx, ctx, {
      action: "host.create",
      objectType: "host_app",
      objectId: id,
      changes: { name: input.name, description: input.description, platforms: input.platforms, policy, urlScheme: input.urlScheme ?? null, sdkKey },
    });
    // The host as the API answers it: the SDK secret is never in a webhook payload.
    await emitEvent(tx, ctx.org.id, "host.created", ctx.actor.email, { host: hostToJson(inserted!) });
    return inserted!;
  });
  return { ...hostToJson(row), sdkSecret };
}

type Diff = Record<string, { from: unknown; to: unknown }>;

function diff<T extends object>(before: T, after: Partial<T>): Diff {
  const out: Diff = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    const to = after[key];
    if (to === undefined) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(to)) out[key] = { from: before[key], to };
  }
  return out;
}

/**
 * Applies a PATCH. Each kind of change gets its own audit entry (details, status, policy) so the log can be
 * filtered by what happened; a field sent with its current value changes nothing and is not logged.
 */
export async function updateHost(ctx: OrgContext, hostId: string, input: UpdateHostInput): Promise<HostJson> {
  authorize(ctx, "hosts.manage");
  return afterHostCommit(ctx, hostId, ctx.db.transaction(async (tx) => {
    const current = await findHost(tx, ctx, hostId, true);
    const details = diff(
      { name: current.name, description: current.description, platforms: current.platforms, urlScheme: current.urlScheme },
      { name: input.name, description: input.description, platforms: input.platforms, urlScheme: input.urlScheme },
    );
    const statusChange = input.status !== undefined && input.status !== current.status ? input.status : undefined;
    const policy = applyPolicyPatch(current.policy, input.policy);
    const policyDiff = diff(current.policy, policy);
    if (Object.keys(details).length === 0 && !statusChange && Object.keys(policyDiff).length === 0) return hostToJson(current);
    if (details.platforms) await assertIdentifiersFree(tx, ctx, input.platforms!, hostId);

    // The row is locked for the transaction; the status condition also states the transition in the statement.
    const [updated] = await tx
      .update(hostApps)
      .set({
        ...(details.name ? { name: input.name } : {}),
        ...(details.description ? { description: input.description } : {}),
        ...(details.platforms ? { platforms: input.platforms } : {}),
        ...(details.urlScheme ? { urlScheme: input.urlScheme ?? null } : {}),
        ...(statusChange ? { status: statusChange } : {}),
        ...(Object.keys(policyDiff).length ? { policy } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(hostApps.orgId, ctx.org.id), eq(hostApps.id, hostId), eq(hostApps.status, current.status)))
      .returning();
    if (!updated) throw conflict("The host app changed while this edit was saved; reload and try again");

    const base = { objectType: "host_app", objectId: hostId } as const;
    if (Object.keys(details).length) await recordAudit(tx, ctx, { ...base, action: "host.update", changes: details });
    if (statusChange) {
      await recordAudit(tx, ctx, {
        ...base,
        action: statusChange === "disabled" ? "host.disable" : "host.enable",
        changes: { status: { from: current.status, to: statusChange } },
      });
    }
    if (Object.keys(policyDiff).length) await recordAudit(tx, ctx, { ...base, action: "host.policy_update", changes: policyDiff });
    // One event per kind of change, as the audit log has one entry per kind, so a subscriber picks what it mirrors.
    const json = hostToJson(updated);
    if (Object.keys(details).length) await emitEvent(tx, ctx.org.id, "host.updated", ctx.actor.email, { host: json, changes: Object.keys(details) });
    if (statusChange) await emitEvent(tx, ctx.org.id, statusChange === "disabled" ? "host.disabled" : "host.enabled", ctx.actor.email, { host: json });
    if (Object.keys(policyDiff).length) await emitEvent(tx, ctx.org.id, "host.policy_changed", ctx.actor.email, { host: json, changes: Object.keys(policyDiff) });
    await notifySdkChange(tx, ctx.org.id, hostId);
    return json;
  }));
}

/**
 * Adds permissions and domains to a host's policy inside the caller's transaction (an approved permission request,
 * CONTRACT §12): the row is locked, the policy widened (an "any domain" policy stays so), `host.policy_update`
 * audited as an edit would be. Returns the host as it now is. The caller publishes the change (`sdkChangeCommitted`)
 * after its transaction commits, so the verifier's cached host row, and with it the policy, is read afresh.
 */
export async function widenHostPolicy(tx: DbOrTx, ctx: OrgContext, hostId: string, add: { permissions: string[]; domains: string[] }, because?: Record<string, unknown>): Promise<HostApp> {
  const current = await findHost(tx, ctx, hostId, true);
  const allowedPermissions = PERMISSIONS.filter((p) => current.policy.allowedPermissions.includes(p) || add.permissions.includes(p));
  const allowedDomains = current.policy.allowedDomains === null ? null : [...new Set([...current.policy.allowedDomains, ...add.domains])];
  const policy: HostPolicy = { allowedPermissions, allowedDomains, minSdkVersion: current.policy.minSdkVersion };
  const policyDiff = diff(current.policy, policy);
  if (Object.keys(policyDiff).length === 0) return current;
  const [updated] = await tx
    .update(hostApps)
    .set({ policy, updatedAt: new Date() })
    .where(and(eq(hostApps.orgId, ctx.org.id), eq(hostApps.id, hostId)))
    .returning();
  await recordAudit(tx, ctx, { action: "host.policy_update", objectType: "host_app", objectId: hostId, changes: { ...policyDiff, ...because } });
  await emitEvent(tx, ctx.org.id, "host.policy_changed", ctx.actor.email, { host: hostToJson(updated!), changes: Object.keys(policyDiff) });
  // Other processes drop their cached host row on commit; the caller publishes the change in this one after it.
  await notifySdkChange(tx, ctx.org.id, hostId);
  return updated!;
}

/**
 * Disable or enable from the console: a transition, so asking for the state the host is already in is a
 * conflict (someone else got there first), unlike PATCH, which sets a value.
 */
export async function setHostStatus(ctx: OrgContext, hostId: string, status: HostStatus): Promise<HostJson> {
  authorize(ctx, "hosts.manage");
  return afterHostCommit(ctx, hostId, ctx.db.transaction(async (tx) => {
    const from: HostStatus = status === "active" ? "disabled" : "active";
    const [updated] = await tx
      .update(hostApps)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(hostApps.orgId, ctx.org.id), eq(hostApps.id, hostId), eq(hostApps.status, from)))
      .returning();
    if (!updated) {
      await findHost(tx, ctx, hostId);
      throw conflict(status === "disabled" ? "This host app is already disabled" : "This host app is already active");
    }
    await recordAudit(tx, ctx, {
      action: status === "disabled" ? "host.disable" : "host.enable",
      objectType: "host_app",
      objectId: hostId,
      changes: { status: { from, to: status } },
    });
    const json = hostToJson(updated);
    await emitEvent(tx, ctx.org.id, status === "disabled" ? "host.disabled" : "host.enabled", ctx.actor.email, { host: json });
    await notifySdkChange(tx, ctx.org.id, hostId);
    return json;
  }));
}

/**
 * A new secret, returned once. The current one becomes the previous and keeps verifying for 24 hours; a
 * previous one still inside its 24 hours is dropped at once (only two secrets are ever valid).
 */
export async function rotateSecret(ctx: OrgContext, hostId: string, now = new Date()): Promise<HostJson & { sdkSecret: string }> {
  authorize(ctx, "hosts.manage");
  const sdkSecret = generateSdkSecret();
  return afterHostCommit(ctx, hostId, ctx.db.transaction(async (tx) => {
    const current = await findHost(tx, ctx, hostId, true);
    const previousSecretExpiresAt = new Date(now.getTime() + PREVIOUS_SECRET_TTL_MS);
    const droppedPrevious = previousSecretValidUntil(current, now.getTime()) !== null;
    // Conditional on the secret as read: two racing rotations cannot both hand out a secret that works.
    const [updated] = await tx
      .update(hostApps)
      .set({
        secretEnc: encryptSecret(sdkSecret),
        previousSecretEnc: current.secretEnc,
        previousSecretExpiresAt,
        secretRotatedAt: now,
        updatedAt: now,
      })
      .where(and(eq(hostApps.orgId, ctx.org.id), eq(hostApps.id, hostId), eq(hostApps.secretEnc, current.secretEnc)))
      .returning();
    if (!updated) throw conflict("The secret was rotated by someone else at the same time; reload and try again");
    await recordAudit(tx, ctx, {
      action: "host.rotate_secret",
      objectType: "host_app",
      objectId: hostId,
      changes: { previousSecretExpiresAt: previousSecretExpiresAt.toISOString(), droppedEarlierPrevious: droppedPrevious },
    });
    const json = hostToJson(updated, now.getTime());
    // The new secret is answered once, to the caller; subscribers hear only that it changed and until when the old one works.
    await emitEvent(tx, ctx.org.id, "host.secret_rotated", ctx.actor.email, { host: json });
    await notifySdkChange(tx, ctx.org.id, hostId);
    return { ...json, sdkSecret };
  }));
}

/**
 * The SDK verifier keeps host rows in memory (lib/sdk-server/host-cache.ts). A change to one is announced twice:
 * `notifySdkChange` inside its transaction reaches other server processes on commit, and this, once the transaction
 * has committed, drops the row in this one and answers once the other processes have applied the change
 * (`sdkChangeCommitted`), so the next signed request sees the change wherever it lands.
 */
async function afterHostCommit<T>(ctx: OrgContext, hostId: string, committed: Promise<T>): Promise<T> {
  const out = await committed;
  await sdkChangeCommitted({ orgId: ctx.org.id, hostId });
  return out;
}
