// Host apps as a specification: identifier formats, policy rules, audit, tenancy and roles (CONTRACT §1, §3).
import { and, asc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, credentialIndex, hostApps, ROLES, type Platform, type Role } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secrets";
import { AppError } from "@/lib/errors";
import { PERMISSIONS } from "@/lib/packages/catalog";
import { seedHostFixture, type HostFixture } from "@/lib/sdk-server/testing";
// Renamed: a `use…` name makes React's hooks lint rule mistake this vitest helper for a hook.
import { useTestDb as withTestDb } from "@/test/db";
import hostsEn from "@/lib/i18n/messages/en/hosts.json";
import {
  createHost,
  createHostInput,
  getHost,
  listHosts,
  normalizeIdentifier,
  PREVIOUS_SECRET_TTL_MS,
  rotateSecret,
  setHostStatus,
  updateHost,
  updateHostInput,
  type CreateHostInput,
} from "./hosts";

const box = withTestDb();
let fx: HostFixture;

beforeAll(async () => {
  fx = await seedHostFixture(box.handle.db);
});

let counter = 0;
/** A valid create input whose identifiers no other test uses. */
function hostInput(overrides: Partial<CreateHostInput> = {}): CreateHostInput {
  counter++;
  return createHostInput.parse({
    name: `Host ${counter}`,
    platforms: [
      { platform: "ios", identifier: `com.example.app${counter}` },
      { platform: "android", identifier: `com.example.app${counter}` },
    ],
    ...overrides,
  });
}

