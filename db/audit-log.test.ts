// The audit log cannot be altered: the database itself refuses UPDATE, DELETE and TRUNCATE on it (migration 0004),
// on PGlite and on PostgreSQL alike, whatever the application does.
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestDb } from "@/test/db";
import { auditLog, organizations } from "./schema";
import { newId } from "@/lib/ids";

const box = useTestDb();

async function seedEntry() {
  const db = box.handle.db;
  const orgId = newId("org");
  await db.insert(organizations).values({ id: orgId, slug: `o-${orgId.slice(-8)}`, name: "Audit test" });
  const id = newId("aud");
  await db.insert(auditLog).values({ orgId, id, actorType: "system", action: "test.entry", objectType: "test" });
  return { orgId, id };
}

async function sqlState(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    return err.cause?.code ?? err.code;
  }
}

describe("audit_log is append-only", () => {
  it("refuses UPDATE and keeps the row as written", async () => {
    const { id } = await seedEntry();
    const db = box.handle.db;
    expect(await sqlState(db.update(auditLog).set({ action: "tampered" }).where(eq(auditLog.id, id)))).toBe("42501");
    const [row] = await db.select().from(auditLog).where(eq(auditLog.id, id));
    expect(row?.action).toBe("test.entry");
  });

  it("refuses DELETE", async () => {
    const { id } = await seedEntry();
    const db = box.handle.db;
    expect(await sqlState(db.delete(auditLog).where(eq(auditLog.id, id)))).toBe("42501");
    expect(await db.select().from(auditLog).where(eq(auditLog.id, id))).toHaveLength(1);
  });

  it("refuses TRUNCATE", async () => {
    await seedEntry();
    const db = box.handle.db;
    expect(await sqlState(db.execute(sql`TRUNCATE audit_log`))).toBe("42501");
    const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(auditLog)) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
  });

  it("still accepts new entries", async () => {
    const { id } = await seedEntry();
    expect(await box.handle.db.select().from(auditLog).where(eq(auditLog.id, id))).toHaveLength(1);
  });
});
