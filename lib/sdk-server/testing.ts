// Test fixture for host apps and the SDK API: two organizations, one member per role, API tokens, and
// contexts built the way requests build them. Kept apart from db/seed.ts so these tests do not depend on
// the demo's contents.
import type { Db } from "@/db";
import { apiTokens, credentialIndex, memberships, organizations, users, ROLES, type Role } from "@/db/schema";
import { loadOrgContext, type OrgContext } from "@/lib/authz/context";
import { sha256Hex } from "@/lib/crypto/hash";
import { newId } from "@/lib/ids";

export type HostFixture = {
  orgs: { demo: string; other: string };
  /** User ids in Demo by role, and Other's admin. */
  users: Record<Role, string> & { otherAdmin: string };
  /** Bearer tokens: `<role>` in Demo, `otherAdmin`, and `adminDevScope` (an admin's developer-scope token). */
  tokens: Record<Role | "otherAdmin" | "adminDevScope", string>;
  ctx(who: Role | "otherAdmin", opts?: { scope?: "role" | "developer" }): Promise<OrgContext>;
};

export async function seedHostFixture(db: Db): Promise<HostFixture> {
  const demo = newId("org");
  const other = newId("org");
  await db.insert(organizations).values([
    { id: demo, slug: `demo-${demo.slice(-6)}`, name: "Demo Enterprise" },
    { id: other, slug: `other-${other.slice(-6)}`, name: "Other Corp" },
  ]);
  const people: { key: Role | "otherAdmin"; orgId: string; role: Role; email: string }[] = [
    // "role.xxxxxx": a dot, not a hyphen, so no email holds "-1" or "_", which the hostile sweep searches for
    // literally and must find nowhere (a hyphen then a digit came up once in 32 random ids).
    ...ROLES.map((role) => ({ key: role, orgId: demo, role, email: `${role}.${demo.slice(-6)}@demo.test` })),
    { key: "otherAdmin" as const, orgId: other, role: "admin" as const, email: `admin.${other.slice(-6)}@other.test` },
  ];
  const userIds = {} as HostFixture["users"];
  const tokens = {} as HostFixture["tokens"];
  const addToken = async (orgId: string, userId: string, scope: "role" | "developer") => {
    const value = `t_${newId("tok")}`;
    const id = newId("tok");
    await db.insert(apiTokens).values({ orgId, id, userId, name: "test", scope, tokenHash: sha256Hex(value), hint: value.slice(0, 8) });
    await db.insert(credentialIndex).values({ lookup: sha256Hex(value), kind: "api_token", orgId, refId: id });
    return value;
  };
  for (const p of people) {
    const id = newId("usr");
    userIds[p.key] = id;
    await db.insert(users).values({ id, email: p.email, name: p.key, passwordHash: "unused" });
    await db.insert(memberships).values({ orgId: p.orgId, userId: id, role: p.role });
    tokens[p.key] = await addToken(p.orgId, id, p.role === "developer" ? "developer" : "role");
  }
  tokens.adminDevScope = await addToken(demo, userIds.admin, "developer");
  const emailOf = (key: Role | "otherAdmin") => people.find((p) => p.key === key)!.email;
  return {
    orgs: { demo, other },
    users: userIds,
    tokens,
    ctx: (who, opts = {}) => {
      const userId = userIds[who];
      const actor =
        opts.scope === undefined
          ? ({ type: "user", userId, email: emailOf(who), name: who, sessionId: "ses_test" } as const)
          : ({ type: "token", userId, email: emailOf(who), name: who, tokenId: "tok_test", scope: opts.scope } as const);
      return loadOrgContext(db, { id: who === "otherAdmin" ? other : demo }, actor, "203.0.113.7");
    },
  };
}
