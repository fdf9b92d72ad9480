// The signed-in user for pages and server actions, checked against the database on every request.
import { cache } from "react";
import { headers } from "next/headers";
import { redirect, notFound as nextNotFound } from "next/navigation";
import { and, asc, eq, gt, isNull, lt } from "drizzle-orm";
import { getDb } from "@/db";
import { memberships, organizations, sessions, users, type SessionMethod } from "@/db/schema";
import { auth } from "./index";
import { can, loadOrgContext, type OrgContext } from "@/lib/authz/context";
import type { Permission } from "@/lib/authz/permissions";
import { AppError } from "@/lib/errors";
import { clientIpFromHeaders } from "@/lib/request-ip";
import { resolveFormerSlug } from "@/lib/services/organizations";

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  sessionId: string;
  /** How this session signed in, and whether the person has two-factor on: an organization may require it. */
  method: SessionMethod;
  twoFactor: boolean;
};

export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const sid = (session as { sid?: string } | null)?.sid;
  if (!sid) return null;
  const db = await getDb();
  const now = new Date();
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, lastSeenAt: sessions.lastSeenAt, method: sessions.method, totp: users.totpSecretEnc })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sid), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
    .limit(1);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now }).where(and(eq(sessions.id, sid), lt(sessions.lastSeenAt, now)));
  }
  return { id: row.id, email: row.email, name: row.name, sessionId: sid, method: row.method, twoFactor: row.totp !== null };
});

export const getRequestIp = cache(async (): Promise<string | null> => clientIpFromHeaders(await headers()));

/** For pages: the signed-in user, or a redirect to sign in. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return user;
}

async function contextFor(slug: string, user: SessionUser): Promise<OrgContext> {
  return loadOrgContext(
    await getDb(),
    { slug },
    { type: "user", userId: user.id, email: user.email, name: user.name, sessionId: user.sessionId },
    await getRequestIp(),
  );
}

/** Where a member whose organization requires two-factor sets it up; the one page that requirement never blocks. */
export const securityPath = (slug: string) => `/o/${slug}/settings/security`;
export const TWO_FACTOR_REQUIRED_MESSAGE = "This organization requires two-factor authentication: set it up under Settings → Security";

/**
 * Issue 15 item 4: an organization may require two-factor of the members who sign in with a password (single sign-on
 * leaves the second factor to the identity provider). Answers whether this session is held back by it.
 */
async function heldBackByTwoFactor(ctx: OrgContext, user: SessionUser): Promise<boolean> {
  if (user.method !== "password" || user.twoFactor) return false;
  // Read with the membership on every page (one query fewer per page); a context made otherwise reads it here.
  if (ctx.requireTwoFactor !== undefined) return ctx.requireTwoFactor;
  const [org] = await ctx.db.select({ required: organizations.requireTwoFactor }).from(organizations).where(eq(organizations.id, ctx.org.id)).limit(1);
  return !!org?.required;
}

/**
 * The organization's context for the console's frame (the layout, page titles): a foreign or missing organization
 * renders the 404 page. It holds nobody back; every page does (getPageContext).
 */
export const getShellContext = cache(async (slug: string): Promise<OrgContext> => {
  const user = await requireUser();
  try {
    return await contextFor(slug, user);
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") {
      await redirectFormerSlug(slug, user);
      nextNotFound();
    }
    throw e;
  }
});

/**
 * `/o/<former slug>/rest?query` → `/o/<current slug>/rest?query`, for a member of the organization that had the slug
 * (issue 20 item 1). Anyone else gets the 404 page, as for any organization they do not belong to.
 */
async function redirectFormerSlug(slug: string, user: SessionUser): Promise<void> {
  const moved = await resolveFormerSlug(await getDb(), slug);
  if (!moved) return;
  try {
    await contextFor(moved.slug, user);
  } catch {
    return;
  }
  const path = (await headers()).get("x-atrium-path") ?? "";
  const prefix = `/o/${slug}`;
  const rest = path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`) ? path.slice(prefix.length) : "";
  redirect(`/o/${moved.slug}${rest}`);
}

/**
 * For pages under /o/[org]: a foreign or missing organization renders the 404 page, and a member the organization's
 * two-factor requirement holds back is sent to set it up (Settings → Security, which reads getTwoFactorSetupPageContext).
 */
export const getPageContext = cache(async (slug: string): Promise<OrgContext> => {
  const ctx = await getShellContext(slug);
  if (await heldBackByTwoFactor(ctx, await requireUser())) redirect(`${securityPath(ctx.org.slug)}?required=1`);
  return ctx;
});

/** For the one page where a member held back by the organization's two-factor requirement sets it up. */
export const getTwoFactorSetupPageContext = getShellContext;

/** For server actions: errors are AppErrors that the action helper turns into results. */
export async function getActionContext(slug: string, opts: { twoFactorSetup?: boolean } = {}): Promise<OrgContext> {
  const user = await getSessionUser();
  if (!user) throw new AppError("unauthenticated", "Your session has ended; sign in again");
  const ctx = await contextFor(slug, user);
  if (!opts.twoFactorSetup && (await heldBackByTwoFactor(ctx, user))) throw new AppError("forbidden", TWO_FACTOR_REQUIRED_MESSAGE, { reason: "two_factor_required" });
  return ctx;
}

export async function listUserOrganizations(userId: string) {
  const db = await getDb();
  return db
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
}


/** For pages: a role without the permission gets the 404 page, as if the page did not exist. */
export function requirePagePermission(ctx: OrgContext, permission: Permission): void {
  if (!can(ctx, permission)) nextNotFound();
}
