// Accounts (issue 20 item 2): profile, password change, password reset by email (through a real SMTP server) and by a
// link an owner or admin issues. Each test makes its own people, so the seeded users' passwords never change.
import { and, eq, isNull, like } from "drizzle-orm";
import { startTestSmtp, type TestSmtp } from "@/test/smtp";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditLog, loginThrottle, memberships, passwordResets, sessions, ssoConnections, users, type Role } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { loadOrgContext } from "@/lib/authz/context";
import { newId } from "@/lib/ids";
import { useSeededDb } from "@/test/seeded";
import type { Mail } from "@/lib/notifications/mailer";
import {
  changePassword,
  findPasswordReset,
  getProfile,
  issueResetLink,
  requestPasswordReset,
  resetPassword,
  RESET_TTL_MS,
  updateProfile,
} from "./accounts";

const s = useSeededDb();
const OLD = "old-password-123";
let n = 0;

async function person(role: Role, org = "demo") {
  const email = `acct${++n}-${Date.now()}@demo.test`;
  const id = newId("usr");
  await s.db.insert(users).values({ id, email, name: `Person ${n}`, passwordHash: await hashPassword(OLD) });
  await s.db.insert(memberships).values({ orgId: s.seed.orgs[org]!, userId: id, role });
  return { id, email };
}

async function openSession(userId: string) {
  const id = newId("ses");
  await s.db.insert(sessions).values({ id, userId, expiresAt: new Date(Date.now() + 3600_000) });
  return id;
}

async function ctxOf(p: { id: string; email: string }, sid: string, org = "demo") {
  return loadOrgContext(s.db, { slug: org }, { type: "user", userId: p.id, email: p.email, name: p.email, sessionId: sid }, "203.0.113.9");
}

const live = async (userId: string) => (await s.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))).map((r) => r.id);
const hashOf = async (userId: string) => (await s.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, userId)))[0]!.h;

async function code(p: Promise<unknown>) {
  try {
    await p;
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

/** A sender that keeps the mails, as the SMTP server would receive them. */
function outbox() {
  const mails: Mail[] = [];
  return { mails, send: async (m: Mail) => void mails.push(m), token: () => mails.at(-1)!.text.match(/\/reset-password\/([^\s]+)/)![1]! };
}

// The reset throttle counts in the database: each test starts from fresh counters.
beforeEach(async () => {
  await s.db.delete(loginThrottle).where(like(loginThrottle.key, "reset-%"));
});

describe("profile", () => {
  it("stores name, language and theme, audited with what changed", async () => {
    const p = await person("developer");
    const ctx = await ctxOf(p, await openSession(p.id));
    expect(await getProfile(ctx)).toMatchObject({ email: p.email, locale: null, theme: null, passwordUsable: true });
    const saved = await updateProfile(ctx, { name: "Ada L.", locale: "zh-CN", theme: "dark" });
    expect(saved).toMatchObject({ name: "Ada L.", locale: "zh-CN", theme: "dark" });
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "account.profile_update"), eq(auditLog.objectId, p.id)));
    expect(entry!.changes).toMatchObject({ name: { to: "Ada L." }, locale: { from: null, to: "zh-CN" }, theme: { to: "dark" } });
  });
});

describe("password change", () => {
  it("needs the current password; on success ends every other session and keeps this one", async () => {
    const p = await person("reviewer");
    const here = await openSession(p.id);
    const laptop = await openSession(p.id);
    const phone = await openSession(p.id);
    const ctx = await ctxOf(p, here);
    const before = await hashOf(p.id);
    expect(await code(changePassword(ctx, { currentPassword: "wrong-password", newPassword: "a-brand-new-password" }))).toBe("invalid_input");
    expect(await hashOf(p.id)).toBe(before);
    expect((await live(p.id)).sort()).toEqual([here, laptop, phone].sort());

    expect(await changePassword(ctx, { currentPassword: OLD, newPassword: "a-brand-new-password" })).toEqual({ sessionsEnded: 2 });
    expect(await live(p.id)).toEqual([here]);
    expect(await verifyPassword(await hashOf(p.id), "a-brand-new-password")).toBe(true);
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "account.password_change"), eq(auditLog.objectId, p.id)));
    expect(entry!.changes).toEqual({ sessionsEnded: 2 });
    expect(JSON.stringify(entry)).not.toContain("a-brand-new-password");
  });

  it("refuses a password too short", async () => {
    const p = await person("analyst");
    const { passwordChangeInput } = await import("./accounts");
    expect(passwordChangeInput.safeParse({ currentPassword: OLD, newPassword: "short" }).success).toBe(false);
    expect(await code(changePassword(await ctxOf(p, await openSession(p.id)), { currentPassword: OLD, newPassword: OLD }))).toBe("invalid_input");
  });
});

