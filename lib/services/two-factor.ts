// Two-factor authentication for a person (issue 15 item 4): enrol with a QR code, confirm with a code, ten recovery
// codes shown once and stored hashed; new recovery codes need a current code from the app, turning it off a current
// code, a recovery code or the password. Every code checked here counts on the same throttle as password sign-in
// (lib/auth/throttle.ts, keyed by the person's email): guesses here and at sign-in share one budget. A TOTP step once
// accepted is never accepted again (lib/auth/totp.ts). Each change is audited in every organization of the person's.
// An organization may require it of members who sign in with a password; single sign-on leaves the second factor to
// the identity provider (lib/auth/session.ts holds such members back until they enrol).
import { and, eq, isNull } from "drizzle-orm";
import QRCode from "qrcode";
import { z } from "zod";
import { organizations, recoveryCodes, sessions, users, type User } from "@/db/schema";
import type { DbOrTx } from "@/db";
import { recordAudit, recordPersonAudit } from "@/lib/audit";
import { authorize, requireUserActor, type OrgContext } from "@/lib/authz/context";
import { verifyPassword } from "@/lib/auth/password";
import { beginAttempt, recordSuccess } from "@/lib/auth/throttle";
import { countUnusedRecoveryCodes, hashRecoveryCode, newRecoveryCodes, newTotpSecret, spendSecondFactor, spendTotp, totpStep, totpUri } from "@/lib/auth/totp";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { AppError, conflict, invalidInput } from "@/lib/errors";

export const codeInput = z.object({ code: z.string().trim().min(1, "Enter a code").max(32, "At most 32 characters") });
/** Turning two-factor off: a code from the app, a recovery code, or the account's password. */
export const proofInput = z.object({ proof: z.string().min(1, "Enter a code or your password").max(1024, "At most 1024 characters") });
export const requireInput = z.object({ required: z.boolean() });

export type TwoFactorStatus = { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number; pending: boolean; orgRequires: boolean };
export type Enrolment = { secret: string; uri: string; qrSvg: string };

const WRONG = "That code is not right, or was already used";

async function me(ctx: OrgContext): Promise<User> {
  const actor = requireUserActor(ctx);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, actor.userId)).limit(1);
  if (!user) throw new AppError("unauthenticated", "Your session has ended; sign in again");
  return user;
}

const person = (u: User) => ({ userId: u.id, email: u.email, name: u.name });

async function storeRecoveryCodes(tx: DbOrTx, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })));
  return codes;
}

export async function twoFactorStatus(ctx: OrgContext): Promise<TwoFactorStatus> {
  authorize(ctx, "account.manage");
  const user = await me(ctx);
  const [org] = await ctx.db.select({ required: organizations.requireTwoFactor }).from(organizations).where(eq(organizations.id, ctx.org.id));
  return {
    enabled: !!user.totpSecretEnc,
    enabledAt: user.totpEnabledAt?.toISOString() ?? null,
    recoveryCodesLeft: user.totpSecretEnc ? await countUnusedRecoveryCodes(ctx.db, user.id) : 0,
    pending: !user.totpSecretEnc && !!user.totpPendingEnc,
    orgRequires: !!org?.required,
  };
}

/** A check that counts like a password guess: throttled on the person's sign-in counters; a success clears them. */
async function throttled<T>(ctx: OrgContext, user: User, field: string, check: () => Promise<T | null>): Promise<T> {
  const wait = await beginAttempt(ctx.db, user.email, ctx.ip);
  if (wait > 0) throw new AppError("rate_limited", `Too many wrong attempts: wait ${wait} seconds`, { retryAfterSeconds: wait }, { "Retry-After": String(wait) });
  const ok = await check();
  if (ok === null) throw invalidInput(WRONG, { fields: { [field]: [WRONG] } });
  await recordSuccess(ctx.db, user.email, ctx.ip);
  return ok;
}

/** Starts enrolment (again): a new secret, kept pending until confirmed; answers what the authenticator app needs. */
export async function beginTwoFactor(ctx: OrgContext): Promise<Enrolment> {
  authorize(ctx, "account.manage");
  const user = await me(ctx);
  if (user.totpSecretEnc) throw conflict("Two-factor authentication is already on");
  const secret = newTotpSecret();
  const [row] = await ctx.db.update(users).set({ totpPendingEnc: encryptSecret(secret) }).where(and(eq(users.id, user.id), isNull(users.totpSecretEnc))).returning({ id: users.id });
  if (!row) throw conflict("Two-factor authentication is already on");
  const uri = totpUri(secret, user.email);
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" }) };
}

