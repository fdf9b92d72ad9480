// Two-factor authentication (issue 15 item 4): enrolment confirmed by a code, a wrong code refused, a TOTP step never
// accepted twice, recovery codes single use and stored hashed, codes throttled on the password counters, password
// sign-in asking for the second factor before any session, and the organization's requirement. Every change audited.
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditLog, loginThrottle, organizations, recoveryCodes, sessions, users, type Role } from "@/db/schema";
import { checkPasswordSignIn } from "@/lib/auth/password-sign-in";
import { hashRecoveryCode, totpCode } from "@/lib/auth/totp";
import { decryptSecret } from "@/lib/crypto/secrets";
import { newId } from "@/lib/ids";
import { contextFor, useSeededDb } from "@/test/seeded";
import {
  beginTwoFactor,
  confirmTwoFactor,
  disableTwoFactor,
  regenerateRecoveryCodes,
  setTwoFactorRequired,
  twoFactorRequired,
  twoFactorStatus,
} from "./two-factor";

const s = useSeededDb();

// The clock stands still in the middle of a 30-second step during each test, so "the code now" and "the code one
// step before" mean the same step when the code is computed and when it is checked.
const REAL_NOW = Date.now();
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Math.floor(REAL_NOW / 30_000) * 30_000 + 15_000);
});
afterAll(() => vi.useRealTimers());
const PASSWORD = "demo-password";
const IP = "127.0.0.1";
/** The admin's recovery codes, from the sign-in test, spent further in the settings test. */
let adminCodes: string[] = [];
let ownerCodes: string[] = [];

async function code(p: Promise<unknown>) {
  try {
    await p;
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

/** The code an authenticator shows `steps` 30-second steps from now. */
const at = (secret: string, steps = 0) => totpCode(secret, Date.now() + steps * 30_000);

async function audits(action: string, objectId: string) {
  return s.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.objectId, objectId)));
}

async function clearThrottle(email: string) {
  await s.db.delete(loginThrottle).where(inArray(loginThrottle.key, [`pair:${email}|${IP}`, `acct:${email}`, `ip:${IP}`]));
}

/** Turns two-factor on for `role` at demo; answers the secret and the recovery codes. */
async function enrol(role: Role) {
  const ctx = await s.as(role);
  const { secret, uri, qrSvg } = await beginTwoFactor(ctx);
  expect(uri).toMatch(/^otpauth:\/\/totp\/Atrium:/);
  expect(uri).toContain(`secret=${secret}`);
  expect(qrSvg).toMatch(/^<svg/);
  // A code from the step before now: the one after (or now) is still free for the tests' sign-ins.
  const { recoveryCodes: codes } = await confirmTwoFactor(ctx, at(secret, -1));
  return { ctx, secret, codes, userId: s.seed.users[`${role}@demo.test`]! };
}

describe("enrolment", () => {
  it("keeps the secret pending until a right code confirms it, then answers ten recovery codes stored only hashed", async () => {
    const ctx = await s.as("developer");
    const userId = s.seed.users["developer@demo.test"]!;
    expect(await twoFactorStatus(ctx)).toMatchObject({ enabled: false, pending: false, recoveryCodesLeft: 0 });
    const { secret } = await beginTwoFactor(ctx);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await twoFactorStatus(ctx)).toMatchObject({ enabled: false, pending: true });
    const [row] = await s.db.select().from(users).where(eq(users.id, userId));
    expect(row!.totpPendingEnc).not.toContain(secret);
    expect(row!.totpSecretEnc).toBeNull();

    // A wrong code: refused, nothing turned on, nothing audited.
    const wrong = String((Number(at(secret)) + 1) % 1_000_000).padStart(6, "0");
    expect(await code(confirmTwoFactor(ctx, wrong))).toBe("invalid_input");
    expect(await code(confirmTwoFactor(ctx, "not a code"))).toBe("invalid_input");
    expect((await twoFactorStatus(ctx)).enabled).toBe(false);
    expect(await audits("totp.enable", userId)).toHaveLength(0);

    const { recoveryCodes: codes } = await confirmTwoFactor(ctx, at(secret));
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = await s.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    expect(stored.map((r) => r.codeHash).sort()).toEqual(codes.map(hashRecoveryCode).sort());
    expect(stored.some((r) => codes.some((c) => r.codeHash.includes(c)))).toBe(false);
    expect(await twoFactorStatus(ctx)).toMatchObject({ enabled: true, pending: false, recoveryCodesLeft: 10 });
    const [entry] = await audits("totp.enable", userId);
    expect(entry).toMatchObject({ orgId: s.seed.orgs.demo!, actorId: userId, objectType: "member", changes: { recoveryCodes: 10 } });

    // Already on: a second setup or confirmation is a conflict.
    expect(await code(beginTwoFactor(ctx))).toBe("conflict");
    expect(await code(confirmTwoFactor(ctx, at(secret, 1)))).toBe("conflict");
  });

  it("refuses a confirmation before any setup", async () => {
    expect(await code(confirmTwoFactor(await s.as("analyst"), "123456"))).toBe("conflict");
  });
});

