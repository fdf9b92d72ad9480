import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, collaborators } from "@/db/schema";
import type { Role } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import { useSeededDb } from "@/test/seeded";
import {
  addCollaborator,
  appIdSchema,
  createMiniProgram,
  createMiniProgramInput,
  getMiniProgram,
  listCollaboratorCandidates,
  listCollaborators,
  listMiniPrograms,
  removeCollaborator,
  updateMiniProgram,
} from "./mini-programs";

withTempBlobStore();
const s = useSeededDb();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const appIds = async (role: Role, filter = {}) => (await listMiniPrograms(await s.as(role), { limit: 200 }, filter)).items.map((m) => m.appId).sort();

describe("appId", () => {
  it.each([
    ["com.demo.coupons", true],
    ["com.example.fixture", true],
    ["cn.acme-corp.pay2go", true],
    ["io.x", true],
    ["coupons", false],
    ["Com.Demo.Coupons", false],
    ["com..demo", false],
    [".com.demo", false],
    ["com.demo.", false],
    ["com.-demo.x", false],
    ["com.demo-.x", false],
    ["com.1demo.x", false],
    ["com.demo/coupons", false],
    ["com.demo coupons", false],
    ["com.de_mo.x", false],
    [`com.${"a".repeat(100)}`, false],
  ])("%s is %s", (appId, valid) => {
    expect(appIdSchema.safeParse(appId).success).toBe(valid);
  });
});

describe("reading mini-programs", () => {
  it.each<[Role, string[]]>([
    ["owner", ["com.demo.coupons", "com.demo.expenses", "com.demo.loyalty", "com.demo.parking", "com.demo.weather"]],
    ["admin", ["com.demo.coupons", "com.demo.expenses", "com.demo.loyalty", "com.demo.parking", "com.demo.weather"]],
    ["reviewer", ["com.demo.coupons", "com.demo.expenses", "com.demo.loyalty", "com.demo.parking", "com.demo.weather"]],
    ["analyst", ["com.demo.coupons", "com.demo.expenses", "com.demo.loyalty", "com.demo.parking", "com.demo.weather"]],
    // Developers see only what they collaborate on.
    ["developer", ["com.demo.coupons", "com.demo.expenses", "com.demo.parking"]],
  ])("%s lists %j", async (role, expected) => {
    expect(await appIds(role)).toEqual(expected);
  });

  it("searches name, appId and description, and filters by category", async () => {
    expect(await appIds("admin", { q: "park" })).toEqual(["com.demo.parking"]);
    expect(await appIds("admin", { q: "RECEIPTS" })).toEqual(["com.demo.expenses"]);
    expect(await appIds("admin", { category: "shopping" })).toEqual(["com.demo.coupons", "com.demo.loyalty"]);
    expect(await appIds("admin", { q: "coupons", category: "travel" })).toEqual([]);
    // LIKE wildcards are literal characters in a search.
    expect(await appIds("admin", { q: "%" })).toEqual([]);
  });

  it("shows each mini-program's newest version", async () => {
    const { items } = await listMiniPrograms(await s.as("admin"), { limit: 200 }, { q: "com.demo.coupons" });
    expect(items[0]!.latestVersion).toMatchObject({ version: "1.2.0", status: "in_review" });
  });

  it("pages with a cursor", async () => {
    const ctx = await s.as("admin");
    const first = await listMiniPrograms(ctx, { limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await listMiniPrograms(ctx, { limit: 10, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((m) => m.appId)).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
  });

  it("answers not_found for a mini-program a developer does not collaborate on, or another organization's", async () => {
    expect(await codeOf(getMiniProgram(await s.as("developer"), "com.demo.weather"))).toBe("not_found");
    expect(await codeOf(getMiniProgram(await s.otherAdmin(), "com.demo.weather"))).toBe("not_found");
    expect(await codeOf(getMiniProgram(await s.as("developer"), "../../etc"))).toBe("not_found");
    expect((await getMiniProgram(await s.as("developer"), "com.demo.coupons")).name).toBe("Coupons");
  });

  it("keeps organizations apart even where appIds are equal", async () => {
    const other = await s.otherAdmin();
    expect((await listMiniPrograms(other, { limit: 200 })).items.map((m) => m.appId)).toEqual(["com.demo.coupons"]);
    const mine = await getMiniProgram(other, "com.demo.coupons");
    const demo = await getMiniProgram(await s.as("admin"), "com.demo.coupons");
    expect(mine.id).not.toBe(demo.id);
  });
});

describe("creating and editing", () => {
  it("creates a mini-program; the creator becomes its first collaborator; the creation is audited", async () => {
    const dev = await s.as("developer");
    const input = createMiniProgramInput.parse({ appId: "com.demo.tickets", name: "Tickets", category: "entertainment", description: "Events." });
    const mp = await createMiniProgram(dev, input);
    expect(mp).toMatchObject({ appId: "com.demo.tickets", name: "Tickets", category: "entertainment" });
    expect((await listCollaborators(dev, "com.demo.tickets")).map((c) => c.email)).toEqual(["developer@demo.test"]);
    expect(await appIds("developer")).toContain("com.demo.tickets");
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "mini_program.create"), eq(auditLog.objectId, mp.id)));
    expect(entry).toMatchObject({ actorType: "user", actorLabel: "developer@demo.test", orgId: s.seed.orgs.demo });
  });

  it("answers conflict for an appId the organization already has, and allows it in another organization", async () => {
    const input = createMiniProgramInput.parse({ appId: "com.demo.weather", name: "Weather 2" });
    expect(await codeOf(createMiniProgram(await s.as("admin"), input))).toBe("conflict");
    // Other Corp has com.demo.coupons but not com.demo.weather.
    expect(await codeOf(createMiniProgram(await s.otherAdmin(), input))).toBe("ok");
  });

  it.each<[Role, string]>([
    ["owner", "ok"],
    ["admin", "ok"],
    ["developer", "ok"],
    ["reviewer", "forbidden"],
    ["analyst", "forbidden"],
  ])("%s creating: %s", async (role, expected) => {
    const input = createMiniProgramInput.parse({ appId: `com.demo.matrix-${role}`, name: role });
    expect(await codeOf(createMiniProgram(await s.as(role), input))).toBe(expected);
  });

  it("edits name, category and description, auditing what changed", async () => {
    const dev = await s.as("developer");
    const mp = await updateMiniProgram(dev, "com.demo.expenses", { name: "Expenses Pro", category: "finance" });
    expect(mp).toMatchObject({ name: "Expenses Pro", category: "finance" });
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "mini_program.update"), eq(auditLog.objectId, mp.id)));
    expect(entry!.changes).toMatchObject({ name: { from: "Expenses", to: "Expenses Pro" }, category: { from: "business", to: "finance" } });
    expect(await codeOf(updateMiniProgram(dev, "com.demo.weather", { name: "Mine now" }))).toBe("not_found");
    expect(await codeOf(updateMiniProgram(await s.as("analyst"), "com.demo.expenses", { name: "x" }))).toBe("forbidden");
  });
});

