// Organizations (issue 20 item 1): create (the creator owns it), rename, change the slug (old links resolve), transfer
// ownership (confirmed), delete an empty one; each bad input answers its code and changes nothing.
import { and, count, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiTokens, auditLog, hostApps, memberships, organizations, organizationSlugHistory, sessions, users, webhookDeliveries, webhookEndpoints, type Role } from "@/db/schema";
import { loadOrgContext, type OrgContext } from "@/lib/authz/context";
import { hashPassword } from "@/lib/auth/password";
import { newId } from "@/lib/ids";
import { inviteMember, acceptInvitation } from "@/lib/services/members";
import { createWebhookEndpoint, createWebhookInput } from "@/lib/services/webhooks";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { useSeededDb } from "@/test/seeded";
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  organizationTables,
  orgCreationAllowed,
  resolveFormerSlug,
  slugFromName,
  transferOwnership,
  updateOrganization,
} from "./organizations";

const s = useSeededDb();
let n = 0;
const uniq = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

beforeAll(() => setWebhookDispatcherAuto(false));
afterEach(() => {
  delete process.env.ALLOW_ORG_CREATION;
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).name;
  }
}

/** A fresh person with a password and a session of the given kind. */
async function person(opts: { method?: "password" | "sso"; signedInAgoMs?: number } = {}) {
  const email = `p-${uniq()}@people.test`;
  const userId = newId("usr");
  await s.db.insert(users).values({ id: userId, email, name: email, passwordHash: await hashPassword("correct-horse-battery") });
  const sessionId = newId("ses");
  const createdAt = new Date(Date.now() - (opts.signedInAgoMs ?? 0));
  await s.db.insert(sessions).values({ id: sessionId, userId, createdAt, lastSeenAt: createdAt, expiresAt: new Date(Date.now() + 3600_000), method: opts.method ?? "password" });
  return { userId, email, name: email, sessionId };
}

type Person = Awaited<ReturnType<typeof person>>;
const ctxOf = (p: Person, slug: string): Promise<OrgContext> => loadOrgContext(s.db, { slug }, { type: "user", ...p }, "127.0.0.1");

async function join(slug: string, p: Person, role: Role) {
  const [org] = await s.db.select().from(organizations).where(eq(organizations.slug, slug));
  await s.db.insert(memberships).values({ orgId: org!.id, userId: p.userId, role });
}

async function orgRow(id: string) {
  return (await s.db.select().from(organizations).where(eq(organizations.id, id)))[0];
}

async function hook(ctx: OrgContext) {
  await createWebhookEndpoint(ctx, createWebhookInput.parse({ url: `https://hooks.example.com/${uniq()}`, events: ["organization.updated", "organization.ownership_transferred"] }));
}

async function deliveries(orgId: string, event: string) {
  return s.db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.event, event)));
}

describe("creating an organization", () => {
  it("makes the creator its owner, derives a slug from the name, and audits it", async () => {
    const p = await person();
    const org = await createOrganization(s.db, p, { name: "Acme Café, Inc." }, { ip: "127.0.0.1" });
    expect(org.slug).toBe("acme-cafe-inc");
    const ctx = await ctxOf(p, org.slug);
    expect(ctx.role).toBe("owner");
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, org.id), eq(auditLog.action, "organization.create")));
    expect(entry?.actorLabel).toBe(p.email);
    // The same name again: a slug of its own, not a clash.
    const again = await createOrganization(s.db, p, { name: "Acme Café, Inc." }, { ip: null });
    expect(again.slug).toMatch(/^acme-cafe-inc-[0-9a-f]{6}$/);
  });

  it("refuses a duplicate (409), a reserved or malformed slug (422), and writes nothing", async () => {
    const p = await person();
    const [before] = await s.db.select({ n: count() }).from(organizations);
    expect(await codeOf(createOrganization(s.db, p, { name: "X", slug: "demo" }, { ip: null }))).toBe("conflict");
    for (const slug of ["new", "api", "admin", "settings", "sign-in", "ab", "Upper", "-lead", "trail-", "dou--ble", "a".repeat(41), "sp ace", "ünï"]) {
      expect(await codeOf(createOrganization(s.db, p, { name: "X", slug }, { ip: null })), slug).toBe("ZodError");
    }
    expect(await codeOf(createOrganization(s.db, p, { name: "  ", slug: `ok-${uniq()}` }, { ip: null }))).toBe("ZodError");
    const [after] = await s.db.select({ n: count() }).from(organizations);
    expect(after!.n).toBe(before!.n);
    expect(await s.db.select().from(memberships).where(eq(memberships.userId, p.userId))).toEqual([]);
  });

  it("is refused in the console when ALLOW_ORG_CREATION=0, but not for the operator's command", async () => {
    const p = await person();
    process.env.ALLOW_ORG_CREATION = "0";
    expect(orgCreationAllowed()).toBe(false);
    expect(await codeOf(createOrganization(s.db, p, { name: "Private", slug: `private-${uniq()}` }, { ip: null }))).toBe("forbidden");
    expect(await s.db.select().from(memberships).where(eq(memberships.userId, p.userId))).toEqual([]);
    const made = await createOrganization(s.db, p, { name: "Private", slug: `private-${uniq()}` }, { ip: null, operator: true });
    expect((await ctxOf(p, made.slug)).role).toBe("owner");
    process.env.ALLOW_ORG_CREATION = "1";
    expect(orgCreationAllowed()).toBe(true);
    expect(orgCreationAllowed({})).toBe(true);
  });

  it("derives usable slugs from names, or none", () => {
    expect(slugFromName("  Big  Corp  ")).toBe("big-corp");
    expect(slugFromName("中文")).toBeNull();
    expect(slugFromName("Admin")).toBeNull();
  });
});

