// Audit entries read as names with links, resolved within the reader's organization only.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hostApps, miniPrograms, versions } from "@/db/schema";
import { useSeededDb } from "@/test/seeded";
import { auditObjectKey, describeAuditObjects } from "./audit-objects";

const s = useSeededDb();

describe("describeAuditObjects", () => {
  it("names hosts, mini-programs and versions and links to their pages", async () => {
    const ctx = await s.as("admin");
    const [host] = await s.db.select().from(hostApps).where(eq(hostApps.orgId, ctx.org.id)).limit(1);
    const [v] = await s.db.select().from(versions).where(eq(versions.orgId, ctx.org.id)).limit(1);
    const [mp] = await s.db.select().from(miniPrograms).where(and(eq(miniPrograms.orgId, ctx.org.id), eq(miniPrograms.id, v!.miniProgramId)));
    const refs = await describeAuditObjects(ctx, [
      { objectType: "host_app", objectId: host!.id },
      { objectType: "version", objectId: v!.id },
      { objectType: "mini_program", objectId: mp!.id },
      { objectType: "member", objectId: s.seed.users["developer@demo.test"]! },
    ]);
    expect(refs.get(auditObjectKey("host_app", host!.id))).toEqual({ label: host!.name, href: `/o/demo/hosts/${host!.id}` });
    expect(refs.get(auditObjectKey("version", v!.id))).toEqual({ label: `${mp!.name} ${v!.version}`, href: `/o/demo/mini-programs/${v!.appId}/versions/${v!.id}` });
    expect(refs.get(auditObjectKey("mini_program", mp!.id))).toEqual({ label: mp!.name, href: `/o/demo/mini-programs/${mp!.appId}` });
    expect(refs.get(auditObjectKey("member", s.seed.users["developer@demo.test"]!))?.label).toBe("developer@demo.test");
  });

  it("does not resolve another organization's objects", async () => {
    const theirs = await s.otherAdmin();
    const [foreign] = await s.db.select().from(hostApps).where(eq(hostApps.orgId, theirs.org.id)).limit(1);
    expect(foreign).toBeDefined();
    const refs = await describeAuditObjects(await s.as("admin"), [{ objectType: "host_app", objectId: foreign!.id }]);
    expect(refs.size).toBe(0);
  });

  it("leaves unknown types and missing ids unresolved without querying for them", async () => {
    const refs = await describeAuditObjects(await s.as("admin"), [
      { objectType: "invitation", objectId: "inv_x" },
      { objectType: "host_app", objectId: null },
    ]);
    expect(refs.size).toBe(0);
  });
});
