// Who is acting, in which organization, with which role, read fresh from the database on every request:
// a removed member or a lowered role takes effect on the very next request.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, organizations, type Role } from "@/db/schema";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { roleCan, type Permission } from "./permissions";

export type Actor =
  | { type: "user"; userId: string; email: string; name: string; sessionId: string }
  | { type: "token"; userId: string; email: string; name: string; tokenId: string; scope: "role" | "developer" };

export type OrgRef = { id: string; slug: string; name: string };

export type OrgContext = {
  db: Db;
  org: OrgRef;
  /**
   * Whether the organization requires two-factor of password sign-ins, as read with the membership (loadOrgContext);
   * absent where a context was made otherwise, and then read when needed.
   */
  requireTwoFactor?: boolean;
  actor: Actor;
  /** The member's role in this organization, as of this request. */
  role: Role;
  ip: string | null;
};

/** A role check that also caps developer-scope tokens at developer rights. */
export function can(ctx: Pick<OrgContext, "role" | "actor">, permission: Permission): boolean {
  if (!roleCan(ctx.role, permission)) return false;
  if (ctx.actor.type === "token" && ctx.actor.scope === "developer" && !roleCan("developer", permission)) return false;
  return true;
}

export function authorize(ctx: Pick<OrgContext, "role" | "actor">, permission: Permission): void {
  if (!can(ctx, permission)) throw forbidden();
}

/** Developers (and developer-scope tokens) reach only the mini-programs they collaborate on. */
export function isCollaboratorScoped(ctx: Pick<OrgContext, "role" | "actor">): boolean {
  return ctx.role === "developer" || (ctx.actor.type === "token" && ctx.actor.scope === "developer");
}

export async function loadOrgContext(
  db: Db,
  where: { slug: string } | { id: string },
  actor: Actor,
  ip: string | null,
): Promise<OrgContext> {
  const orgCond = "slug" in where ? eq(organizations.slug, where.slug) : eq(organizations.id, where.id);
  const rows = await db
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, role: memberships.role, requireTwoFactor: organizations.requireTwoFactor })
    .from(organizations)
    .innerJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.userId, actor.userId)))
    .where(and(orgCond, isNull(organizations.deletedAt)))
    .limit(1);
  const row = rows[0];
  // Not a member answers exactly like a missing organization.
  if (!row) throw notFound("Organization");
  return { db, org: { id: row.id, slug: row.slug, name: row.name }, requireTwoFactor: row.requireTwoFactor, actor, role: row.role, ip };
}

export function requireUserActor(ctx: OrgContext): Extract<Actor, { type: "user" }> {
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "This needs a signed-in user");
  return ctx.actor;
}
