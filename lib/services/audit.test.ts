import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useSeededDb } from "@/test/seeded";
import { toCsv } from "@/lib/csv";
import { auditCsv, listAudit } from "./audit";
import { createToken } from "./tokens";

const s = useSeededDb();

describe("audit log", () => {
  it("pages newest first with a cursor, without gaps or repeats", async () => {
    const admin = await s.as("admin");
    for (let i = 0; i < 5; i++) await createToken(admin, { name: `t${i}`, expiresInDays: 1, scope: "role" });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAudit(admin, {}, { limit: 3, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort().reverse()).toEqual(seen);
    const all = await s.db.execute(sql`select count(*)::int as n from audit_log where org_id = ${admin.org.id}`);
    const rows = (all as unknown as { rows?: { n: number }[] }).rows ?? (all as unknown as { n: number }[]);
    expect(seen.length).toBe(rows[0]!.n);
  });

  it("filters by action and actor, and never shows another organization's entries", async () => {
    const admin = await s.as("admin");
    const page = await listAudit(admin, { action: "token.create", actor: "admin@demo" }, { limit: 50 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((i) => i.action === "token.create" && i.actor.label?.includes("admin@demo.test"))).toBe(true);
    const other = await listAudit(await s.otherAdmin(), {}, { limit: 200 });
    expect(other.items.every((i) => !JSON.stringify(i).includes("com.demo.weather"))).toBe(true);
  });

  it("is for owners and admins only", async () => {
    for (const role of ["reviewer", "developer", "analyst"] as const) {
      await expect(listAudit(await s.as(role), {}, { limit: 1 })).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("exports CSV with formula injection neutralised", async () => {
    expect(toCsv(["a", "b"], [["=HYPERLINK(1)", 'x,"y"']])).toBe('a,b\r\n\'=HYPERLINK(1),"x,""y"""\r\n');
    let csv = "";
    for await (const chunk of auditCsv(await s.as("owner"), {})) csv += chunk;
    expect(csv.split("\r\n")[0]).toBe("at,actor_type,actor,action,object_type,object_id,ip,changes");
    expect(csv).toContain("host.create");
  });
});
