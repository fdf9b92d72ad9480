// A person's account (issue 20 item 2): profile (name, language, theme), password change, and password reset, by
// email through SMTP_URL or by a one-time link an owner or admin issues. Reset tokens are kept like invitation tokens:
// only the SHA-256 of the secret, single use (a conditional update on `used_at IS NULL` decides a race), 30 minutes.
// A reset never gets around enforced single sign-on: a member whose organization requires it gets no link and cannot
// use one. Neither the token nor a password ever reaches the audit log.
import { randomBytes } from "node:crypto";
import { and, eq, gt, inArray, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db";
import { memberships, passwordResets, sessions, users } from "@/db/schema";
import { recordAudit, recordPersonAudit } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { beginAttempt, consumeWindow, recordSuccess } from "@/lib/auth/throttle";
import { authorize, requireUserActor, type OrgContext } from "@/lib/authz/context";
import { sha256Hex } from "@/lib/crypto/hash";
import { AppError, conflict, forbidden, invalidInput, notFound } from "@/lib/errors";
import { LOCALES, THEMES } from "@/lib/i18n/config";
import { isId, newId } from "@/lib/ids";
import { consoleBaseUrl, mailEnabled, sendMail, type MailSender } from "@/lib/notifications/mailer";
import { passwordRefusedBy } from "@/lib/sso/lookup";

export const RESET_TTL_MS = 30 * 60_000;
const newPassword = z.string().min(12, "Use at least 12 characters").max(1024);

// ---- Profile ----

export const profileInput = z.object({
  name: z.string().trim().min(1).max(120),
  locale: z.enum(LOCALES),
  theme: z.enum(THEMES),
});

export type ProfileJson = { id: string; email: string; name: string; locale: string | null; theme: string | null; passwordUsable: boolean };

export async function getProfile(ctx: OrgContext): Promise<ProfileJson> {
  authorize(ctx, "account.manage");
  const me = requireUserActor(ctx);
  const [u] = await ctx.db.select({ id: users.id, email: users.email, name: users.name, locale: users.locale, theme: users.theme }).from(users).where(eq(users.id, me.userId)).limit(1);
  if (!u) throw notFound("Account");
  return { ...u, passwordUsable: !(await passwordRefusedBy(ctx.db, me.userId)) };
}

export async function updateProfile(ctx: OrgContext, input: z.output<typeof profileInput>): Promise<ProfileJson> {
  authorize(ctx, "account.manage");
  const me = requireUserActor(ctx);
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select({ name: users.name, locale: users.locale, theme: users.theme }).from(users).where(eq(users.id, me.userId)).for("update");
    if (!before) throw notFound("Account");
    await tx.update(users).set({ name: input.name, locale: input.locale, theme: input.theme }).where(eq(users.id, me.userId));
    const changes: Record<string, unknown> = {};
    for (const k of ["name", "locale", "theme"] as const) if (before[k] !== input[k]) changes[k] = { from: before[k], to: input[k] };
    if (Object.keys(changes).length > 0) {
      await recordPersonAudit(tx, { userId: me.userId, email: me.email, name: input.name }, ctx.ip, { action: "account.profile_update", objectType: "member", objectId: me.userId, changes });
    }
  });
  return getProfile(ctx);
}

/** The language and theme a person chose, to apply at sign-in (null when they never chose). */
export async function preferencesForEmail(db: Db, email: string): Promise<{ locale: string | null; theme: string | null } | null> {
  const [u] = await db.select({ locale: users.locale, theme: users.theme }).from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return u ?? null;
}

// ---- Password change ----

export const passwordChangeInput = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword,
});

/**
 * Changes the signed-in person's password: the current one is required (and throttled like sign-in), every other
 * session of theirs ends, this one stays, and reset links still out stop working.
 */
export async function changePassword(ctx: OrgContext, input: z.output<typeof passwordChangeInput>): Promise<{ sessionsEnded: number }> {
  authorize(ctx, "account.manage");
  const me = requireUserActor(ctx);
  const refusedBy = await passwordRefusedBy(ctx.db, me.userId);
  if (refusedBy) throw forbidden(`${refusedBy.name} requires single sign-on: your password is not used`);
  const wait = await beginAttempt(ctx.db, me.email, ctx.ip);
  if (wait > 0) throw new AppError("rate_limited", `Too many attempts; try again in ${wait} seconds`);
  const [u] = await ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, me.userId)).limit(1);
  if (!u || !(await verifyPassword(u.passwordHash, input.currentPassword))) throw invalidInput("The current password is wrong", { field: "currentPassword" });
  await recordSuccess(ctx.db, me.email, ctx.ip);
  if (!newPassword.safeParse(input.newPassword).success) throw invalidInput("Use at least 12 characters", { field: "newPassword" });
  if (input.currentPassword === input.newPassword) throw invalidInput("Choose a password different from the current one", { field: "newPassword" });
  const passwordHash = await hashPassword(input.newPassword);
  return ctx.db.transaction(async (tx) => {
    const now = new Date();
    await tx.update(users).set({ passwordHash }).where(eq(users.id, me.userId));
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, me.userId), ne(sessions.id, me.sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
      .returning({ id: sessions.id });
    await tx.update(passwordResets).set({ usedAt: now }).where(and(eq(passwordResets.userId, me.userId), isNull(passwordResets.usedAt)));
    await recordPersonAudit(tx, me, ctx.ip, { action: "account.password_change", objectType: "member", objectId: me.userId, changes: { sessionsEnded: ended.length } });
    return { sessionsEnded: ended.length };
  });
}