describe("renaming and changing the slug", () => {
  it("renames (owner or admin), sends organization.updated, and audits the change", async () => {
    const owner = await person();
    const org = await createOrganization(s.db, owner, { name: "Rename Me", slug: `rename-${uniq()}` }, { ip: null });
    const admin = await person();
    await join(org.slug, admin, "admin");
    await hook(await ctxOf(owner, org.slug));
    const renamed = await updateOrganization(await ctxOf(admin, org.slug), { name: "Renamed" });
    expect(renamed.name).toBe("Renamed");
    const [d] = await deliveries(org.id, "organization.updated");
    expect(d?.payload).toMatchObject({ type: "organization.updated", orgId: org.id, actor: admin.email, data: { organization: { id: org.id, name: "Renamed", slug: org.slug }, changes: { name: { from: "Rename Me", to: "Renamed" } } } });
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, org.id), eq(auditLog.action, "organization.update")));
    expect(entry?.changes).toEqual({ name: { from: "Rename Me", to: "Renamed" } });
    // An admin may not change the slug; a reviewer may not rename.
    expect(await codeOf(updateOrganization(await ctxOf(admin, org.slug), { slug: `nope-${uniq()}` }))).toBe("forbidden");
    const reviewer = await person();
    await join(org.slug, reviewer, "reviewer");
    expect(await codeOf(updateOrganization(await ctxOf(reviewer, org.slug), { name: "Nope" }))).toBe("forbidden");
    expect((await orgRow(org.id))?.name).toBe("Renamed");
  });

  it("changes the slug (owner), keeps the old one leading here, and lets the organization take it back", async () => {
    const owner = await person();
    const first = `slug-a-${uniq()}`;
    const second = `slug-b-${uniq()}`;
    const org = await createOrganization(s.db, owner, { name: "Sluggy", slug: first }, { ip: null });
    await updateOrganization(await ctxOf(owner, first), { slug: second });
    expect((await orgRow(org.id))?.slug).toBe(second);
    expect(await resolveFormerSlug(s.db, first)).toEqual({ orgId: org.id, slug: second });
    expect(await codeOf(ctxOf(owner, first))).toBe("not_found");
    // Another organization cannot take the old slug while old links lead here (409), nor the current one.
    const other = await person();
    expect(await codeOf(createOrganization(s.db, other, { name: "Thief", slug: first }, { ip: null }))).toBe("conflict");
    const theirs = await createOrganization(s.db, other, { name: "Theirs", slug: `theirs-${uniq()}` }, { ip: null });
    expect(await codeOf(updateOrganization(await ctxOf(other, theirs.slug), { slug: second }))).toBe("conflict");
    expect(await codeOf(updateOrganization(await ctxOf(other, theirs.slug), { slug: first }))).toBe("conflict");
    expect(await codeOf(updateOrganization(await ctxOf(other, theirs.slug), { slug: "demo" }))).toBe("conflict");
    expect((await orgRow(theirs.id))?.slug).toBe(theirs.slug);
    // Taking back its own former slug: the current one becomes the former.
    await updateOrganization(await ctxOf(owner, second), { slug: first });
    expect(await resolveFormerSlug(s.db, first)).toBeNull();
    expect(await resolveFormerSlug(s.db, second)).toEqual({ orgId: org.id, slug: first });
    // A reserved or malformed slug: 422, nothing changed.
    expect(await codeOf(updateOrganization(await ctxOf(owner, first), { slug: "admin" }))).toBe("ZodError");
    expect(await codeOf(updateOrganization(await ctxOf(owner, first), { slug: "Bad Slug" }))).toBe("ZodError");
    expect((await orgRow(org.id))?.slug).toBe(first);
  });

  it("reads the organization for any member", async () => {
    const ctx = await s.as("analyst");
    expect(await getOrganization(ctx)).toMatchObject({ id: s.seed.orgs.demo, slug: "demo", name: "Demo Enterprise" });
  });
});

