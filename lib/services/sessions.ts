// Console sessions (issue 15 item 5): a person's own active sessions (device, address, last seen, how they signed in),
// signing out one of them or every other one, and owners and admins ending a member's sessions. A session is a row
// the JWT points at (lib/auth/index.ts), so ending it signs that browser out on its very next request.
import { and, desc, eq, gt, inArray, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import { memberships, organizations, sessions, users, type SessionMethod } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { authorize, requireUserActor, type OrgContext } from "@/lib/authz/context";
import { conflict, forbidden, notFound } from "@/lib/errors";
import { isId } from "@/lib/ids";
import { describeUserAgent } from "@/lib/user-agent";

export const sessionRef = z.object({ sessionId: z.string().min(1).max(64) });
export const memberRef = z.object({ userId: z.string().min(1).max(64) });

export type SessionJson = {
  id: string;
  current: boolean;
  method: SessionMethod;
  /** The organization whose identity provider signed this session in. */
  ssoOrganization: string | null;
  device: { browser: string | null; os: string | null; mobile: boolean };
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
};

const live = (now: Date) => and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now));

/** The signed-in person's sessions that still work, the most recently used first. */
export async function listMySessions(ctx: OrgContext): Promise<SessionJson[]> {
  authorize(ctx, "account.manage");
  const me = requireUserActor(ctx);
  const rows = await ctx.db
    .select({ s: sessions, orgName: organizations.name })
    .from(sessions)
    .leftJoin(organizations, eq(organizations.id, sessions.ssoOrgId))
    .where(and(eq(sessions.userId, me.userId), live(new Date())))
    .orderBy(desc(sessions.lastSeenAt));
  return rows.map(({ s, orgName }) => ({
    id: s.id,
    current: s.id === me.sessionId,
    method: s.method,
    ssoOrganization: s.method === "sso" ? orgName : null,
    device: describeUserAgent(s.userAgent),
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
  }));
}

/** Signs out one of the person's other sessions (this one signs out with "Sign out"). */
export async function revokeMySession(ctx: OrgContext, sessionId: string): Promise<{ id: string }> {
  authorize(ctx, "account.manage");
  const me = requireUserActor(ctx);
  if (!isId("ses", sessionId)) throw notFound("Session");
  if (sessionId === me.sessionId) throw conflict("This is the session you are using: sign out instead");
  return ctx.db.transaction(async (tx) => {
    const now = new Date();
    // Someone else's session answers exactly like a missing one.
    const [row] = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, me.userId), live(now)))
      .returning({ id: sessions.id, ip: sessions.ip, userAgent: sessions.userAgent });
    if (!row) throw notFound("Session");
    await recordAudit(tx, ctx, { action: "session.revoke", objectType: "member", objectId: me.userId, changes: { sessions: 1, device: summary(row.userAgent), address: row.ip } });
    return { id: row.id };
  });
}

/** "Sign out everywhere else": every session of the person but this one. */
export async function revokeMyOtherSessions(ctx: OrgContext): Promise<{ ended: number }> {
  authorize(ctx, "account.manage");
  const me = requireUserActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const now = new Date();
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, me.userId), ne(sessions.id, me.sessionId), live(now)))
      .returning({ id: sessions.id });
    await recordAudit(tx, ctx, { action: "session.revoke_others", objectType: "member", objectId: me.userId, changes: { sessions: ended.length } });
    return { ended: ended.length };
  });
}

/** How many sessions each member has open: for the members page of owners and admins. */
export async function countMemberSessions(ctx: OrgContext): Promise<Map<string, number>> {
  authorize(ctx, "members.manage");
  const rows = await ctx.db
    .select({ userId: sessions.userId })
    .from(sessions)
    .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.orgId, ctx.org.id)))
    .where(live(new Date()));
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.userId, (out.get(r.userId) ?? 0) + 1);
  return out;
}

/**
 * Owners and admins end every session of a member (a lost laptop, someone leaving): they are signed out everywhere
 * at once. Admins cannot end an owner's; nobody ends their own this way (their sessions page does that).
 */
export async function endMemberSessions(ctx: OrgContext, userId: string): Promise<{ ended: number }> {
  authorize(ctx, "members.manage");
  if (!isId("usr", userId)) throw notFound("Member");
  if (ctx.actor.userId === userId) throw conflict("Use your own sessions page to sign out your other sessions");
  return ctx.db.transaction(async (tx) => {
    const [target] = await tx
      .select({ role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, userId)))
      .limit(1);
    if (!target) throw notFound("Member");
    if (target.role === "owner" && ctx.role !== "owner") throw forbidden("Admins cannot end an owner's sessions");
    const now = new Date();
    const mine = await tx.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId), live(now)));
    const ended = mine.length
      ? await tx
          .update(sessions)
          .set({ revokedAt: now })
          .where(and(inArray(sessions.id, mine.map((m) => m.id)), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id })
      : [];
    await recordAudit(tx, ctx, { action: "member.sessions_end", objectType: "member", objectId: userId, changes: { email: target.email, sessions: ended.length } });
    return { ended: ended.length };
  });
}

const summary = (ua: string | null) => {
  const d = describeUserAgent(ua);
  return [d.browser, d.os].filter(Boolean).join(" on ") || null;
};
