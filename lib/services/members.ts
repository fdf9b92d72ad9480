// Members and invitations (CONTRACT §1): admins cannot touch owners; the last owner stays an owner.
import { randomBytes } from "node:crypto";
import { and, asc, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db";
import { lockOrganization } from "@/db/queries/locks";
import { invitations, memberships, organizations, ROLES, users, type Role } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { recordAudit, recordSystemAudit } from "@/lib/audit";
import { AppError, conflict, forbidden, notFound } from "@/lib/errors";
import { sha256Hex } from "@/lib/crypto/hash";
import { newId } from "@/lib/ids";
import { hashPassword } from "@/lib/auth/password";
import { emitEvent } from "./webhooks";

const INVITE_TTL_MS = 7 * 86_400_000;

export const inviteInput = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address").max(320),
  role: z.enum(ROLES),
});
export const changeRoleInput = z.object({ userId: z.string().min(1).max(64), role: z.enum(ROLES) });
export const removeMemberInput = z.object({ userId: z.string().min(1).max(64) });

/** A member as webhooks carry it (issue 20): who, and their role; never a credential. */
export type MemberJson = { userId: string; email: string; name: string; role: Role };

async function memberJson(tx: DbOrTx, orgId: string, userId: string): Promise<MemberJson | null> {
  const [row] = await tx
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .limit(1);
  return row ?? null;
}

/** `member.added`, in the caller's transaction, for whoever joined (an invitation, or SSO just in time). */
export async function emitMemberAdded(tx: DbOrTx, orgId: string, userId: string, actorEmail: string | null): Promise<void> {
  const member = await memberJson(tx, orgId, userId);
  if (member) await emitEvent(tx, orgId, "member.added", actorEmail, { member });
}

export async function listMembers(ctx: OrgContext) {
  authorize(ctx, "members.read");
  return ctx.db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, since: memberships.createdAt, disabled: users.disabledAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, ctx.org.id))
    .orderBy(asc(users.email));
}

export async function listInvitations(ctx: OrgContext) {
  authorize(ctx, "members.manage");
  return ctx.db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, createdAt: invitations.createdAt, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(and(eq(invitations.orgId, ctx.org.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
    .orderBy(desc(invitations.id));
}

function assertMayGrant(ctx: OrgContext, role: Role) {
  if (role === "owner" && ctx.role !== "owner") throw forbidden("Only owners can make owners");
}

/** The invitation token names its organization, so accepting it needs no global lookup. */
export async function inviteMember(ctx: OrgContext, input: z.output<typeof inviteInput>) {
  authorize(ctx, "members.manage");
  assertMayGrant(ctx, input.role);
  const [existing] = await ctx.db
    .select({ userId: users.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, ctx.org.id), eq(users.email, input.email)))
    .limit(1);
  if (existing) throw conflict(`${input.email} is already a member`);
  const id = newId("inv");
  const secret = randomBytes(24).toString("base64url");
  const token = `${ctx.org.id}.${id}.${secret}`;
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  await ctx.db.transaction(async (tx) => {
    await tx.insert(invitations).values({
      orgId: ctx.org.id,
      id,
      email: input.email,
      role: input.role,
      tokenHash: sha256Hex(secret),
      invitedBy: ctx.actor.userId,
      expiresAt,
    });
    await recordAudit(tx, ctx, { action: "member.invite", objectType: "invitation", objectId: id, changes: { email: input.email, role: input.role } });
  });
  return { id, token, expiresAt };
}

export async function revokeInvitation(ctx: OrgContext, invitationId: string) {
  authorize(ctx, "members.manage");
  await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.orgId, ctx.org.id), eq(invitations.id, invitationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id, email: invitations.email });
    if (rows.length === 0) throw notFound("Invitation");
    await recordAudit(tx, ctx, { action: "member.invite_revoke", objectType: "invitation", objectId: invitationId, changes: { email: rows[0]!.email } });
  });
}

type Target = { role: Role; email: string };

async function lockTarget(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], ctx: OrgContext, userId: string): Promise<Target> {
  const [row] = await tx
    .select({ role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, userId)))
    .for("update", { of: memberships })
    .limit(1);
  if (!row) throw notFound("Member");
  if (row.role === "owner" && ctx.role !== "owner") throw forbidden("Admins cannot change owners");
  return row;
}

/** Locks the owners' rows so two racing demotions cannot leave the organization without an owner. */
async function assertNotLastOwner(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], ctx: OrgContext) {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.role, "owner")))
    .for("update");
  if (owners.length <= 1) throw conflict("The last owner cannot be removed or demoted; make someone else an owner first");
}

export async function changeRole(ctx: OrgContext, input: z.output<typeof changeRoleInput>) {
  authorize(ctx, "members.manage");
  assertMayGrant(ctx, input.role);
  return ctx.db.transaction(async (tx) => {
    // The organization first, then the member, then the owners: two owners demoting each other queue here
    // instead of each holding one owner row and waiting for the other's (a deadlock).
    await lockOrganization(tx, ctx.org.id);
    const target = await lockTarget(tx, ctx, input.userId);
    if (target.role === input.role) return { userId: input.userId, role: input.role };
    if (target.role === "owner") await assertNotLastOwner(tx, ctx);
    await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, input.userId)));
    await recordAudit(tx, ctx, { action: "member.role_change", objectType: "member", objectId: input.userId, changes: { email: target.email, from: target.role, to: input.role } });
    const member = await memberJson(tx, ctx.org.id, input.userId);
    await emitEvent(tx, ctx.org.id, "member.role_changed", ctx.actor.email, { member, previousRole: target.role });
    return { userId: input.userId, role: input.role };
  });
}

