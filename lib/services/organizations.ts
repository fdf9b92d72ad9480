// Organizations themselves (issue 20 item 1): create (the creator becomes the owner), rename, change the slug (old
// links redirect), transfer ownership, delete an empty one. The console's actions, /api/v1/organization and
// `npm run org:create` all come through here.
import { randomBytes } from "node:crypto";
import { and, count, eq, isNull, ne, sql } from "drizzle-orm";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db";
import * as schema from "@/db/schema";
import { auditLog, hostApps, memberships, miniPrograms, organizations, organizationSlugHistory, sessions, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { authorize, requireUserActor, type OrgContext } from "@/lib/authz/context";
import { verifyPassword } from "@/lib/auth/password";
import { beginAttempt, recordSuccess } from "@/lib/auth/throttle";
import { AppError, conflict, forbidden, invalidInput, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { notifySdkChange, sdkChangeCommitted } from "@/lib/sdk-server/change-feed";
import { emitEvent } from "@/lib/services/webhooks";

/**
 * Slugs that would shadow a route of the console or read as something official: the app's own top-level routes,
 * `/o/new` (the creation page), and the usual names. Kept here, beside the format, so one list is checked everywhere.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "new", "api", "admin", "administrator", "settings", "o", "org", "orgs", "organization", "organizations",
  "sign-in", "sign-out", "sign-up", "signin", "signout", "signup", "login", "logout", "register", "invite",
  "invitations", "preview", "auth", "account", "accounts", "profile", "me", "user", "users", "help", "support",
  "docs", "status", "system", "root", "null", "undefined", "static", "assets", "public", "www", "app", "apps",
  "console", "dashboard", "billing", "security", "well-known", "atrium", "operator", "internal",
]);

export const SLUG_MIN = 3;
export const SLUG_MAX = 40;
const SLUG_FORMAT = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const SLUG_FORMAT_MESSAGE = `Use ${SLUG_MIN}–${SLUG_MAX} lowercase letters, digits and hyphens, starting and ending with a letter or digit`;

export const slugSchema = z
  .string()
  .trim()
  .min(SLUG_MIN, SLUG_FORMAT_MESSAGE)
  .max(SLUG_MAX, SLUG_FORMAT_MESSAGE)
  .regex(SLUG_FORMAT, SLUG_FORMAT_MESSAGE)
  .refine((s) => !s.includes("--"), SLUG_FORMAT_MESSAGE)
  .refine((s) => !RESERVED_SLUGS.has(s), "This slug is reserved by the console; choose another");

export const orgNameSchema = z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters");

export const createOrganizationInput = z.object({ name: orgNameSchema, slug: slugSchema.optional() });
export const updateOrganizationInput = z
  .object({ name: orgNameSchema.optional(), slug: slugSchema.optional() })
  .refine((v) => v.name !== undefined || v.slug !== undefined, "Give a name or a slug");
export const transferOwnershipInput = z.object({ userId: z.string().min(1).max(100), password: z.string().max(1000).optional() });
export const deleteOrganizationInput = z.object({ confirmSlug: z.string().max(100) });

/** `ALLOW_ORG_CREATION` (default on): whether any signed-in person may create an organization in the console. */
export function orgCreationAllowed(env: Record<string, string | undefined> = process.env): boolean {
  const v = env.ALLOW_ORG_CREATION?.trim().toLowerCase();
  return !(v === "0" || v === "false" || v === "off" || v === "no");
}

export type OrganizationJson = { id: string; slug: string; name: string; createdAt: string; requireTwoFactor: boolean };

function toJson(row: typeof organizations.$inferSelect): OrganizationJson {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: row.createdAt.toISOString(), requireTwoFactor: row.requireTwoFactor };
}

/** A slug from a name ("Acme Café, Inc." → "acme-cafe-inc"), or null when nothing usable is left. */
export function slugFromName(name: string): string | null {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX - 5)
    .replace(/-+$/g, "");
  return slugSchema.safeParse(s).success ? s : null;
}

/** Whether a slug is free: neither an organization's current slug nor anyone's former one. */
async function slugTaken(db: DbOrTx, slug: string, exceptOrgId?: string): Promise<"current" | "former" | null> {
  const [cur] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug)).limit(1);
  if (cur && cur.id !== exceptOrgId) return "current";
  const [old] = await db.select({ orgId: organizationSlugHistory.orgId }).from(organizationSlugHistory).where(eq(organizationSlugHistory.slug, slug)).limit(1);
  if (old && old.orgId !== exceptOrgId) return "former";
  return null;
}