async function auditFor(hostId: string) {
  return box.handle.db.select().from(auditLog).where(and(eq(auditLog.objectType, "host_app"), eq(auditLog.objectId, hostId))).orderBy(asc(auditLog.id));
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

function fieldErrors(input: unknown, schema: typeof createHostInput | typeof updateHostInput = createHostInput) {
  const r = schema.safeParse(input);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("platform identifiers", () => {
  const cases: [Platform, string, boolean][] = [
    ["ios", "com.demo.superapp", true],
    ["ios", "com.demo.super-app", true],
    ["ios", "superapp", false],
    ["ios", "com.demo.super_app", false],
    ["ios", "com..demo", false],
    ["macos", "com.demo.Workplace", true],
    ["macos", "com.demo/workplace", false],
    ["android", "com.demo.superapp", true],
    ["android", "com.demo.super_app2", true],
    ["android", "com.demo.2app", false],
    ["android", "com.demo.super-app", false],
    ["android", "com.class.app", false],
    ["android", "superapp", false],
    ["harmony", "com.demo.superapp", true],
    ["harmony", "a.b.c", false],
    ["harmony", "1com.demo.app", false],
    ["harmony", "com.demo.super-app", false],
    ["windows", "Demo.Workplace", true],
    ["windows", "Microsoft.WindowsCalculator_8wekyb3d8bbwe", true],
    ["windows", "Workplace", false],
    ["windows", "Demo.Workplace_XYZ", false],
    ["linux", "com.demo.Workplace", true],
    ["linux", "org.gnome.Text-Editor", true],
    ["linux", "com.demo", false],
    ["linux", "com.3demo.app", false],
    ["linux", "com.de-mo.app", false],
    ["web", "https://kiosk.demo.test", true],
    ["web", "https://kiosk.demo.test:8443", true],
    ["web", "http://kiosk.demo.test", false],
    ["web", "https://kiosk.demo.test/path", false],
    ["web", "https://10.0.0.1", false],
    ["web", "https://user@kiosk.demo.test", false],
  ];
  it.each(cases)("%s %s → %s", (platform, identifier, valid) => {
    expect(normalizeIdentifier(platform, identifier) !== null).toBe(valid);
  });

  it("normalises a web origin: lower case, no trailing slash, no default port", () => {
    expect(normalizeIdentifier("web", "https://Kiosk.Demo.Test:443/")).toBe("https://kiosk.demo.test");
  });

  it("reports the platform's own format at the row's identifier", () => {
    const errors = fieldErrors({ name: "X", platforms: [{ platform: "ios", identifier: "com.ok.app" }, { platform: "android", identifier: "not a package" }] });
    expect(Object.keys(errors)).toEqual(["platforms.1.identifier"]);
    expect(errors["platforms.1.identifier"]).toMatch(/Android package name/);
  });

  it("allows each platform once", () => {
    const errors = fieldErrors({ name: "X", platforms: [{ platform: "ios", identifier: "com.a.b" }, { platform: "ios", identifier: "com.a.c" }] });
    expect(Object.keys(errors)).toEqual(["platforms.1.platform"]);
  });

  it("needs a name and at least one platform", () => {
    expect(Object.keys(fieldErrors({ name: " ", platforms: [] })).sort()).toEqual(["name", "platforms"]);
  });
});

describe("capability policy input", () => {
  it("defaults to every permission, any domain, no minimum", async () => {
    const host = await createHost(await fx.ctx("admin"), hostInput());
    expect(host.policy).toEqual({ allowedPermissions: [...PERMISSIONS], allowedDomains: null, minSdkVersion: null });
  });

  it("normalises: catalog order, no duplicates, domains lower-cased without a trailing slash", () => {
    const parsed = createHostInput.parse({
      ...hostInput(),
      policy: { allowedPermissions: ["payment", "location", "payment"], allowedDomains: ["https://API.demo.test/", "https://api.demo.test"], minSdkVersion: "2.0.0" },
    });
    expect(parsed.policy).toEqual({ allowedPermissions: ["location", "payment"], allowedDomains: ["https://api.demo.test"], minSdkVersion: "2.0.0" });
  });

  it.each([
    ["unknown permission", { allowedPermissions: ["teleport"] }, "policy.allowedPermissions.0"],
    ["http domain", { allowedDomains: ["http://api.demo.test"] }, "policy.allowedDomains.0"],
    ["domain with a path", { allowedDomains: ["https://ok.demo.test", "https://api.demo.test/v1"] }, "policy.allowedDomains.1"],
    ["domain with a port", { allowedDomains: ["https://api.demo.test:8443"] }, "policy.allowedDomains.0"],
    ["IP address", { allowedDomains: ["https://192.168.0.1"] }, "policy.allowedDomains.0"],
    ["version that is not semver", { minSdkVersion: "2.0" }, "policy.minSdkVersion"],
    ["version with a v", { minSdkVersion: "v2.0.0" }, "policy.minSdkVersion"],
  ])("refuses a %s", (_label, policy, path) => {
    expect(Object.keys(fieldErrors({ ...hostInput(), policy }))).toEqual([path]);
  });

  it("treats an empty minimum as none and an empty domain list as no network", () => {
    const parsed = updateHostInput.parse({ policy: { minSdkVersion: "", allowedDomains: [] } });
    expect(parsed.policy).toEqual({ minSdkVersion: null, allowedDomains: [] });
  });
});

describe("create", () => {
  it("answers the host with its SDK key and a secret shown once, stored only encrypted", async () => {
    const ctx = await fx.ctx("admin");
    const host = await createHost(ctx, hostInput({ description: "Flagship" }));
    expect(host).toMatchObject({ status: "active", description: "Flagship", secretRotatedAt: null, previousSecretExpiresAt: null });
    expect(host.sdkKey).toMatch(/^ak_[0-9A-Za-z]{24}$/);
    expect(host.sdkSecret).toMatch(/^sk_/);

    const [row] = await box.handle.db.select().from(hostApps).where(and(eq(hostApps.orgId, fx.orgs.demo), eq(hostApps.id, host.id)));
    expect(row!.secretEnc).not.toContain(host.sdkSecret);
    expect(decryptSecret(row!.secretEnc)).toBe(host.sdkSecret);
    const [idx] = await box.handle.db.select().from(credentialIndex).where(eq(credentialIndex.lookup, host.sdkKey));
    expect(idx).toEqual({ lookup: host.sdkKey, kind: "sdk_key", orgId: fx.orgs.demo, refId: host.id });

    // Read back, the secret is gone for good.
    const read = await getHost(ctx, host.id);
    expect(JSON.stringify(read)).not.toContain(host.sdkSecret);
    expect(read).not.toHaveProperty("sdkSecret");
  });

  it("is audited with what was registered, never the secret", async () => {
    const host = await createHost(await fx.ctx("owner"), hostInput());
    const [entry, ...rest] = await auditFor(host.id);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ action: "host.create", actorType: "user", ip: "203.0.113.7" });
    expect(entry!.changes).toMatchObject({ name: host.name, platforms: host.platforms, policy: host.policy });
    const [row] = await box.handle.db.select().from(hostApps).where(eq(hostApps.id, host.id));
    expect(JSON.stringify(entry)).not.toContain(host.sdkSecret);
    expect(JSON.stringify(entry)).not.toContain(row!.secretEnc);
  });

  it("refuses an identifier another host of the organization already has", async () => {
    const ctx = await fx.ctx("admin");
    const first = await createHost(ctx, hostInput());
    const again = createHost(ctx, hostInput({ platforms: [{ platform: "android", identifier: first.platforms[1]!.identifier }] }));
    await expect(again).rejects.toMatchObject({ code: "conflict", details: { reason: "identifier_taken", hostId: first.id, platform: "android" } });
  });

  it("registers one identifier once when two hosts claim it at the same time", async () => {
    const ctx = await fx.ctx("admin");
    const shared = [{ platform: "ios" as const, identifier: `com.example.race${counter}` }];
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => createHost(ctx, hostInput({ platforms: shared }))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "conflict", details: { reason: "identifier_taken" } });
    }
    const holders = await box.handle.db.select().from(hostApps).where(sql`${hostApps.platforms} @> ${JSON.stringify(shared)}::jsonb`);
    expect(holders).toHaveLength(1);
  });

  it("lets another organization use the same identifiers", async () => {
    const mine = await createHost(await fx.ctx("admin"), hostInput());
    const theirs = await createHost(await fx.ctx("otherAdmin"), hostInput({ name: mine.name, platforms: mine.platforms }));
    expect(theirs.platforms).toEqual(mine.platforms);
  });
});