export async function removeMember(ctx: OrgContext, input: z.output<typeof removeMemberInput>) {
  authorize(ctx, "members.manage");
  return ctx.db.transaction(async (tx) => {
    await lockOrganization(tx, ctx.org.id);
    const target = await lockTarget(tx, ctx, input.userId);
    if (target.role === "owner") await assertNotLastOwner(tx, ctx);
    const member = await memberJson(tx, ctx.org.id, input.userId);
    await tx.delete(memberships).where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, input.userId)));
    await recordAudit(tx, ctx, { action: "member.remove", objectType: "member", objectId: input.userId, changes: { email: target.email, role: target.role } });
    await emitEvent(tx, ctx.org.id, "member.removed", ctx.actor.email, { member });
    return { userId: input.userId };
  });
}

// ---- Accepting an invitation (no organization context yet: the token carries it) ----

export type InvitationView = { orgId: string; orgName: string; orgSlug: string; email: string; role: Role; hasAccount: boolean };

function parseInviteToken(token: string): { orgId: string; id: string; secret: string } | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !p || p.length > 100)) return null;
  return { orgId: parts[0]!, id: parts[1]!, secret: parts[2]! };
}

export async function findInvitation(db: Db, token: string): Promise<InvitationView | null> {
  const t = parseInviteToken(token);
  if (!t) return null;
  const [row] = await db
    .select({ inv: invitations, orgName: organizations.name, orgSlug: organizations.slug })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(and(eq(invitations.orgId, t.orgId), eq(invitations.id, t.id)))
    .limit(1);
  if (!row || row.inv.tokenHash !== sha256Hex(t.secret)) return null;
  if (row.inv.acceptedAt || row.inv.revokedAt || row.inv.expiresAt <= new Date()) return null;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, row.inv.email)).limit(1);
  return { orgId: row.inv.orgId, orgName: row.orgName, orgSlug: row.orgSlug, email: row.inv.email, role: row.inv.role, hasAccount: !!user };
}

export const acceptInput = z.object({
  token: z.string().min(10).max(400),
  name: z.string().trim().min(1).max(120).optional(),
  password: z.string().min(12, "Use at least 12 characters").max(1024).optional(),
});

/**
 * Accepts an invitation, single use: the conditional update on `accepted_at IS NULL` decides a race.
 * A signed-in user accepts for themselves (their email must match); otherwise an account is created.
 */
export async function acceptInvitation(db: Db, input: z.output<typeof acceptInput>, signedInUser: { id: string; email: string } | null, ip: string | null) {
  const t = parseInviteToken(input.token);
  const view = t ? await findInvitation(db, input.token) : null;
  if (!t || !view) throw new AppError("not_found", "This invitation is invalid, used or expired");
  if (signedInUser && signedInUser.email !== view.email) {
    throw forbidden(`This invitation is for ${view.email}; sign in as that user to accept it`);
  }
  if (!signedInUser && view.hasAccount) throw new AppError("unauthenticated", "Sign in to accept this invitation");
  if (!signedInUser && (!input.name || !input.password)) throw new AppError("invalid_input", "Choose a name and a password");
  const passwordHash = !signedInUser ? await hashPassword(input.password!) : null;
  return db.transaction(async (tx) => {
    const used = await tx
      .update(invitations)
      .set({ acceptedAt: new Date() })
      .where(and(eq(invitations.orgId, t.orgId), eq(invitations.id, t.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
      .returning({ id: invitations.id });
    if (used.length === 0) throw conflict("This invitation was already used");
    let userId = signedInUser?.id;
    if (!userId) {
      userId = newId("usr");
      await tx.insert(users).values({ id: userId, email: view.email, name: input.name!, passwordHash: passwordHash! });
    }
    const already = signedInUser ? await memberJson(tx, t.orgId, userId) : null;
    await tx
      .insert(memberships)
      .values({ orgId: t.orgId, userId, role: view.role })
      .onConflictDoUpdate({ target: [memberships.orgId, memberships.userId], set: { role: sql`${memberships.role}` } });
    await tx.update(invitations).set({ acceptedBy: userId }).where(and(eq(invitations.orgId, t.orgId), eq(invitations.id, t.id)));
    await recordSystemAudit(tx, t.orgId, {
      action: "member.join",
      objectType: "member",
      objectId: userId,
      actorType: "system",
      actorId: userId,
      actorLabel: view.email,
      ip,
      changes: { email: view.email, role: view.role, invitation: t.id },
    });
    // The one who joins is the actor, as in the audit entry.
    if (!already) await emitMemberAdded(tx, t.orgId, userId, view.email);
    return { orgSlug: view.orgSlug, userId };
  });
}
