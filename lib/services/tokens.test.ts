import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { authenticateBearer } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { useSeededDb } from "@/test/seeded";
import { changeRole, removeMember } from "./members";
import { createToken, listTokens, revokeToken } from "./tokens";
import { can } from "@/lib/authz/context";

const s = useSeededDb();

async function authCode(token: string): Promise<string> {
  try {
    await authenticateBearer(s.db, `Bearer ${token}`, null);
    return "ok";
  } catch (e) {
    return e instanceof AppError ? e.code : "throw";
  }
}

describe("API tokens", () => {
  it("are shown once and stored only as a hash", async () => {
    const admin = await s.as("admin");
    const t = await createToken(admin, { name: "ci", expiresInDays: 30, scope: "role" });
    expect(t.token).toMatch(/^atr_/);
    const rows = await listTokens(admin);
    const row = rows.find((r) => r.id === t.id)!;
    expect(JSON.stringify(row)).not.toContain(t.token);
    const ctx = await authenticateBearer(s.db, `Bearer ${t.token}`, null);
    expect(ctx.role).toBe("admin");
    expect(ctx.org.slug).toBe("demo");
  });

  it("seeded tokens act with the user's role in their organization", async () => {
    expect((await authenticateBearer(s.db, "Bearer t_reviewer_demo", null)).role).toBe("reviewer");
    expect((await authenticateBearer(s.db, "Bearer t_admin_other", null)).org.slug).toBe("other");
    expect(await authCode("t_nobody_demo")).toBe("unauthenticated");
  });

  it("developers get developer-scope tokens only, and see only their own", async () => {
    const dev = await s.as("developer");
    const t = await createToken(dev, { name: "mine", expiresInDays: 7, scope: "role" });
    expect(t.scope).toBe("developer");
    expect((await listTokens(dev)).every((r) => r.userId === dev.actor.userId)).toBe(true);
    expect((await listTokens(await s.as("admin"))).length).toBeGreaterThan(1);
  });

  it("a developer-scope token never has more than developer rights", async () => {
    const owner = await s.as("owner");
    const t = await createToken(owner, { name: "dev-scope", expiresInDays: 7, scope: "developer" });
    const ctx = await authenticateBearer(s.db, `Bearer ${t.token}`, null);
    expect(ctx.role).toBe("owner");
    expect(can(ctx, "audit.view")).toBe(false);
    expect(can(ctx, "miniPrograms.write")).toBe(true);
  });

  it("revoked tokens stop at once; revoking twice is a conflict", async () => {
    const admin = await s.as("admin");
    const t = await createToken(admin, { name: "short", expiresInDays: 1, scope: "role" });
    await revokeToken(admin, t.id);
    expect(await authCode(t.token)).toBe("unauthenticated");
    await expect(revokeToken(admin, t.id)).rejects.toMatchObject({ code: "conflict" });
  });

  it("a developer cannot revoke someone else's token; another org cannot see it", async () => {
    const admin = await s.as("admin");
    const t = await createToken(admin, { name: "admin's", expiresInDays: 1, scope: "role" });
    await expect(revokeToken(await s.as("developer"), t.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeToken(await s.otherAdmin(), t.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await authCode(t.token)).toBe("ok");
  });

  it("lowering a role or removing the member acts on the token's next use", async () => {
    const owner = await s.as("owner");
    const reviewerId = s.seed.users["reviewer@demo.test"]!;
    await changeRole(owner, { userId: reviewerId, role: "analyst" });
    expect((await authenticateBearer(s.db, "Bearer t_reviewer_demo", null)).role).toBe("analyst");
    await removeMember(owner, { userId: reviewerId });
    expect(await authCode("t_reviewer_demo")).toBe("unauthenticated");
  });

  it("a disabled user's tokens stop on their next use", async () => {
    const analystId = s.seed.users["analyst@demo.test"]!;
    expect(await authCode("t_analyst_demo")).toBe("ok");
    await s.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, analystId));
    expect(await authCode("t_analyst_demo")).toBe("unauthenticated");
    await s.db.update(users).set({ disabledAt: null }).where(eq(users.id, analystId));
    expect(await authCode("t_analyst_demo")).toBe("ok");
  });

  it("rejects malformed authorization headers", async () => {
    for (const h of [null, "", "Basic abc", "Bearer", `Bearer ${"x".repeat(600)}`]) {
      await expect(authenticateBearer(s.db, h, null)).rejects.toMatchObject({ code: "unauthenticated" });
    }
  });
});