describe("password sign-in with two-factor on", () => {
  it("asks for a code after a right password and opens no session; a wrong code is refused; a step is never accepted twice", async () => {
    const { secret, userId } = await enrol("reviewer");
    const email = "reviewer@demo.test";
    const sessionsBefore = (await s.db.select().from(sessions).where(eq(sessions.userId, userId))).length;

    expect(await checkPasswordSignIn(s.db, { email, password: "wrong" }, IP)).toEqual({ ok: false, reason: "invalid" });
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD }, IP)).toEqual({ ok: false, reason: "totp_required" });
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: "000000" === at(secret) ? "111111" : "000000" }, IP)).toEqual({ ok: false, reason: "totp_invalid" });
    // The code used at enrolment (the previous step) is spent already.
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: at(secret, -1) }, IP)).toEqual({ ok: false, reason: "totp_invalid" });
    // A code needs the right password too.
    expect(await checkPasswordSignIn(s.db, { email, password: "wrong", code: at(secret) }, IP)).toEqual({ ok: false, reason: "invalid" });

    // Five failures so far on this address and account: start the count again for what follows.
    await clearThrottle(email);
    const now = at(secret);
    const ok = await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: now }, IP);
    expect(ok).toMatchObject({ ok: true, secondFactor: "totp" });
    // Replay: the same code again, and so any code of the same or an earlier step, is refused.
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: now }, IP)).toEqual({ ok: false, reason: "totp_invalid" });
    // The next step's code (an authenticator a little ahead) still passes once.
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: at(secret, 1) }, IP)).toMatchObject({ ok: true });
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: at(secret, 1) }, IP)).toEqual({ ok: false, reason: "totp_invalid" });
    // The check itself never opens a session.
    expect((await s.db.select().from(sessions).where(eq(sessions.userId, userId))).length).toBe(sessionsBefore);
    await clearThrottle(email);
  });

  it("takes each recovery code once, audits its use in the person's organizations, and keeps the count", async () => {
    const { ctx, codes, userId } = await enrol("admin");
    adminCodes = codes;
    const email = "admin@demo.test";
    // Typed in capitals without the dash: the same code.
    const typed = codes[0]!.replace("-", "").toUpperCase();
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: typed }, IP)).toMatchObject({ ok: true, secondFactor: "recovery" });
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: codes[0] }, IP)).toEqual({ ok: false, reason: "totp_invalid" });
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: "abcde-fghjk" }, IP)).toEqual({ ok: false, reason: "totp_invalid" });
    expect((await twoFactorStatus(ctx)).recoveryCodesLeft).toBe(9);
    const used = await audits("totp.recovery_used", userId);
    expect(used.map((a) => a.orgId)).toEqual([s.seed.orgs.demo!]);
    expect(used[0]!.changes).toEqual({ recoveryCodesLeft: 9 });
    await clearThrottle(email);
  });

  it("counts wrong codes on the password throttle, and refuses even a right code while throttled", async () => {
    const { secret, codes } = await enrol("owner");
    ownerCodes = codes;
    const email = "owner@demo.test";
    await clearThrottle(email);
    for (let i = 0; i < 3; i++) expect((await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: "abcdefghjk" }, IP)).ok).toBe(false);
    const [pair] = await s.db.select().from(loginThrottle).where(eq(loginThrottle.key, `pair:${email}|${IP}`));
    expect(pair!.failures).toBe(3);
    // Blocked (as after many wrong guesses): the right password and a right code wait too.
    await s.db.update(loginThrottle).set({ blockedUntil: new Date(Date.now() + 600_000) }).where(eq(loginThrottle.key, `pair:${email}|${IP}`));
    const refused = await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: at(secret) }, IP);
    expect(refused).toMatchObject({ ok: false, reason: "throttled" });
    // The same counters hold back the settings' own code checks.
    expect(await code(regenerateRecoveryCodes(await s.as("owner"), at(secret)))).toBe("rate_limited");
    await clearThrottle(email);
    // A success clears the count.
    expect(await checkPasswordSignIn(s.db, { email, password: PASSWORD, code: at(secret) }, IP)).toMatchObject({ ok: true });
    expect(await s.db.select().from(loginThrottle).where(eq(loginThrottle.key, `pair:${email}|${IP}`))).toHaveLength(0);
  });
});

