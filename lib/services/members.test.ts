import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, memberships } from "@/db/schema";
import { acceptInvitation, changeRole, findInvitation, inviteMember, listMembers, removeMember } from "./members";
import { useSeededDb } from "@/test/seeded";
import { AppError } from "@/lib/errors";
import { loadOrgContext } from "@/lib/authz/context";

const s = useSeededDb();

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

describe("members", () => {
  it("lists only the organization's members", async () => {
    const demo = await listMembers(await s.as("analyst"));
    expect(demo.map((m) => m.email).sort()).toEqual(["admin@demo.test", "analyst@demo.test", "developer@demo.test", "owner@demo.test", "reviewer@demo.test"]);
    const other = await listMembers(await s.otherAdmin());
    expect(other.map((m) => m.email)).toEqual(["admin@other.test"]);
  });

  it.each([
    ["owner", "ok"],
    ["admin", "ok"],
    ["reviewer", "forbidden"],
    ["developer", "forbidden"],
    ["analyst", "forbidden"],
  ] as const)("%s inviting a developer: %s", async (role, expected) => {
    expect(await code(inviteMember(await s.as(role), { email: `new-${role}@demo.test`, role: "developer" }))).toBe(expected);
  });

  it("admins cannot make owners or touch owners", async () => {
    const admin = await s.as("admin");
    expect(await code(inviteMember(admin, { email: "boss@demo.test", role: "owner" }))).toBe("forbidden");
    expect(await code(changeRole(admin, { userId: s.seed.users["owner@demo.test"]!, role: "analyst" }))).toBe("forbidden");
    expect(await code(removeMember(admin, { userId: s.seed.users["owner@demo.test"]! }))).toBe("forbidden");
  });

  it("the last owner cannot be demoted or removed", async () => {
    const owner = await s.as("owner");
    const ownerId = s.seed.users["owner@demo.test"]!;
    expect(await code(changeRole(owner, { userId: ownerId, role: "admin" }))).toBe("conflict");
    expect(await code(removeMember(owner, { userId: ownerId }))).toBe("conflict");
    const [row] = await s.db.select().from(memberships).where(eq(memberships.userId, ownerId));
    expect(row?.role).toBe("owner");
  });

  it("a role change is audited and takes effect on the next context load", async () => {
    const owner = await s.as("owner");
    const analystId = s.seed.users["analyst@demo.test"]!;
    await changeRole(owner, { userId: analystId, role: "reviewer" });
    expect((await s.as("analyst")).role).toBe("reviewer");
    const entries = await s.db.select().from(auditLog).where(eq(auditLog.action, "member.role_change"));
    expect(entries.at(-1)?.changes).toMatchObject({ from: "analyst", to: "reviewer" });
    await changeRole(owner, { userId: analystId, role: "analyst" });
  });

  it("a foreign member answers not_found", async () => {
    expect(await code(changeRole(await s.otherAdmin(), { userId: s.seed.users["developer@demo.test"]!, role: "analyst" }))).toBe("not_found");
  });

  it("an invitation creates an account once, and only once", async () => {
    const admin = await s.as("admin");
    const inv = await inviteMember(admin, { email: "newcomer@demo.test", role: "analyst" });
    const view = await findInvitation(s.db, inv.token);
    expect(view).toMatchObject({ email: "newcomer@demo.test", role: "analyst", hasAccount: false, orgSlug: "demo" });
    expect(await findInvitation(s.db, inv.token.replace(/.$/, (c) => (c === "a" ? "b" : "a")))).toBeNull();
    const res = await acceptInvitation(s.db, { token: inv.token, name: "New Comer", password: "a-long-password-123" }, null, "127.0.0.1");
    const ctx = await loadOrgContext(s.db, { slug: "demo" }, { type: "user", userId: res.userId, email: "newcomer@demo.test", name: "N", sessionId: "x" }, null);
    expect(ctx.role).toBe("analyst");
    expect(await code(acceptInvitation(s.db, { token: inv.token, name: "Again", password: "a-long-password-123" }, null, null))).toBe("not_found");
  });

  it("two racing acceptances leave exactly one membership", async () => {
    const admin = await s.as("admin");
    const inv = await inviteMember(admin, { email: "racer@demo.test", role: "developer" });
    const results = await Promise.allSettled([
      acceptInvitation(s.db, { token: inv.token, name: "R1", password: "a-long-password-123" }, null, null),
      acceptInvitation(s.db, { token: inv.token, name: "R2", password: "a-long-password-123" }, null, null),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("an invitation for another email cannot be taken by a signed-in user", async () => {
    const inv = await inviteMember(await s.as("admin"), { email: "someone@demo.test", role: "developer" });
    const dev = { id: s.seed.users["developer@demo.test"]!, email: "developer@demo.test" };
    expect(await code(acceptInvitation(s.db, { token: inv.token }, dev, null))).toBe("forbidden");
  });
});