describe("update", () => {
  it("edits name, description and platforms with a from/to diff in one audit entry", async () => {
    const ctx = await fx.ctx("admin");
    const host = await createHost(ctx, hostInput());
    const platforms = [{ platform: "web" as const, identifier: `https://h${counter}.demo.test` }];
    const updated = await updateHost(ctx, host.id, updateHostInput.parse({ name: "Renamed", platforms, description: "" }));
    expect(updated).toMatchObject({ name: "Renamed", platforms });
    const entries = await auditFor(host.id);
    expect(entries.map((e) => e.action)).toEqual(["host.create", "host.update"]);
    expect(entries[1]!.changes).toEqual({ name: { from: host.name, to: "Renamed" }, platforms: { from: host.platforms, to: platforms } });
  });

  it("audits status and policy changes as their own entries", async () => {
    const ctx = await fx.ctx("admin");
    const host = await createHost(ctx, hostInput());
    const updated = await updateHost(ctx, host.id, updateHostInput.parse({ status: "disabled", policy: { allowedDomains: ["https://api.demo.test"], minSdkVersion: "3.1.0" } }));
    expect(updated.status).toBe("disabled");
    expect(updated.policy).toEqual({ allowedPermissions: [...PERMISSIONS], allowedDomains: ["https://api.demo.test"], minSdkVersion: "3.1.0" });
    const entries = await auditFor(host.id);
    expect(entries.map((e) => [e.action, e.changes])).toEqual([
      ["host.create", expect.anything()],
      ["host.disable", { status: { from: "active", to: "disabled" } }],
      ["host.policy_update", { allowedDomains: { from: null, to: ["https://api.demo.test"] }, minSdkVersion: { from: null, to: "3.1.0" } }],
    ]);
  });

  it("changes nothing and logs nothing when every value is already so", async () => {
    const ctx = await fx.ctx("admin");
    const host = await createHost(ctx, hostInput());
    const same = await updateHost(ctx, host.id, updateHostInput.parse({ name: host.name, status: "active", policy: host.policy }));
    expect(same.updatedAt).toBe(host.updatedAt);
    expect((await auditFor(host.id)).length).toBe(1);
  });

  it("refuses platforms that clash with another host", async () => {
    const ctx = await fx.ctx("admin");
    const a = await createHost(ctx, hostInput());
    const b = await createHost(ctx, hostInput());
    expect(await codeOf(updateHost(ctx, b.id, updateHostInput.parse({ platforms: a.platforms })))).toBe("conflict");
    // Keeping its own identifiers is not a clash.
    expect(await codeOf(updateHost(ctx, b.id, updateHostInput.parse({ platforms: b.platforms.slice(0, 1) })))).toBe("ok");
  });
});