describe("transferring ownership", () => {
  async function setup(method: "password" | "sso" = "password", signedInAgoMs = 0) {
    const owner = await person({ method, signedInAgoMs });
    const org = await createOrganization(s.db, owner, { name: "Transfer", slug: `transfer-${uniq()}` }, { ip: null });
    const member = await person();
    await join(org.slug, member, "developer");
    await hook(await ctxOf(owner, org.slug));
    return { owner, org, member };
  }
  const roleOf = async (orgId: string, userId: string) => (await s.db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId))))[0]?.role;

  it("makes the member the owner and the previous owner an admin, confirmed by password; audited and sent", async () => {
    const { owner, org, member } = await setup();
    await transferOwnership(await ctxOf(owner, org.slug), { userId: member.userId, password: "correct-horse-battery" });
    expect(await roleOf(org.id, member.userId)).toBe("owner");
    expect(await roleOf(org.id, owner.userId)).toBe("admin");
    const [d] = await deliveries(org.id, "organization.ownership_transferred");
    expect(d?.payload).toMatchObject({ data: { organization: { id: org.id }, previousOwner: { email: owner.email, role: "admin" }, newOwner: { email: member.email, role: "owner" } } });
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, org.id), eq(auditLog.action, "organization.transfer_ownership")));
    expect(entry?.changes).toMatchObject({ from: owner.email, to: member.email, previousRoleOfNewOwner: "developer", confirmedWith: "password" });
    // The former owner, now an admin, can no longer transfer.
    expect(await codeOf(transferOwnership(await ctxOf(owner, org.slug), { userId: member.userId, password: "correct-horse-battery" }))).toBe("forbidden");
  });

  it("refuses a non-member (404), a wrong or missing password (422), oneself (422), and changes nothing", async () => {
    const { owner, org, member } = await setup();
    const ctx = await ctxOf(owner, org.slug);
    const outsider = await person();
    expect(await codeOf(transferOwnership(ctx, { userId: outsider.userId, password: "correct-horse-battery" }))).toBe("not_found");
    expect(await codeOf(transferOwnership(ctx, { userId: s.seed.users["owner@demo.test"]!, password: "correct-horse-battery" }))).toBe("not_found");
    expect(await codeOf(transferOwnership(ctx, { userId: member.userId, password: "wrong" }))).toBe("invalid_input");
    expect(await codeOf(transferOwnership(ctx, { userId: member.userId }))).toBe("invalid_input");
    expect(await codeOf(transferOwnership(ctx, { userId: owner.userId, password: "correct-horse-battery" }))).toBe("invalid_input");
    expect(await roleOf(org.id, owner.userId)).toBe("owner");
    expect(await roleOf(org.id, member.userId)).toBe("developer");
    expect(await deliveries(org.id, "organization.ownership_transferred")).toEqual([]);
  });

  it("takes a single sign-on within the last 10 minutes instead of a password, and not an older one", async () => {
    const recent = await setup("sso", 60_000);
    await transferOwnership(await ctxOf(recent.owner, recent.org.slug), { userId: recent.member.userId });
    expect(await roleOf(recent.org.id, recent.member.userId)).toBe("owner");
    const stale = await setup("sso", 11 * 60_000);
    expect(await codeOf(transferOwnership(await ctxOf(stale.owner, stale.org.slug), { userId: stale.member.userId }))).toBe("invalid_input");
    expect(await roleOf(stale.org.id, stale.owner.userId)).toBe("owner");
  });

  it("is for owners only; an admin of the seeded demo cannot", async () => {
    expect(await codeOf(transferOwnership(await s.as("admin"), { userId: s.seed.users["analyst@demo.test"]!, password: "demo-password" }))).toBe("forbidden");
  });
});

