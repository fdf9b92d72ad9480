// Sessions (issue 15 item 5): a person sees and ends only their own sessions; "sign out everywhere else" keeps the one
// in use; owners and admins end a member's sessions (admins not an owner's), each audited in the organization.
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, sessions, type Role } from "@/db/schema";
import { loadOrgContext } from "@/lib/authz/context";
import { newId } from "@/lib/ids";
import { useSeededDb } from "@/test/seeded";
import { endMemberSessions, listMySessions, revokeMyOtherSessions, revokeMySession } from "./sessions";

const s = useSeededDb();
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

async function open(email: string, extra: Partial<typeof sessions.$inferInsert> = {}) {
  const id = newId("ses");
  await s.db.insert(sessions).values({ id, userId: s.seed.users[email]!, expiresAt: new Date(Date.now() + 3600_000), userAgent: CHROME_MAC, ip: "198.51.100.7", ...extra });
  return id;
}

/** The member signed in on session `sid`, as the console's pages and actions see them. */
async function as(role: Role, sid: string, org = "demo") {
  const email = org === "demo" ? `${role}@demo.test` : "admin@other.test";
  return loadOrgContext(s.db, { slug: org }, { type: "user", userId: s.seed.users[email]!, email, name: email, sessionId: sid }, "127.0.0.1");
}

const isLive = async (id: string) => (await s.db.select().from(sessions).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))).length === 1;

async function code(p: Promise<unknown>) {
  try {
    await p;
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

describe("a person's own sessions", () => {
  it("lists only their live sessions, this one marked, with the device, address and how they signed in", async () => {
    const here = await open("reviewer@demo.test");
    const phone = await open("reviewer@demo.test", { method: "sso", ssoOrgId: s.seed.orgs.demo, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" });
    await open("reviewer@demo.test", { revokedAt: new Date() });
    await open("reviewer@demo.test", { expiresAt: new Date(Date.now() - 1000) });
    await open("analyst@demo.test");
    const list = await listMySessions(await as("reviewer", here));
    expect(list.map((x) => x.id).sort()).toEqual([here, phone].sort());
    expect(list.find((x) => x.id === here)).toMatchObject({ current: true, method: "password", ip: "198.51.100.7", device: { browser: "Chrome", os: "macOS", mobile: false } });
    expect(list.find((x) => x.id === phone)).toMatchObject({ current: false, method: "sso", ssoOrganization: "Demo Enterprise", device: { browser: "Safari", os: "iOS", mobile: true } });
  });

  it("signs out one other session; never someone else's, nor the one in use", async () => {
    const here = await open("developer@demo.test");
    const laptop = await open("developer@demo.test");
    const theirs = await open("analyst@demo.test");
    const ctx = await as("developer", here);
    expect(await code(revokeMySession(ctx, theirs))).toBe("not_found");
    expect(await isLive(theirs)).toBe(true);
    expect(await code(revokeMySession(ctx, here))).toBe("conflict");
    expect(await code(revokeMySession(ctx, "ses_nope"))).toBe("not_found");
    expect(await revokeMySession(ctx, laptop)).toEqual({ id: laptop });
    expect(await isLive(laptop)).toBe(false);
    expect(await code(revokeMySession(ctx, laptop))).toBe("not_found");
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "session.revoke")));
    expect(entry!.changes).toMatchObject({ sessions: 1, device: "Chrome on macOS", address: "198.51.100.7" });
  });

  it("signs out everywhere else and keeps this browser signed in; other people's sessions are untouched", async () => {
    const here = await open("analyst@demo.test");
    const others = [await open("analyst@demo.test"), await open("analyst@demo.test")];
    const someoneElse = await open("admin@demo.test");
    const r = await revokeMyOtherSessions(await as("analyst", here));
    expect(r.ended).toBeGreaterThanOrEqual(2);
    expect(await isLive(here)).toBe(true);
    for (const o of others) expect(await isLive(o)).toBe(false);
    expect(await isLive(someoneElse)).toBe(true);
  });
});

describe("ending a member's sessions", () => {
  it("owners and admins end every session of a member, at once", async () => {
    const a = await open("analyst@demo.test");
    const b = await open("analyst@demo.test", { method: "sso", ssoOrgId: s.seed.orgs.demo });
    const r = await endMemberSessions(await as("admin", await open("admin@demo.test")), s.seed.users["analyst@demo.test"]!);
    expect(r.ended).toBeGreaterThanOrEqual(2);
    expect([await isLive(a), await isLive(b)]).toEqual([false, false]);
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "member.sessions_end")));
    expect(entry).toMatchObject({ objectType: "member", objectId: s.seed.users["analyst@demo.test"] });
  });

  it("admins cannot end an owner's sessions; owners can", async () => {
    const ownerSession = await open("owner@demo.test");
    expect(await code(endMemberSessions(await as("admin", await open("admin@demo.test")), s.seed.users["owner@demo.test"]!))).toBe("forbidden");
    expect(await isLive(ownerSession)).toBe(true);
    const adminSession = await open("admin@demo.test");
    expect((await endMemberSessions(await as("owner", ownerSession), s.seed.users["admin@demo.test"]!)).ended).toBeGreaterThanOrEqual(1);
    expect(await isLive(adminSession)).toBe(false);
  });

  it("another organization's person answers like a missing member; oneself is the sessions page's job; other roles may not", async () => {
    const otherSession = await open("admin@other.test");
    const owner = await as("owner", await open("owner@demo.test"));
    expect(await code(endMemberSessions(owner, s.seed.users["admin@other.test"]!))).toBe("not_found");
    expect(await isLive(otherSession)).toBe(true);
    expect(await code(endMemberSessions(owner, s.seed.users["owner@demo.test"]!))).toBe("conflict");
    for (const role of ["reviewer", "developer", "analyst"] as const) {
      expect(await code(endMemberSessions(await as(role, await open(`${role}@demo.test`)), s.seed.users["admin@demo.test"]!))).toBe("forbidden");
    }
  });
});