describe("URL scheme (deep links to trial versions, CONTRACT §8)", () => {
  it.each<[string, unknown, string | null | "refused"]>([
    ["a plain scheme", "superapp", "superapp"],
    ["digits, plus, dot and hyphen after the first letter", "acme.super-app+2", "acme.super-app+2"],
    ["upper case, stored lower case", "SuperApp", "superapp"],
    ["surrounding spaces, trimmed", "  superapp ", "superapp"],
    ["null: no scheme", null, null],
    ["32 characters", `a${"b".repeat(31)}`, `a${"b".repeat(31)}`],
    ["33 characters", `a${"b".repeat(32)}`, "refused"],
    ["a leading digit", "2app", "refused"],
    ["a colon and slashes", "superapp://", "refused"],
    ["an underscore", "super_app", "refused"],
    ["empty", "", "refused"],
    ["a web scheme", "https", "refused"],
    ["a script scheme", "javascript", "refused"],
    ["a number", 42, "refused"],
  ])("%s", (_name, urlScheme, want) => {
    const r = updateHostInput.safeParse({ urlScheme });
    if (want === "refused") {
      expect(r.success).toBe(false);
      // A clear sentence from the hosts catalog (the console shows it in the reader's language).
      expect(Object.values(hostsEn.errors)).toContain(r.error!.issues[0]!.message);
      expect(r.error!.issues[0]!.path).toEqual(["urlScheme"]);
    } else {
      expect(r.success && r.data.urlScheme).toBe(want);
    }
  });

  it("is set on create, changed and cleared on update, each change audited", async () => {
    const ctx = await fx.ctx("admin");
    const host = await createHost(ctx, hostInput({ urlScheme: "labapp" }));
    expect(host.urlScheme).toBe("labapp");
    expect((await getHost(ctx, host.id)).urlScheme).toBe("labapp");
    expect((await updateHost(ctx, host.id, updateHostInput.parse({ urlScheme: "LabApp2" }))).urlScheme).toBe("labapp2");
    expect((await updateHost(ctx, host.id, updateHostInput.parse({ urlScheme: null }))).urlScheme).toBeNull();
    // Leaving it out keeps it as it is.
    expect((await updateHost(ctx, host.id, updateHostInput.parse({ name: "Still none" }))).urlScheme).toBeNull();
    const entries = await auditFor(host.id);
    expect(entries.map((e) => e.action)).toEqual(["host.create", "host.update", "host.update", "host.update"]);
    expect(entries[0]!.changes).toMatchObject({ urlScheme: "labapp" });
    expect(entries[1]!.changes).toEqual({ urlScheme: { from: "labapp", to: "labapp2" } });
    expect(entries[2]!.changes).toEqual({ urlScheme: { from: "labapp2", to: null } });
  });

  it("a host without one answers null", async () => {
    const ctx = await fx.ctx("admin");
    expect((await createHost(ctx, hostInput())).urlScheme).toBeNull();
  });
});

