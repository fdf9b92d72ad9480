// `npm run org:create` (issue 20 item 1): the operator's command, through the same service as the console.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, memberships, organizations, users } from "@/db/schema";
import { verifyPassword } from "@/lib/auth/password";
import { useSeededDb } from "@/test/seeded";
import { orgCreate } from "./org-create";

const s = useSeededDb();

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await orgCreate(argv, s.db, { out: (l) => out.push(l), err: (l) => err.push(l), env: { PORT: "3311" } });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const roleIn = async (slug: string, email: string) =>
  (
    await s.db
      .select({ role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.orgId))
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(organizations.slug, slug), eq(users.email, email)))
  )[0]?.role;

describe("npm run org:create", () => {
  it("creates an organization for an existing person, who becomes its owner, also with ALLOW_ORG_CREATION=0", async () => {
    process.env.ALLOW_ORG_CREATION = "0";
    try {
      const r = await run(["--name", "Acme", "--owner", "Analyst@Demo.test", "--slug", "acme-ops"]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(r.out).toContain("http://localhost:3311/o/acme-ops");
      expect(r.out).not.toContain("one-time password");
      expect(await roleIn("acme-ops", "analyst@demo.test")).toBe("owner");
      const [org] = await s.db.select().from(organizations).where(eq(organizations.slug, "acme-ops"));
      const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, org!.id), eq(auditLog.action, "organization.create")));
      expect(entry?.changes).toMatchObject({ via: "command line", owner: "analyst@demo.test" });
    } finally {
      delete process.env.ALLOW_ORG_CREATION;
    }
  });

  it("makes the owner's account when missing, with a one-time password printed once that signs them in", async () => {
    const r = await run(["--name", "Globex Corporation", "--owner", "ops@globex.test", "--owner-name", "Globex Ops"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('(slug globex-corporation)');
    const password = /shown only now: (\S+)/.exec(r.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const [u] = await s.db.select().from(users).where(eq(users.email, "ops@globex.test"));
    expect(u?.name).toBe("Globex Ops");
    expect(await verifyPassword(u!.passwordHash, password!)).toBe(true);
    expect(await roleIn("globex-corporation", "ops@globex.test")).toBe("owner");
  });

  it("refuses a taken, reserved or malformed slug and wrong usage, leaving no account or organization behind", async () => {
    const before = (await s.db.select().from(organizations)).length;
    expect((await run(["--name", "Dup", "--owner", "dup@nowhere.test", "--slug", "demo"])).code).toBe(1);
    expect((await run(["--name", "Res", "--owner", "dup@nowhere.test", "--slug", "admin"])).code).toBe(1);
    expect((await run(["--name", "Bad", "--owner", "dup@nowhere.test", "--slug", "Bad Slug"])).code).toBe(1);
    expect((await run(["--owner", "dup@nowhere.test"])).code).toBe(2);
    expect((await run(["--name", "X", "--owner", "not-an-email"])).code).toBe(2);
    expect((await run(["--name", "X", "--owner", "a@b.test", "--colour", "red"])).code).toBe(2);
    expect((await run(["--help"])).out).toContain("Usage: npm run org:create");
    expect((await s.db.select().from(organizations)).length).toBe(before);
    expect(await s.db.select().from(users).where(eq(users.email, "dup@nowhere.test"))).toEqual([]);
  });
});