describe("password reset by email", () => {
  it("answers alike for a known and an unknown email; the known one gets a link, single use, every session ended", async () => {
    const p = await person("developer");
    const s1 = await openSession(p.id);
    const box = outbox();
    await expect(requestPasswordReset(s.db, { email: "nobody-here@demo.test" }, "198.51.100.1", { send: box.send, wait: true })).resolves.toBeUndefined();
    expect(box.mails).toHaveLength(0);
    await expect(requestPasswordReset(s.db, { email: p.email }, "198.51.100.1", { send: box.send, wait: true })).resolves.toBeUndefined();
    expect(box.mails).toHaveLength(1);
    expect(box.mails[0]!.to).toBe(p.email);
    const token = box.token();
    // Stored hashed: the secret is nowhere in the table or the audit log.
    const secret = token.split(".")[1]!;
    const rows = await s.db.select().from(passwordResets).where(eq(passwordResets.userId, p.id));
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(await s.db.select().from(auditLog).where(eq(auditLog.objectId, p.id)))).not.toContain(secret);
    expect(await findPasswordReset(s.db, token)).toEqual({ email: p.email, state: "valid" });

    expect(await code(resetPassword(s.db, { token, password: "reset-password-456" }, null))).toBe("ok");
    expect(await verifyPassword(await hashOf(p.id), "reset-password-456")).toBe(true);
    expect(await live(p.id)).toEqual([]);
    expect(s1).toBeTruthy();
    const after = await hashOf(p.id);
    // Used: 409, nothing changes.
    expect(await code(resetPassword(s.db, { token, password: "another-password-789" }, null))).toBe("conflict");
    expect(await hashOf(p.id)).toBe(after);
    // A wrong secret or a made-up token: 404.
    expect(await code(resetPassword(s.db, { token: `${token.split(".")[0]}.wrongsecretwrongsecret`, password: "another-password-789" }, null))).toBe("not_found");
    expect(await code(resetPassword(s.db, { token: "not-a-token-at-all", password: "another-password-789" }, null))).toBe("not_found");
    const actions = (await s.db.select({ a: auditLog.action }).from(auditLog).where(eq(auditLog.objectId, p.id))).map((r) => r.a);
    expect(actions).toEqual(expect.arrayContaining(["account.password_reset_request", "account.password_reset"]));
  });

  it("expires after 30 minutes: 409, nothing changed", async () => {
    const p = await person("developer");
    const box = outbox();
    await requestPasswordReset(s.db, { email: p.email }, null, { send: box.send, wait: true });
    const token = box.token();
    const [row] = await s.db.select().from(passwordResets).where(eq(passwordResets.userId, p.id));
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeGreaterThan(RESET_TTL_MS - 5000);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThanOrEqual(RESET_TTL_MS + 5000);
    vi.useFakeTimers({ now: Date.now() + RESET_TTL_MS + 1000, toFake: ["Date"] });
    try {
      expect((await findPasswordReset(s.db, token))!.state).toBe("expired");
      const before = await hashOf(p.id);
      expect(await code(resetPassword(s.db, { token, password: "too-late-password" }, null))).toBe("conflict");
      expect(await hashOf(p.id)).toBe(before);
    } finally {
      vi.useRealTimers();
    }
  });

  it("throttles per email (known or not alike) and per address", async () => {
    const box = outbox();
    for (let i = 0; i < 3; i++) expect(await code(requestPasswordReset(s.db, { email: "ghost@demo.test" }, `192.0.2.${i}`, { send: box.send, wait: true }))).toBe("ok");
    expect(await code(requestPasswordReset(s.db, { email: "ghost@demo.test" }, "192.0.2.50", { send: box.send, wait: true }))).toBe("rate_limited");
    for (let i = 0; i < 10; i++) expect(await code(requestPasswordReset(s.db, { email: `ghost${i}@demo.test` }, "192.0.2.99", { send: box.send, wait: true }))).toBe("ok");
    expect(await code(requestPasswordReset(s.db, { email: "ghost-last@demo.test" }, "192.0.2.99", { send: box.send, wait: true }))).toBe("rate_limited");
  });

  it("lets exactly three of twelve simultaneous requests for one email through (counted in the database)", async () => {
    const box = outbox();
    const codes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => code(requestPasswordReset(s.db, { email: "race@demo.test" }, `198.51.100.${i}`, { send: box.send, wait: true }))),
    );
    expect(codes.filter((c) => c === "ok")).toHaveLength(3);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(9);
  });

  it("sends nothing to a member single sign-on covers, and refuses their link at use", async () => {
    const p = await person("developer", "other");
    const box = outbox();
    await requestPasswordReset(s.db, { email: p.email }, null, { send: box.send, wait: true });
    const token = box.token();
    await s.db.insert(ssoConnections).values({ orgId: s.seed.orgs.other!, issuer: "https://idp.example.test", clientId: "c", clientSecretEnc: "x", domains: ["sso-only.test"], defaultRole: "developer", enforced: true });
    try {
      await requestPasswordReset(s.db, { email: p.email }, null, { send: box.send, wait: true });
      expect(box.mails).toHaveLength(1);
      const before = await hashOf(p.id);
      expect(await code(resetPassword(s.db, { token, password: "around-sso-password" }, null))).toBe("forbidden");
      expect(await hashOf(p.id)).toBe(before);
      expect((await findPasswordReset(s.db, token))!.state).toBe("valid");
      const admin = await s.otherAdmin();
      expect(await code(issueResetLink(admin, p.id))).toBe("conflict");
    } finally {
      await s.db.delete(ssoConnections).where(eq(ssoConnections.orgId, s.seed.orgs.other!));
    }
  });
});