describe("disable and enable (console transitions)", () => {
  it("moves between the two states and refuses a repeat with 409", async () => {
    const ctx = await fx.ctx("admin");
    const host = await createHost(ctx, hostInput());
    expect((await setHostStatus(ctx, host.id, "disabled")).status).toBe("disabled");
    expect(await codeOf(setHostStatus(ctx, host.id, "disabled"))).toBe("conflict");
    expect((await setHostStatus(ctx, host.id, "active")).status).toBe("active");
    expect((await auditFor(host.id)).map((e) => e.action)).toEqual(["host.create", "host.disable", "host.enable"]);
  });
});

describe("rotate secret", () => {
  it("issues a new secret once and keeps the old one for 24 hours", async () => {
    const ctx = await fx.ctx("admin");
    const host = await createHost(ctx, hostInput());
    const at = new Date("2030-01-01T00:00:00Z");
    const rotated = await rotateSecret(ctx, host.id, at);
    expect(rotated.sdkSecret).toMatch(/^sk_/);
    expect(rotated.sdkSecret).not.toBe(host.sdkSecret);
    expect(rotated.sdkKey).toBe(host.sdkKey);
    expect(rotated.secretRotatedAt).toBe(at.toISOString());
    expect(rotated.previousSecretExpiresAt).toBe(new Date(at.getTime() + PREVIOUS_SECRET_TTL_MS).toISOString());

    const [row] = await box.handle.db.select().from(hostApps).where(eq(hostApps.id, host.id));
    expect(decryptSecret(row!.secretEnc)).toBe(rotated.sdkSecret);
    expect(decryptSecret(row!.previousSecretEnc!)).toBe(host.sdkSecret);

    const entry = (await auditFor(host.id)).at(-1)!;
    expect(entry.action).toBe("host.rotate_secret");
    for (const secret of [host.sdkSecret, rotated.sdkSecret, row!.secretEnc, row!.previousSecretEnc!]) expect(JSON.stringify(entry)).not.toContain(secret);
  });

  it("a second rotation inside the 24 hours retires the oldest secret at once", async () => {
    const ctx = await fx.ctx("admin");
    const host = await createHost(ctx, hostInput());
    const first = await rotateSecret(ctx, host.id);
    await rotateSecret(ctx, host.id);
    const [row] = await box.handle.db.select().from(hostApps).where(eq(hostApps.id, host.id));
    expect(decryptSecret(row!.previousSecretEnc!)).toBe(first.sdkSecret);
    expect((await auditFor(host.id)).at(-1)!.changes).toMatchObject({ droppedEarlierPrevious: true });
  });
});

describe("tenancy: another organization's host answers like a missing one", () => {
  it.each([
    ["get", (ctx: Awaited<ReturnType<HostFixture["ctx"]>>, id: string) => getHost(ctx, id)],
    ["update", (ctx: Awaited<ReturnType<HostFixture["ctx"]>>, id: string) => updateHost(ctx, id, { name: "Hijacked" })],
    ["disable", (ctx: Awaited<ReturnType<HostFixture["ctx"]>>, id: string) => setHostStatus(ctx, id, "disabled")],
    ["rotate", (ctx: Awaited<ReturnType<HostFixture["ctx"]>>, id: string) => rotateSecret(ctx, id)],
  ])("%s → not_found, and nothing changes", async (_label, call) => {
    const mine = await createHost(await fx.ctx("admin"), hostInput());
    expect(await codeOf(call(await fx.ctx("otherAdmin"), mine.id))).toBe("not_found");
    expect(await codeOf(call(await fx.ctx("admin"), "hst_00000000000000000000000000"))).toBe("not_found");
    const after = await getHost(await fx.ctx("admin"), mine.id);
    expect(after).toMatchObject({ name: mine.name, status: "active", secretRotatedAt: null });
  });

  it("lists only the organization's own hosts", async () => {
    const theirs = await createHost(await fx.ctx("otherAdmin"), hostInput());
    const { items } = await listHosts(await fx.ctx("admin"), { limit: 200 });
    expect(items.some((h) => h.id === theirs.id)).toBe(false);
    expect(items.length).toBeGreaterThan(0);
  });
});