const slugConflict = (slug: string, how: "current" | "former") =>
  conflict(
    how === "current" ? `The slug "${slug}" is already taken by another organization` : `The slug "${slug}" was used by another organization, and its old links still lead there`,
    { field: "slug", fields: { slug: [how === "current" ? "Already taken" : "Reserved for another organization's old links"] } },
  );

function isUniqueViolation(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 4) return false;
  if ((e as { code?: unknown }).code === "23505") return true;
  return isUniqueViolation((e as { cause?: unknown }).cause, depth + 1);
}

export type Creator = { userId: string; email: string; name: string };

/**
 * Creates an organization with `creator` as its owner. `operator`: the command line (`npm run org:create`), which
 * `ALLOW_ORG_CREATION=0` does not hold back; the console always passes false, so the setting is enforced here and not
 * only by a hidden button.
 */
export async function createOrganization(
  db: Db,
  creator: Creator,
  rawInput: z.input<typeof createOrganizationInput>,
  opts: { ip: string | null; operator?: boolean },
): Promise<OrganizationJson> {
  if (!opts.operator && !orgCreationAllowed()) throw forbidden("Creating organizations is turned off on this console; ask an administrator");
  const input = createOrganizationInput.parse(rawInput);
  let slug = input.slug;
  if (slug) {
    const taken = await slugTaken(db, slug);
    if (taken) throw slugConflict(slug, taken);
  } else {
    // No slug asked for: one from the name, made unique with a short random tail when it is taken.
    const base = slugFromName(input.name) ?? "org";
    slug = base.length >= SLUG_MIN && !(await slugTaken(db, base)) ? base : `${base}-${randomBytes(3).toString("hex")}`;
  }
  const id = newId("org");
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(organizations).values({ id, slug: slug!, name: input.name }).returning();
      await tx.insert(memberships).values({ orgId: id, userId: creator.userId, role: "owner" });
      const ctx = { org: { id, slug: slug!, name: input.name }, actor: { type: "user" as const, ...creator, sessionId: "" }, ip: opts.ip };
      await recordAudit(tx, ctx, { action: "organization.create", objectType: "organization", objectId: id, changes: { name: input.name, slug, owner: creator.email, via: opts.operator ? "command line" : "console" } });
      return toJson(row!);
    });
  } catch (e) {
    // Two creations racing for one slug: the unique index decides, and the loser is told as if it had looked first.
    if (isUniqueViolation(e)) throw slugConflict(slug!, "current");
    throw e;
  }
}

export async function getOrganization(ctx: OrgContext): Promise<OrganizationJson> {
  authorize(ctx, "catalog.read");
  const [row] = await ctx.db.select().from(organizations).where(eq(organizations.id, ctx.org.id));
  if (!row) throw notFound("Organization");
  return toJson(row);
}

/** The current slug of the organization that once had `slug`, for redirecting old links; null when none did. */
export async function resolveFormerSlug(db: DbOrTx, slug: string): Promise<{ orgId: string; slug: string } | null> {
  const [row] = await db
    .select({ orgId: organizations.id, slug: organizations.slug })
    .from(organizationSlugHistory)
    .innerJoin(organizations, eq(organizations.id, organizationSlugHistory.orgId))
    .where(eq(organizationSlugHistory.slug, slug))
    .limit(1);
  return row ?? null;
}

function organizationEventData(org: OrganizationJson): Record<string, unknown> {
  return { organization: { id: org.id, slug: org.slug, name: org.name } };
}

/**
 * Renames (owners and admins: `organization.rename`) and changes the slug (owners: `organization.manage`). The old
 * slug goes into the history, so `/o/<old>/…` keeps leading here; taking back one of the organization's own former
 * slugs removes it from the history.
 */