describe("a reset link an owner or admin issues", () => {
  it("works once, is audited without the token, and follows the members rules", async () => {
    const member = await person("developer");
    const owner2 = await person("owner");
    const admin = await s.as("admin");
    const owner = await s.as("owner");
    const link = await issueResetLink(admin, member.id);
    expect(link.path).toBe(`/reset-password/${link.token}`);
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "member.password_reset_link"), eq(auditLog.objectId, member.id)));
    expect(entry!.changes).toMatchObject({ email: member.email });
    expect(JSON.stringify(entry)).not.toContain(link.token.split(".")[1]!);
    expect(await code(resetPassword(s.db, { token: link.token, password: "short" }, null))).toBe("invalid_input");
    expect(await code(resetPassword(s.db, { token: link.token, password: "from-the-admin-link" }, null))).toBe("ok");
    expect(await verifyPassword(await hashOf(member.id), "from-the-admin-link")).toBe(true);
    expect(await code(resetPassword(s.db, { token: link.token, password: "from-the-admin-again" }, null))).toBe("conflict");

    // Admins not for owners; owners may; nobody for themselves; other roles not at all; no one outside the org.
    expect(await code(issueResetLink(admin, owner2.id))).toBe("forbidden");
    expect(await code(issueResetLink(owner, owner2.id))).toBe("ok");
    expect(await code(issueResetLink(owner, owner.actor.userId))).toBe("conflict");
    expect(await code(issueResetLink(await s.as("reviewer"), member.id))).toBe("forbidden");
    expect(await code(issueResetLink(await s.otherAdmin(), member.id))).toBe("not_found");
    expect(await code(issueResetLink(admin, "usr_nonsense"))).toBe("not_found");
  });

  it("is refused for someone who also belongs to an organization the issuer does not manage", async () => {
    const both = await person("developer");
    await s.db.insert(memberships).values({ orgId: s.seed.orgs.other!, userId: both.id, role: "admin" });
    expect(await code(issueResetLink(await s.as("owner"), both.id))).toBe("forbidden");
  });
});

describe("the reset email, through a real SMTP server", () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startTestSmtp();
  });
  afterAll(() => smtp.close());

  it("delivers a link to the console that resets the password once", async () => {
    const p = await person("analyst");
    await requestPasswordReset(s.db, { email: p.email }, "198.51.100.20", { wait: true });
    const mail = smtp.received.find((m) => m.to.includes(p.email))!;
    expect(mail.body).toContain("Subject: Reset your Atrium password");
    const url = mail.body.match(/https:\/\/console\.example\.test\/reset-password\/([A-Za-z0-9_.-]+)/);
    expect(url).toBeTruthy();
    expect(await code(resetPassword(s.db, { token: url![1]!, password: "mailed-link-password" }, null))).toBe("ok");
    expect(await verifyPassword(await hashOf(p.id), "mailed-link-password")).toBe(true);
    expect(await code(resetPassword(s.db, { token: url![1]!, password: "mailed-link-again" }, null))).toBe("conflict");
  });

  it("without SMTP_URL, asks for an administrator instead (409) and writes nothing", async () => {
    const saved = process.env.SMTP_URL;
    delete process.env.SMTP_URL;
    try {
      const p = await person("analyst");
      expect(await code(requestPasswordReset(s.db, { email: p.email }, null))).toBe("conflict");
      expect(await s.db.select().from(passwordResets).where(eq(passwordResets.userId, p.id))).toEqual([]);
    } finally {
      process.env.SMTP_URL = saved;
    }
  });
});