describe("deleting an organization", () => {
  it("deletes an empty organization with its memberships, tokens, webhooks, invitations and history, confirmed by its slug", async () => {
    const owner = await person();
    const first = `gone-a-${uniq()}`;
    const org = await createOrganization(s.db, owner, { name: "Throwaway", slug: first }, { ip: null });
    const ctx0 = await ctxOf(owner, first);
    await updateOrganization(ctx0, { slug: `gone-b-${uniq()}` });
    const ctx = await ctxOf(owner, (await orgRow(org.id))!.slug);
    await hook(ctx);
    await updateOrganization(ctx, { name: "Throwaway 2" });
    await inviteMember(ctx, { email: `inv-${uniq()}@people.test`, role: "analyst" });
    await s.db.insert(apiTokens).values({ orgId: org.id, id: newId("tok"), userId: owner.userId, name: "t", tokenHash: `h-${uniq()}`, hint: "t_x", scope: "role" });
    expect(await codeOf(deleteOrganization(ctx, { confirmSlug: "wrong" }))).toBe("invalid_input");
    expect(await orgRow(org.id)).toBeDefined();
    await deleteOrganization(ctx, { confirmSlug: ctx.org.slug });
    // A tombstone: no member reaches it, its slug is free, its audit log (the deletion last) is kept.
    expect((await orgRow(org.id))?.deletedAt).toBeInstanceOf(Date);
    expect(await codeOf(ctxOf(owner, ctx.org.slug))).toBe("not_found");
    expect(await codeOf(loadOrgContext(s.db, { id: org.id }, { type: "user", ...owner }, null))).toBe("not_found");
    const [last] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, org.id), eq(auditLog.action, "organization.delete")));
    expect(last?.changes).toMatchObject({ slug: ctx.org.slug, name: "Throwaway 2", members: 1 });
    const reuse = await createOrganization(s.db, owner, { name: "Reborn", slug: ctx.org.slug }, { ip: null });
    expect(reuse.id).not.toBe(org.id);
    for (const { table, name } of organizationTables()) {
      const rows = await s.db.execute<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}" WHERE org_id = '${org.id}'` as never);
      const list = (Array.isArray(rows) ? rows : (rows as { rows: { n: number }[] }).rows) as { n: number }[];
      expect(list[0]?.n, name).toBe(0);
      void table;
    }
    expect(await resolveFormerSlug(s.db, first)).toBeNull();
    // The person stays.
    expect((await s.db.select().from(users).where(eq(users.id, owner.userId))).length).toBe(1);
  });

  it("refuses an organization with host apps or mini-programs (409 with what remains), and non-owners", async () => {
    const owner = await s.as("owner");
    const got = await deleteOrganization(owner, { confirmSlug: "demo" }).catch((e: { code: string; details: unknown }) => e);
    expect(got).toMatchObject({ code: "conflict", details: { remaining: { hostApps: expect.any(Number), miniPrograms: expect.any(Number) } } });
    expect((got as { details: { remaining: { hostApps: number } } }).details.remaining.hostApps).toBeGreaterThan(0);
    expect(await orgRow(s.seed.orgs.demo!)).toBeDefined();
    expect((await s.db.select({ n: count() }).from(hostApps).where(eq(hostApps.orgId, s.seed.orgs.demo!)))[0]!.n).toBeGreaterThan(0);
    expect(await codeOf(deleteOrganization(await s.as("admin"), { confirmSlug: "demo" }))).toBe("forbidden");
    expect((await s.db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.orgId, s.seed.orgs.demo!)))[0]!.n).toBeGreaterThanOrEqual(0);
  });

  it("covers every table with an org_id column, the slug history among them", () => {
    const names = organizationTables().map((t) => t.name);
    expect(names).toContain("memberships");
    expect(names).toContain("organization_slug_history");
    expect(names).toContain("credential_index");
    expect(names).not.toContain("organizations");
    expect(names).not.toContain("audit_log");
  });
});

void organizationSlugHistory;
void acceptInvitation;