// ---- Reset tokens ----

async function createResetToken(tx: DbOrTx, userId: string, kind: "email" | "admin", issuer?: { orgId: string; userId: string }) {
  const id = newId("prs");
  const secret = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + RESET_TTL_MS);
  await tx.insert(passwordResets).values({ id, userId, tokenHash: sha256Hex(secret), kind, issuedOrgId: issuer?.orgId ?? null, issuedBy: issuer?.userId ?? null, expiresAt });
  return { id, token: `${id}.${secret}`, expiresAt };
}

export const resetPath = (token: string) => `/reset-password/${token}`;

// Per email and per address, in the sign-in throttle's table (lib/auth/throttle.ts), so every server process counts
// the same requests: a known and an unknown email are throttled alike, so the throttle reveals nothing either.
// An address is counted only for a request its email's limit let through.
const RESET_LIMITS = { email: 3, ip: 10, windowMs: 15 * 60_000 };

async function throttle(db: Db, email: string, ip: string | null) {
  let wait = await consumeWindow(db, `reset-email:${email}`, RESET_LIMITS.email, RESET_LIMITS.windowMs);
  if (!wait && ip) wait = await consumeWindow(db, `reset-ip:${ip}`, RESET_LIMITS.ip, RESET_LIMITS.windowMs);
  if (wait) throw new AppError("rate_limited", `Too many reset requests; try again in ${Math.ceil(wait / 60_000)} minutes`, { retryAfterSeconds: Math.ceil(wait / 1000) });
}

export const resetRequestInput = z.object({ email: z.string().trim().toLowerCase().email().max(320) });

/**
 * "Forgot password?": the same answer whether the email has an account or not (the caller shows one sentence). For
 * a known, enabled account that a password may sign in, a link valid 30 minutes is emailed. The email is sent after
 * the answer unless `wait` (tests), so the response time does not tell either.
 */
export async function requestPasswordReset(db: Db, input: z.output<typeof resetRequestInput>, ip: string | null, opts: { send?: MailSender; wait?: boolean } = {}): Promise<void> {
  if (!mailEnabled() && !opts.send) throw conflict("Password reset by email is not set up here: ask an owner or admin of your organization for a reset link");
  await throttle(db, input.email, ip);
  const [user] = await db.select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt }).from(users).where(eq(users.email, input.email)).limit(1);
  if (!user || user.disabledAt || (await passwordRefusedBy(db, user.id))) return;
  const { token } = await db.transaction(async (tx) => {
    const created = await createResetToken(tx, user.id, "email");
    await recordPersonAudit(tx, { userId: user.id, email: user.email, name: user.name }, ip, { action: "account.password_reset_request", objectType: "member", objectId: user.id });
    return created;
  });
  const url = `${consoleBaseUrl()}${resetPath(token)}`;
  const mail = {
    to: user.email,
    subject: "Reset your Atrium password",
    text: `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset the password of your Atrium account.\nOpen this link within 30 minutes to choose a new one; it works once:\n\n${url}\n\nIf you did not ask, ignore this email: your password stays as it is.\n`,
  };
  const delivery = (opts.send ?? sendMail)(mail).catch((e: unknown) => {
    console.warn(`[atrium] password reset email not sent: ${e instanceof Error ? e.message : String(e)}`);
    if (opts.wait) throw e;
  });
  if (opts.wait) await delivery;
}

/**
 * An owner or admin issues a one-time reset link for a member (without SMTP, like an invitation): shown once.
 * Admins cannot for owners, nobody for themselves (their account page changes their password), never for a member
 * single sign-on covers, and never for someone who also belongs to an organization the issuer does not manage with
 * the same rights (a reset there would hand over that account).
 */