/** Confirms enrolment with a code from the app: two-factor is on, and the ten recovery codes are answered once. */
export async function confirmTwoFactor(ctx: OrgContext, code: string): Promise<{ recoveryCodes: string[] }> {
  authorize(ctx, "account.manage");
  const user = await me(ctx);
  if (user.totpSecretEnc) throw conflict("Two-factor authentication is already on");
  if (!user.totpPendingEnc) throw conflict("Start the setup first");
  const pendingEnc = user.totpPendingEnc;
  const step = await throttled(ctx, user, "code", async () => totpStep(decryptSecret(pendingEnc), code));
  return ctx.db.transaction(async (tx) => {
    // The secret confirmed is the one the code was checked against: a setup restarted meanwhile makes this a 409.
    const [done] = await tx
      .update(users)
      .set({ totpSecretEnc: pendingEnc, totpPendingEnc: null, totpEnabledAt: new Date(), totpLastStep: step })
      .where(and(eq(users.id, user.id), isNull(users.totpSecretEnc), eq(users.totpPendingEnc, pendingEnc)))
      .returning({ id: users.id });
    if (!done) throw conflict("Two-factor authentication changed meanwhile: start the setup again");
    const codes = await storeRecoveryCodes(tx, user.id);
    await recordPersonAudit(tx, person(user), ctx.ip, { action: "totp.enable", objectType: "member", objectId: user.id, changes: { recoveryCodes: codes.length } });
    return { recoveryCodes: codes };
  });
}

/** Ten new recovery codes (the old ones stop working), after a current code from the app. */
export async function regenerateRecoveryCodes(ctx: OrgContext, code: string): Promise<{ recoveryCodes: string[] }> {
  authorize(ctx, "account.manage");
  const user = await me(ctx);
  if (!user.totpSecretEnc) throw conflict("Two-factor authentication is off");
  // Only a code from the app: a recovery code typed here is neither accepted nor spent.
  await throttled(ctx, user, "code", async () => ((await spendTotp(ctx.db, user, code)) ? true : null));
  return ctx.db.transaction(async (tx) => {
    const codes = await storeRecoveryCodes(tx, user.id);
    await recordPersonAudit(tx, person(user), ctx.ip, { action: "totp.recovery_regenerate", objectType: "member", objectId: user.id, changes: { recoveryCodes: codes.length } });
    return { recoveryCodes: codes };
  });
}

/** Turns two-factor off, with a current code from the app, an unused recovery code, or the account's password. */
export async function disableTwoFactor(ctx: OrgContext, proof: string): Promise<{ enabled: false }> {
  authorize(ctx, "account.manage");
  const user = await me(ctx);
  if (!user.totpSecretEnc) throw conflict("Two-factor authentication is off");
  const how = await throttled(ctx, user, "proof", async () => (await spendSecondFactor(ctx.db, user, proof.trim())) ?? ((await verifyPassword(user.passwordHash, proof)) ? "password" : null));
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ totpSecretEnc: null, totpPendingEnc: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await recordPersonAudit(tx, person(user), ctx.ip, { action: "totp.disable", objectType: "member", objectId: user.id, changes: { confirmedWith: how } });
  });
  return { enabled: false };
}

/** Whether the organization requires two-factor of its members who sign in with a password. */
export async function twoFactorRequired(ctx: OrgContext): Promise<boolean> {
  authorize(ctx, "settings.manage");
  const [org] = await ctx.db.select({ required: organizations.requireTwoFactor }).from(organizations).where(eq(organizations.id, ctx.org.id));
  return !!org?.required;
}

/** Owners and admins: members who sign in with a password must set up two-factor before they use the organization. */
export async function setTwoFactorRequired(ctx: OrgContext, required: boolean): Promise<{ required: boolean }> {
  authorize(ctx, "settings.manage");
  if (required && ctx.actor.type === "user") {
    // The requirement would hold back the very person turning it on (signed in with a password, no second factor),
    // leaving them unable to undo it: they set up their own first.
    const [me] = await ctx.db
      .select({ method: sessions.method, totp: users.totpSecretEnc })
      .from(users)
      .leftJoin(sessions, eq(sessions.id, ctx.actor.sessionId))
      .where(eq(users.id, ctx.actor.userId));
    if (me && me.method !== "sso" && !me.totp) throw conflict("Set up two-factor authentication for yourself first (Settings → Security): the requirement would hold you back too");
  }
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select({ required: organizations.requireTwoFactor }).from(organizations).where(eq(organizations.id, ctx.org.id)).for("update");
    if (!before || before.required === required) return;
    await tx.update(organizations).set({ requireTwoFactor: required }).where(eq(organizations.id, ctx.org.id));
    await recordAudit(tx, ctx, { action: "organization.require_two_factor", objectType: "organization", objectId: ctx.org.id, changes: { requireTwoFactor: { from: before.required, to: required } } });
  });
  return { required };
}