export async function updateOrganization(ctx: OrgContext, rawInput: z.input<typeof updateOrganizationInput>): Promise<OrganizationJson> {
  const input = updateOrganizationInput.parse(rawInput);
  if (input.name !== undefined) authorize(ctx, "organization.rename");
  if (input.slug !== undefined) authorize(ctx, "organization.manage");
  try {
    return await ctx.db.transaction(async (tx) => {
      const [before] = await tx.select().from(organizations).where(eq(organizations.id, ctx.org.id)).for("update");
      if (!before) throw notFound("Organization");
      const changes: Record<string, { from: string; to: string }> = {};
      const set: Partial<typeof organizations.$inferInsert> = {};
      if (input.name !== undefined && input.name !== before.name) {
        changes.name = { from: before.name, to: input.name };
        set.name = input.name;
      }
      if (input.slug !== undefined && input.slug !== before.slug) {
        const taken = await slugTaken(tx, input.slug, ctx.org.id);
        if (taken) throw slugConflict(input.slug, taken);
        changes.slug = { from: before.slug, to: input.slug };
        set.slug = input.slug;
        await tx.delete(organizationSlugHistory).where(and(eq(organizationSlugHistory.orgId, ctx.org.id), eq(organizationSlugHistory.slug, input.slug)));
        await tx.insert(organizationSlugHistory).values({ slug: before.slug, orgId: ctx.org.id });
      }
      if (Object.keys(changes).length === 0) return toJson(before);
      const [after] = await tx.update(organizations).set(set).where(eq(organizations.id, ctx.org.id)).returning();
      await recordAudit(tx, ctx, { action: "organization.update", objectType: "organization", objectId: ctx.org.id, changes });
      const json = toJson(after!);
      await emitEvent(tx, ctx.org.id, "organization.updated", ctx.actor.email, { ...organizationEventData(json), changes });
      return json;
    });
  } catch (e) {
    if (isUniqueViolation(e) && input.slug) throw slugConflict(input.slug, "current");
    throw e;
  }
}

/** How recent a single sign-on must be to confirm a transfer without a password. */
export const SSO_CONFIRM_WINDOW_MS = 10 * 60_000;
const WRONG_PASSWORD = "The password is not correct";

/**
 * The owner hands the organization to another member, who becomes an owner; the previous owner becomes an admin.
 * Confirmed by the owner's current password, or, for a browser signed in through single sign-on, by a sign-in within
 * the last ten minutes (someone without a password of their own cannot type one).
 */
export async function transferOwnership(ctx: OrgContext, rawInput: z.input<typeof transferOwnershipInput>, now = new Date()): Promise<{ ownerId: string; previousOwnerId: string }> {
  authorize(ctx, "organization.manage");
  const actor = requireUserActor(ctx);
  const input = transferOwnershipInput.parse(rawInput);
  if (input.userId === actor.userId) throw invalidInput("You already own this organization; choose another member", { fields: { userId: ["Choose another member"] } });
  // The target first: a non-member is 404 whatever the password, and nothing is spent on the throttle for it.
  const [target] = await ctx.db
    .select({ userId: memberships.userId, role: memberships.role, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, input.userId)))
    .limit(1);
  if (!target) throw notFound("Member");
  const confirmedWith = await confirmIdentity(ctx, actor, input.password, now);
  return ctx.db.transaction(async (tx) => {
    await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, ctx.org.id)).for("no key update");
    // Both as of now, under the organization's lock: a role changed meanwhile is a conflict, not a silent overwrite.
    const [me] = await tx.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, actor.userId)));
    if (me?.role !== "owner") throw conflict("You are no longer an owner of this organization");
    const promoted = await tx
      .update(memberships)
      .set({ role: "owner" })
      .where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, target.userId)))
      .returning({ userId: memberships.userId });
    if (promoted.length === 0) throw notFound("Member");
    await tx.update(memberships).set({ role: "admin" }).where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, actor.userId)));
    await recordAudit(tx, ctx, {
      action: "organization.transfer_ownership",
      objectType: "organization",
      objectId: ctx.org.id,
      changes: { from: actor.email, to: target.email, previousRoleOfNewOwner: target.role, confirmedWith },
    });
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, ctx.org.id));
    await emitEvent(tx, ctx.org.id, "organization.ownership_transferred", actor.email, {
      ...organizationEventData(toJson(org!)),
      previousOwner: { id: actor.userId, email: actor.email, role: "admin" },
      newOwner: { id: target.userId, email: target.email, role: "owner" },
    });
    return { ownerId: target.userId, previousOwnerId: actor.userId };
  });
}

async function confirmIdentity(ctx: OrgContext, actor: ReturnType<typeof requireUserActor>, password: string | undefined, now: Date): Promise<"password" | "recent_sso"> {
  if (!password) {
    const [session] = await ctx.db.select({ method: sessions.method, createdAt: sessions.createdAt }).from(sessions).where(eq(sessions.id, actor.sessionId)).limit(1);
    if (session?.method === "sso" && now.getTime() - session.createdAt.getTime() <= SSO_CONFIRM_WINDOW_MS) return "recent_sso";
    const message = session?.method === "sso" ? "Sign in again through single sign-on (within the last 10 minutes), or enter your password" : "Enter your password to confirm";
    throw invalidInput(message, { fields: { password: [message] } });
  }
  const [user] = await ctx.db.select({ email: users.email, passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId));
  if (!user) throw notFound("User");
  const wait = await beginAttempt(ctx.db, user.email, ctx.ip, now);
  if (wait > 0) throw new AppError("rate_limited", `Too many wrong attempts: wait ${wait} seconds`, { retryAfterSeconds: wait }, { "Retry-After": String(wait) });
  if (!(await verifyPassword(user.passwordHash, password))) throw invalidInput(WRONG_PASSWORD, { fields: { password: [WRONG_PASSWORD] } });
  await recordSuccess(ctx.db, user.email, ctx.ip);
  return "password";
}

