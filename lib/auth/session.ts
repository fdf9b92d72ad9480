// The signed-in user for pages and server actions, checked against the database on every request.
import { cache } from "react";
import { headers } from "next/headers";
import { redirect, notFound as nextNotFound } from "next/navigation";
import { and, asc, eq, gt, isNull, lt } from "drizzle-orm";
import { getDb } from "@/db";
import { memberships, organizations, sessions, users } from "@/db/schema";
import { auth } from "./index";
import { can, loadOrgContext, type OrgContext } from "@/lib/authz/context";
import type { Permission } from "@/lib/authz/permissions";
import { AppError } from "@/lib/errors";
import { clientIpFromHeaders } from "@/lib/request-ip";

export type SessionUser = { id: string; email: string; name: string; sessionId: string };

export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const sid = (session as { sid?: string } | null)?.sid;
  if (!sid) return null;
  const db = await getDb();
  const now = new Date();
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sid), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
    .limit(1);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now }).where(and(eq(sessions.id, sid), lt(sessions.lastSeenAt, now)));
  }
  return { id: row.id, email: row.email, name: row.name, sessionId: sid };
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

/** For pages under /o/[org]: a foreign or missing organization renders the 404 page. */
export const getPageContext = cache(async (slug: string): Promise<OrgContext> => {
  const user = await requireUser();
  try {
    return await contextFor(slug, user);
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") nextNotFound();
    throw e;
  }
});

/** For server actions: errors are AppErrors that the action helper turns into results. */
export async function getActionContext(slug: string): Promise<OrgContext> {
  const user = await getSessionUser();
  if (!user) throw new AppError("unauthenticated", "Your session has ended; sign in again");
  return contextFor(slug, user);
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
