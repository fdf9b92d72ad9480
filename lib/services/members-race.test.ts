// Issue 12, item 9: two owners demoting (or removing) each other at once. One wins; the other is told the
// last owner must stay (409 conflict), never a deadlock's 500. On PostgreSQL the two really run at once.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships } from "@/db/schema";
import { toErrorBody } from "@/lib/errors";
import { contextFor, useSeededDb } from "@/test/seeded";
import { changeRole, removeMember } from "./members";

const s = useSeededDb();

async function setRole(email: string, role: "owner" | "admin") {
  const org = (await s.as("owner")).org.id;
  await s.db.update(memberships).set({ role }).where(and(eq(memberships.orgId, org), eq(memberships.userId, s.seed.users[email]!)));
}

/** The public answer each attempt gets: its status and code, as the API and actions would send it. */
async function answers(ps: Promise<unknown>[]): Promise<string[]> {
  const settled = await Promise.allSettled(ps);
  return settled.map((r) => {
    if (r.status === "fulfilled") return "ok";
    const { status, body } = toErrorBody(r.reason);
    return `${status} ${body.error.code}`;
  });
}

describe("owners racing to demote each other", () => {
  for (const round of [1, 2, 3, 4, 5]) {
    it(`round ${round}: exactly one demotion wins, the other is 409 conflict`, async () => {
      await setRole("owner@demo.test", "owner");
      await setRole("admin@demo.test", "owner");
      const a = await contextFor(s.db, s.seed, "owner@demo.test", "demo");
      const b = await contextFor(s.db, s.seed, "admin@demo.test", "demo");
      const out = await answers([
        changeRole(a, { userId: s.seed.users["admin@demo.test"]!, role: "admin" }),
        changeRole(b, { userId: s.seed.users["owner@demo.test"]!, role: "admin" }),
      ]);
      expect(out.sort()).toEqual(["409 conflict", "ok"]);
      const owners = await s.db.select().from(memberships).where(and(eq(memberships.orgId, a.org.id), eq(memberships.role, "owner")));
      expect(owners).toHaveLength(1);
    });
  }

  it("removal racing demotion: one wins, the organization keeps an owner", async () => {
    await setRole("owner@demo.test", "owner");
    await setRole("admin@demo.test", "owner");
    const a = await contextFor(s.db, s.seed, "owner@demo.test", "demo");
    const b = await contextFor(s.db, s.seed, "admin@demo.test", "demo");
    const out = await answers([
      removeMember(a, { userId: s.seed.users["admin@demo.test"]! }),
      changeRole(b, { userId: s.seed.users["owner@demo.test"]!, role: "admin" }),
    ]);
    expect(out.sort()).toEqual(["409 conflict", "ok"]);
    const owners = await s.db.select().from(memberships).where(and(eq(memberships.orgId, a.org.id), eq(memberships.role, "owner")));
    expect(owners).toHaveLength(1);
  });
});

describe("database serialization failures and deadlocks", () => {
  it.each(["40001", "40P01"])("SQLSTATE %s answers 409 conflict, never internal", (code) => {
    const err = Object.assign(new Error("could not serialize access"), { code });
    expect(toErrorBody(err).status).toBe(409);
    expect(toErrorBody(err).body.error.code).toBe("conflict");
    // drizzle wraps the driver's error: the code is on its cause.
    expect(toErrorBody(Object.assign(new Error("Failed query"), { cause: err })).body.error.code).toBe("conflict");
  });
});