describe("collaborators", () => {
  it("owners and admins add and remove collaborators; a developer gains and loses reach with it", async () => {
    const admin = await s.as("admin");
    const dev = await s.as("developer");
    expect(await codeOf(getMiniProgram(dev, "com.demo.loyalty"))).toBe("not_found");
    expect((await listCollaboratorCandidates(admin, "com.demo.loyalty")).map((c) => c.email)).toEqual(["developer@demo.test", "owner@demo.test"]);
    await addCollaborator(admin, "com.demo.loyalty", { email: "developer@demo.test" });
    expect((await getMiniProgram(dev, "com.demo.loyalty")).appId).toBe("com.demo.loyalty");
    expect((await listCollaborators(dev, "com.demo.loyalty")).map((c) => c.email)).toEqual(["admin@demo.test", "developer@demo.test"]);
    expect(await codeOf(addCollaborator(admin, "com.demo.loyalty", { email: "developer@demo.test" }))).toBe("conflict");
    await removeCollaborator(admin, "com.demo.loyalty", { userId: s.seed.users["developer@demo.test"]! });
    expect(await codeOf(getMiniProgram(dev, "com.demo.loyalty"))).toBe("not_found");
    expect(await codeOf(removeCollaborator(admin, "com.demo.loyalty", { userId: s.seed.users["developer@demo.test"]! }))).toBe("not_found");
    const actions = (await s.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.objectType, "mini_program"))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["collaborator.add", "collaborator.remove"]));
  });

  it("refuses members who cannot work on mini-programs and people outside the organization", async () => {
    const admin = await s.as("admin");
    expect(await codeOf(addCollaborator(admin, "com.demo.weather", { email: "analyst@demo.test" }))).toBe("invalid_input");
    expect(await codeOf(addCollaborator(admin, "com.demo.weather", { email: "admin@other.test" }))).toBe("invalid_input");
    expect(await codeOf(addCollaborator(admin, "com.demo.weather", { email: "nobody@demo.test" }))).toBe("invalid_input");
  });

  it("lets only owners and admins manage collaborators", async () => {
    const dev = await s.as("developer");
    expect(await codeOf(addCollaborator(dev, "com.demo.coupons", { email: "owner@demo.test" }))).toBe("forbidden");
    expect(await codeOf(removeCollaborator(dev, "com.demo.coupons", { userId: s.seed.users["developer@demo.test"]! }))).toBe("forbidden");
    expect(await codeOf(addCollaborator(await s.as("reviewer"), "com.demo.coupons", { email: "owner@demo.test" }))).toBe("forbidden");
  });

  it("cannot reach another organization's mini-program", async () => {
    const other = await s.otherAdmin();
    expect(await codeOf(addCollaborator(other, "com.demo.parking", { email: "admin@other.test" }))).toBe("not_found");
    const rows = await s.db.select().from(collaborators).where(eq(collaborators.orgId, s.seed.orgs.other!));
    expect(rows.every((r) => r.userId === s.seed.users["admin@other.test"])).toBe(true);
  });
});