export async function issueResetLink(ctx: OrgContext, userId: string): Promise<{ token: string; path: string; expiresAt: string }> {
  authorize(ctx, "members.manage");
  if (!isId("usr", userId)) throw notFound("Member");
  if (ctx.actor.userId === userId) throw conflict("Change your own password on your account page");
  return ctx.db.transaction(async (tx) => {
    const [target] = await tx
      .select({ role: memberships.role, email: users.email, disabledAt: users.disabledAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, userId)))
      .limit(1);
    if (!target) throw notFound("Member");
    if (target.role === "owner" && ctx.role !== "owner") throw forbidden("Only owners can reset an owner's password");
    if (target.disabledAt) throw conflict("This account is disabled");
    const refusedBy = await passwordRefusedBy(tx, userId);
    if (refusedBy) throw conflict(`${refusedBy.name} requires single sign-on for ${target.email}: a password would not be used`);
    const theirs = await tx.select({ orgId: memberships.orgId, role: memberships.role }).from(memberships).where(eq(memberships.userId, userId));
    const mine = await tx
      .select({ orgId: memberships.orgId, role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, ctx.actor.userId), inArray(memberships.orgId, theirs.map((m) => m.orgId))));
    const myRole = new Map(mine.map((m) => [m.orgId, m.role]));
    for (const m of theirs) {
      const r = myRole.get(m.orgId);
      if (!(r === "owner" || (r === "admin" && m.role !== "owner"))) throw forbidden(`${target.email} also belongs to an organization where you cannot manage them`);
    }
    const created = await createResetToken(tx, userId, "admin", { orgId: ctx.org.id, userId: ctx.actor.userId });
    await recordAudit(tx, ctx, { action: "member.password_reset_link", objectType: "member", objectId: userId, changes: { email: target.email, expiresAt: created.expiresAt.toISOString() } });
    return { token: created.token, path: resetPath(created.token), expiresAt: created.expiresAt.toISOString() };
  });
}

function parseResetToken(token: string): { id: string; secret: string } | null {
  const parts = token.split(".");
  if (parts.length !== 2 || !isId("prs", parts[0]!) || !parts[1] || parts[1].length > 100) return null;
  return { id: parts[0]!, secret: parts[1] };
}

export type ResetView = { email: string; state: "valid" | "used" | "expired" };

/** What the reset page shows: null for a token that does not exist (404). */
export async function findPasswordReset(db: Db, token: string): Promise<ResetView | null> {
  const t = parseResetToken(token);
  if (!t) return null;
  const [row] = await db
    .select({ r: passwordResets, email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.id, t.id))
    .limit(1);
  if (!row || row.r.tokenHash !== sha256Hex(t.secret)) return null;
  return { email: row.email, state: row.r.usedAt ? "used" : row.r.expiresAt <= new Date() ? "expired" : "valid" };
}

export const resetInput = z.object({ token: z.string().min(10).max(400), password: newPassword });

/**
 * Sets a new password with a reset token: 404 for an unknown token, 409 for one used or expired, 422 for a password
 * too short; in each case nothing changes. On success the token is spent, every session of the person ends, and
 * their other reset links stop working.
 */
export async function resetPassword(db: Db, input: z.output<typeof resetInput>, ip: string | null): Promise<{ email: string }> {
  const t = parseResetToken(input.token);
  const view = t ? await findPasswordReset(db, input.token) : null;
  if (!t || !view) throw new AppError("not_found", "This reset link is invalid");
  if (view.state === "used") throw conflict("This reset link was already used");
  if (view.state === "expired") throw conflict("This reset link has expired: ask for a new one");
  if (!newPassword.safeParse(input.password).success) throw invalidInput("Use at least 12 characters", { field: "password" });
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const now = new Date();
    const [spent] = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.id, t.id), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
      .returning({ userId: passwordResets.userId, kind: passwordResets.kind });
    if (!spent) throw conflict("This reset link was already used");
    const [user] = await tx.select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt }).from(users).where(eq(users.id, spent.userId)).limit(1);
    if (!user || user.disabledAt) throw conflict("This account is disabled");
    // Checked again at use: single sign-on may have been enforced after the link was sent.
    const refusedBy = await passwordRefusedBy(tx, user.id);
    if (refusedBy) throw forbidden(`${refusedBy.name} requires single sign-on: sign in through its identity provider`);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
      .returning({ id: sessions.id });
    await tx.update(passwordResets).set({ usedAt: now }).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await recordPersonAudit(tx, { userId: user.id, email: user.email, name: user.name }, ip, {
      action: "account.password_reset",
      objectType: "member",
      objectId: user.id,
      changes: { via: spent.kind === "admin" ? "link" : "email", sessionsEnded: ended.length },
    });
    return { email: user.email };
  });
}