describe("managing two-factor", () => {
  it("makes new recovery codes after a current code: the old ones stop working; audited", async () => {
    const ctx = await s.as("owner");
    const userId = s.seed.users["owner@demo.test"]!;
    const [row] = await s.db.select().from(users).where(eq(users.id, userId));
    const secret = decryptSecret(row!.totpSecretEnc!);
    const old = await s.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    expect(await code(regenerateRecoveryCodes(ctx, "abcde-fghjk"))).toBe("invalid_input");
    // A real recovery code is not what this asks for: refused, and not spent either.
    const unusedBefore = (await twoFactorStatus(ctx)).recoveryCodesLeft;
    expect(await code(regenerateRecoveryCodes(ctx, ownerCodes[0]!))).toBe("invalid_input");
    expect((await twoFactorStatus(ctx)).recoveryCodesLeft).toBe(unusedBefore);
    // The step the last sign-in used is spent: only a later one makes new codes.
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes(ctx, at(secret, 1));
    expect(fresh).toHaveLength(10);
    const now = await s.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    expect(now.map((r) => r.codeHash).sort()).toEqual(fresh.map(hashRecoveryCode).sort());
    expect(now.some((r) => old.some((o) => o.codeHash === r.codeHash))).toBe(false);
    expect(await audits("totp.recovery_regenerate", userId)).toHaveLength(1);
    await clearThrottle("owner@demo.test");
  });

  it("turns off with the password, a recovery code or a current code, never a wrong one; audited", async () => {
    const userId = s.seed.users["developer@demo.test"]!;
    const ctx = await s.as("developer");
    expect(await code(disableTwoFactor(ctx, "not-my-password"))).toBe("invalid_input");
    expect((await twoFactorStatus(ctx)).enabled).toBe(true);
    await disableTwoFactor(ctx, PASSWORD);
    expect(await twoFactorStatus(ctx)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect(await s.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId))).toHaveLength(0);
    expect(await code(disableTwoFactor(ctx, PASSWORD))).toBe("conflict");
    const [entry] = await audits("totp.disable", userId);
    expect(entry!.changes).toEqual({ confirmedWith: "password" });
    // Signing in needs no code any more.
    expect(await checkPasswordSignIn(s.db, { email: "developer@demo.test", password: PASSWORD }, IP)).toMatchObject({ ok: true, secondFactor: null });

    await clearThrottle("developer@demo.test");

    // A recovery code (the admin's, from the sign-in test) turns it off; a spent one does not.
    const adminCtx = await s.as("admin");
    expect(await code(disableTwoFactor(adminCtx, adminCodes[0]!))).toBe("invalid_input");
    await disableTwoFactor(adminCtx, adminCodes[1]!);
    expect((await audits("totp.disable", s.seed.users["admin@demo.test"]!))[0]!.changes).toEqual({ confirmedWith: "recovery" });
    await clearThrottle("admin@demo.test");

    // A current code from the app turns it off; the one that confirmed the setup does not.
    const analyst = await enrol("analyst");
    expect(await code(disableTwoFactor(analyst.ctx, at(analyst.secret, -1)))).toBe("invalid_input");
    await disableTwoFactor(analyst.ctx, at(analyst.secret));
    expect((await audits("totp.disable", analyst.userId))[0]!.changes).toEqual({ confirmedWith: "totp" });
    await clearThrottle("analyst@demo.test");
  });
});

describe("the organization's requirement", () => {
  it("is set by owners and admins only, audited once per change", async () => {
    expect(await code(setTwoFactorRequired(await s.as("developer"), true))).toBe("forbidden");
    expect(await code(twoFactorRequired(await s.as("analyst")))).toBe("forbidden");
    // An admin signed in with a password and without two-factor would hold themselves back: refused, nothing audited.
    expect(await code(setTwoFactorRequired(await s.as("admin"), true))).toBe("conflict");
    expect(await audits("organization.require_two_factor", s.seed.orgs.demo!)).toHaveLength(0);
    // Signed in through single sign-on, the requirement does not apply to them.
    const sid = newId("ses");
    await s.db.insert(sessions).values({ id: sid, userId: s.seed.users["admin@demo.test"]!, expiresAt: new Date(Date.now() + 3600_000), method: "sso", ssoOrgId: s.seed.orgs.demo! });
    const admin = await contextFor(s.db, s.seed, "admin@demo.test", "demo", sid);
    await setTwoFactorRequired(admin, true);
    await setTwoFactorRequired(admin, true);
    expect(await twoFactorRequired(admin)).toBe(true);
    expect((await twoFactorStatus(await s.as("analyst"))).orgRequires).toBe(true);
    // Another organization is untouched.
    const [other] = await s.db.select().from(organizations).where(eq(organizations.id, s.seed.orgs.other!));
    expect(other!.requireTwoFactor).toBe(false);
    const entries = await audits("organization.require_two_factor", s.seed.orgs.demo!);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.changes).toEqual({ requireTwoFactor: { from: false, to: true } });
    await setTwoFactorRequired(admin, false);
    expect(await audits("organization.require_two_factor", s.seed.orgs.demo!)).toHaveLength(2);
  });

  it("another organization's admin cannot read or set it here", async () => {
    const sid = newId("ses");
    await s.db.insert(sessions).values({ id: sid, userId: s.seed.users["admin@other.test"]!, expiresAt: new Date(Date.now() + 3600_000), method: "sso" });
    const other = await contextFor(s.db, s.seed, "admin@other.test", "other", sid);
    await setTwoFactorRequired(other, true);
    const [demo] = await s.db.select().from(organizations).where(eq(organizations.id, s.seed.orgs.demo!));
    expect(demo!.requireTwoFactor).toBe(false);
    await setTwoFactorRequired(other, false);
  });
});