describe("list filters", () => {
  it("searches by name and filters by platform and status", async () => {
    const ctx = await fx.ctx("admin");
    const tag = `Zebra${counter}`;
    const web = await createHost(ctx, hostInput({ name: `${tag} web`, platforms: [{ platform: "web", identifier: `https://zebra${counter}.demo.test` }] }));
    const mobile = await createHost(ctx, hostInput({ name: `${tag} 100%_mobile` }));
    await setHostStatus(ctx, mobile.id, "disabled");
    const ids = async (filter: Parameters<typeof listHosts>[2]) => (await listHosts(ctx, { limit: 200 }, filter)).items.map((h) => h.id);
    expect(await ids({ q: tag.toLowerCase() })).toEqual([web.id, mobile.id]);
    expect(await ids({ q: tag, platform: "web" })).toEqual([web.id]);
    expect(await ids({ q: tag, status: "disabled" })).toEqual([mobile.id]);
    expect(await ids({ q: "100%_" })).toEqual([mobile.id]);
    expect(await ids({ q: "%" })).toEqual([mobile.id]);
  });

  it("pages with a cursor", async () => {
    const ctx = await fx.ctx("admin");
    const first = await listHosts(ctx, { limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await listHosts(ctx, { limit: 2, cursor: first.nextCursor! });
    expect(second.items[0]!.id > first.items[1]!.id).toBe(true);
  });
});

describe("roles (CONTRACT §1): everyone reads host apps; owners and admins manage them", () => {
  const matrix: [Role, "read" | "manage"][] = [
    ["owner", "manage"],
    ["admin", "manage"],
    ["reviewer", "read"],
    ["developer", "read"],
    ["analyst", "read"],
  ];
  it("covers every role", () => expect(matrix.map(([r]) => r)).toEqual([...ROLES]));

  it.each(matrix)("%s may %s", async (role, may) => {
    const host = await createHost(await fx.ctx("admin"), hostInput());
    const ctx = await fx.ctx(role);
    const expected = may === "manage" ? "ok" : "forbidden";
    expect(await codeOf(getHost(ctx, host.id))).toBe("ok");
    expect(await codeOf(listHosts(ctx, { limit: 5 }))).toBe("ok");
    expect(await codeOf(createHost(ctx, hostInput()))).toBe(expected);
    expect(await codeOf(updateHost(ctx, host.id, { name: "Edited" }))).toBe(expected);
    expect(await codeOf(updateHost(ctx, host.id, { policy: { minSdkVersion: "9.9.9" } }))).toBe(expected);
    expect(await codeOf(rotateSecret(ctx, host.id))).toBe(expected);
    expect(await codeOf(setHostStatus(ctx, host.id, "disabled"))).toBe(expected);
  });

  it("an admin's developer-scope token cannot manage host apps", async () => {
    const host = await createHost(await fx.ctx("admin"), hostInput());
    const ctx = await fx.ctx("admin", { scope: "developer" });
    expect(await codeOf(getHost(ctx, host.id))).toBe("ok");
    expect(await codeOf(rotateSecret(ctx, host.id))).toBe("forbidden");
    expect(await codeOf(createHost(ctx, hostInput()))).toBe("forbidden");
  });
});