/**
 * Every table that holds rows of an organization (an `org_id` column), found from the schema so that a table added
 * later is never left behind; except the audit log, which is append-only and outlives the organization.
 */
export function organizationTables(): { table: PgTable; name: string }[] {
  const out: { table: PgTable; name: string }[] = [];
  for (const value of Object.values(schema)) {
    if (!value || typeof value !== "object" || value === organizations || value === auditLog) continue;
    let cfg: ReturnType<typeof getTableConfig>;
    try {
      cfg = getTableConfig(value as PgTable);
    } catch {
      continue;
    }
    if (!cfg?.columns?.some((c) => c.name === "org_id")) continue;
    out.push({ table: value as PgTable, name: cfg.name });
  }
  return out;
}

/**
 * Deletes an organization that holds no host apps and no mini-programs (else 409 with what remains), confirmed by
 * typing its slug: its memberships, invitations, tokens, webhooks, settings and former slugs go, in one transaction.
 * The people stay (they may belong elsewhere). The organization's row stays as a tombstone under a freed slug, since
 * its audit log, the deletion's entry last, is append-only and kept.
 */
export async function deleteOrganization(ctx: OrgContext, rawInput: z.input<typeof deleteOrganizationInput>): Promise<{ deleted: string }> {
  authorize(ctx, "organization.manage");
  const input = deleteOrganizationInput.parse(rawInput);
  if (input.confirmSlug.trim() !== ctx.org.slug) throw invalidInput(`Type the organization's slug, ${ctx.org.slug}, to confirm`, { fields: { confirmSlug: ["Does not match the slug"] } });
  return ctx.db.transaction(async (tx) => {
    const [org] = await tx.select().from(organizations).where(and(eq(organizations.id, ctx.org.id), isNull(organizations.deletedAt))).for("update");
    if (!org) throw notFound("Organization");
    const [hosts] = await tx.select({ n: count() }).from(hostApps).where(eq(hostApps.orgId, ctx.org.id));
    const [mps] = await tx.select({ n: count() }).from(miniPrograms).where(eq(miniPrograms.orgId, ctx.org.id));
    const remaining = { hostApps: hosts!.n, miniPrograms: mps!.n };
    if (remaining.hostApps > 0 || remaining.miniPrograms > 0) {
      throw conflict(`Only an empty organization can be deleted: it still has ${remaining.hostApps} host app(s) and ${remaining.miniPrograms} mini-program(s)`, { remaining });
    }
    const [members] = await tx.select({ n: count() }).from(memberships).where(eq(memberships.orgId, ctx.org.id));
    for (const { table } of organizationTables()) {
      await tx.execute(sql`DELETE FROM ${table} WHERE org_id = ${ctx.org.id}`);
    }
    // An underscore never passes the slug format, so the tombstone's slug can never clash with a real one.
    await tx.update(organizations).set({ deletedAt: new Date(), slug: `deleted_${ctx.org.id}` }).where(eq(organizations.id, ctx.org.id));
    await recordAudit(tx, ctx, { action: "organization.delete", objectType: "organization", objectId: ctx.org.id, changes: { name: org.name, slug: org.slug, members: members!.n } });
    // It has no host apps left, but a signed request's cached host row must not outlive its organization anywhere.
    await notifySdkChange(tx, ctx.org.id);
    return { deleted: ctx.org.id };
  }).then(async (out) => {
    await sdkChangeCommitted({ orgId: ctx.org.id });
    return out;
  });
}

/** Members the owner may hand the organization to: everyone but the owner themself. */
export async function transferCandidates(ctx: OrgContext): Promise<{ userId: string; email: string; name: string; role: string }[]> {
  authorize(ctx, "organization.manage");
  const actor = requireUserActor(ctx);
  return ctx.db
    .select({ userId: memberships.userId, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, ctx.org.id), ne(memberships.userId, actor.userId)))
    .orderBy(users.email);
}
