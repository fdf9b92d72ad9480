// The demo of CONTRACT §2. Fills an empty database; on one with data it changes nothing.
// Later issues add their parts (versions from real packages, assignments, 90 days of events) here.
import { sql } from "drizzle-orm";
import type { Db } from "./index";
import {
  apiTokens,
  collaborators,
  credentialIndex,
  hostApps,
  memberships,
  miniPrograms,
  organizations,
  reviews,
  users,
  versions,
  type HostPlatform,
  type HostPolicy,
  type Role,
  type VersionStatus,
} from "./schema";
import { hashPassword } from "@/lib/auth/password";
import { encryptSecret, generateSdkKey, generateSdkSecret } from "@/lib/crypto/secrets";
import { sha256Hex } from "@/lib/crypto/hash";
import { newId } from "@/lib/ids";
import { recordSystemAudit } from "@/lib/audit";
import { PERMISSIONS as PACKAGE_PERMISSIONS } from "@/lib/packages/catalog";
import { inspectPackage, type Inspection } from "@/lib/packages/inspect";
import { buildMiniProgramPackage, type MiniProgramPackageOptions } from "@/lib/packages/zip-writer";
import { getBlobStore, type BlobStore } from "@/lib/blobs";
import { seedAssignments } from "./seed-assignments";

export type SeedOptions = {
  password?: string;
  apiTokenPrefix?: string;
  sdkKey?: string;
  sdkSecret?: string;
  /** Where the seeded packages go; default the process-wide store (BLOB_DIR). */
  blobStore?: BlobStore;
  log?: (line: string) => void;
};

export type SeedResult = { seeded: boolean; orgs: Record<string, string>; users: Record<string, string>; firstHost?: { id: string; sdkKey: string; sdkSecret: string } };

const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: "owner@demo.test", name: "Olivia Owner", role: "owner" },
  { email: "admin@demo.test", name: "Adam Admin", role: "admin" },
  { email: "reviewer@demo.test", name: "Rita Reviewer", role: "reviewer" },
  { email: "developer@demo.test", name: "Dev Developer", role: "developer" },
  { email: "analyst@demo.test", name: "Ana Analyst", role: "analyst" },
];

const ALL_PERMISSIONS: string[] = [...PACKAGE_PERMISSIONS];
const anyPolicy = (): HostPolicy => ({ allowedPermissions: ALL_PERMISSIONS, allowedDomains: null, minSdkVersion: null });

type HostSeed = { name: string; description: string; platforms: HostPlatform[]; policy: HostPolicy; status?: "active" | "disabled" };

const DEMO_HOSTS: HostSeed[] = [
  {
    name: "Demo SuperApp",
    description: "The flagship consumer super-app.",
    platforms: [
      { platform: "ios", identifier: "com.demo.superapp" },
      { platform: "android", identifier: "com.demo.superapp" },
      { platform: "harmony", identifier: "com.demo.superapp" },
    ],
    policy: anyPolicy(),
  },
  {
    name: "Demo Workplace",
    description: "Employee app for desktop and mobile.",
    platforms: [
      { platform: "windows", identifier: "Demo.Workplace" },
      { platform: "macos", identifier: "com.demo.workplace" },
      { platform: "linux", identifier: "com.demo.Workplace" },
      { platform: "android", identifier: "com.demo.workplace" },
    ],
    policy: { allowedPermissions: ["location", "camera", "userInfo", "clipboard"], allowedDomains: ["https://api.demo.test", "https://cdn.demo.test"], minSdkVersion: "2.0.0" },
  },
  {
    name: "Demo Wallet",
    description: "Payments wallet, strict policy.",
    platforms: [
      { platform: "ios", identifier: "com.demo.wallet" },
      { platform: "android", identifier: "com.demo.wallet" },
    ],
    policy: { allowedPermissions: ["payment", "userInfo", "phoneNumber"], allowedDomains: ["https://pay.demo.test"], minSdkVersion: "3.0.0" },
  },
  {
    name: "Demo Kiosk (retired)",
    description: "In-store kiosks, being phased out.",
    platforms: [{ platform: "web", identifier: "https://kiosk.demo.test" }],
    policy: anyPolicy(),
    status: "disabled",
  },
];

const DEMO_MINI_PROGRAMS = [
  { appId: "com.demo.coupons", name: "Coupons", category: "shopping", description: "Digital coupons and offers." },
  { appId: "com.demo.parking", name: "Parking", category: "travel", description: "Find and pay for parking." },
  { appId: "com.demo.expenses", name: "Expenses", category: "business", description: "Snap receipts, file expenses." },
  { appId: "com.demo.weather", name: "Weather", category: "utilities", description: "Local forecasts." },
  { appId: "com.demo.loyalty", name: "Loyalty", category: "shopping", description: "Points and rewards." },
];

export async function seedDemo(db: Db, opts: SeedOptions = {}): Promise<SeedResult> {
  const log = opts.log ?? (() => {});
  const existing = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(organizations);
  if ((existing[0]?.n ?? 0) > 0) {
    log("The database already has data; the seed changes nothing.");
    return { seeded: false, orgs: {}, users: {} };
  }
  const passwordHash = await hashPassword(opts.password ?? "demo-password");
  const result: SeedResult = { seeded: true, orgs: {}, users: {} };
  // Packages are built, inspected and stored before the transaction: the blobs are content-addressed, so a
  // seed that fails later leaves only files a re-run writes again (or the orphan sweep removes).
  const packages = await prepareSeedPackages(opts.blobStore ?? getBlobStore());

  await db.transaction(async (tx) => {
    const demo = newId("org");
    const other = newId("org");
    result.orgs = { demo, other };
    await tx.insert(organizations).values([
      { id: demo, slug: "demo", name: "Demo Enterprise" },
      { id: other, slug: "other", name: "Other Corp" },
    ]);

    const members: { orgId: string; slug: string; email: string; name: string; role: Role }[] = [
      ...DEMO_USERS.map((u) => ({ ...u, orgId: demo, slug: "demo" })),
      { orgId: other, slug: "other", email: "admin@other.test", name: "Otto Other", role: "admin" },
    ];
    for (const m of members) {
      const userId = newId("usr");
      result.users[m.email] = userId;
      await tx.insert(users).values({ id: userId, email: m.email, name: m.name, passwordHash });
      await tx.insert(memberships).values({ orgId: m.orgId, userId, role: m.role });
      if (opts.apiTokenPrefix) {
        const value = `${opts.apiTokenPrefix}${m.email.split("@")[0]}_${m.slug}`;
        const id = newId("tok");
        const hash = sha256Hex(value);
        await tx.insert(apiTokens).values({
          orgId: m.orgId,
          id,
          userId,
          name: "Seeded automation token",
          scope: m.role === "developer" ? "developer" : "role",
          tokenHash: hash,
          hint: value.slice(0, 8),
        });
        await tx.insert(credentialIndex).values({ lookup: hash, kind: "api_token", orgId: m.orgId, refId: id });
      }
    }

    const addHost = async (orgId: string, h: HostSeed, creds?: { key: string; secret: string }) => {
      const id = newId("hst");
      const sdkKey = creds?.key ?? generateSdkKey();
      const sdkSecret = creds?.secret ?? generateSdkSecret();
      await tx.insert(hostApps).values({
        orgId,
        id,
        name: h.name,
        description: h.description,
        status: h.status ?? "active",
        platforms: h.platforms,
        policy: h.policy,
        sdkKey,
        secretEnc: encryptSecret(sdkSecret),
      });
      await tx.insert(credentialIndex).values({ lookup: sdkKey, kind: "sdk_key", orgId, refId: id });
      await recordSystemAudit(tx, orgId, { action: "host.create", objectType: "host_app", objectId: id, actorLabel: "seed", changes: { name: h.name } });
      return { id, sdkKey, sdkSecret };
    };

    const first = await addHost(demo, DEMO_HOSTS[0]!, opts.sdkKey && opts.sdkSecret ? { key: opts.sdkKey, secret: opts.sdkSecret } : undefined);
    result.firstHost = first;
    for (const h of DEMO_HOSTS.slice(1)) await addHost(demo, h);
    // Other Corp deliberately reuses Demo's names: a query missing its tenant filter shows at once.
    await addHost(other, { ...DEMO_HOSTS[0]!, description: "Other Corp's app with the same name." });

    const developerId = result.users["developer@demo.test"]!;
    const adminId = result.users["admin@demo.test"]!;
    const demoMps = new Map<string, string>();
    for (const [i, mp] of DEMO_MINI_PROGRAMS.entries()) {
      // Backdated ids keep "newest first" (ordered by id) consistent with the seeded history.
      const id = newId("mp", Date.now() - 120 * DAY_MS + i * 60_000);
      demoMps.set(mp.appId, id);
      // The developer created the first three; the admin the rest.
      const creator = i < 3 ? developerId : adminId;
      await tx.insert(miniPrograms).values({ orgId: demo, id, ...mp, createdBy: creator, createdAt: new Date(Date.now() - 120 * DAY_MS) });
      await tx.insert(collaborators).values({ orgId: demo, miniProgramId: id, userId: creator, addedBy: creator });
      await recordSystemAudit(tx, demo, { action: "mini_program.create", objectType: "mini_program", objectId: id, actorLabel: "seed", changes: { appId: mp.appId } });
    }
    // Parking is a team effort: the admin helps the developer with it.
    await tx.insert(collaborators).values({ orgId: demo, miniProgramId: demoMps.get("com.demo.parking")!, userId: adminId, addedBy: adminId });
    const otherMp = newId("mp");
    await tx.insert(miniPrograms).values({ orgId: other, id: otherMp, ...DEMO_MINI_PROGRAMS[0]!, createdBy: result.users["admin@other.test"]! });
    await tx.insert(collaborators).values({ orgId: other, miniProgramId: otherMp, userId: result.users["admin@other.test"]! });

    const userByRole = (orgId: string, role: SeedActor) => result.users[orgId === other ? "admin@other.test" : `${role}@demo.test`]!;
    for (const pkg of packages) {
      const orgId = pkg.org === "other" ? other : demo;
      const mpId = pkg.org === "other" ? otherMp : demoMps.get(pkg.appId)!;
      await insertSeedVersion(tx, orgId, mpId, pkg, (role) => userByRole(orgId, role));
    }
    await seedAssignments(tx, { orgId: demo, log });

    log(`Seeded Demo Enterprise (demo) and Other Corp (other) with ${members.length} users and ${packages.length} package versions.`);
    if (!opts.sdkKey) {
      log(`SDK credentials of "${DEMO_HOSTS[0]!.name}" (shown once): key ${first.sdkKey}  secret ${first.sdkSecret}`);
    }
  });
  await (await import("./seed-events")).seedEvents(db, { orgId: result.orgs.demo!, log });
  // The halt's figures come from the events just written, as the guardrail would have read them.
  await (await import("./seed-assignments")).finishGuardrailStory(db, { orgId: result.orgs.demo!, log });
  // Last: the inboxes tell the story above as its people would have heard it.
  await (await import("./seed-notifications")).seedNotifications(db, { orgId: result.orgs.demo!, log });
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Versions: real packages, inspected for real, in every state of CONTRACT §5
// ---------------------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

type SeedActor = "developer" | "admin" | "reviewer" | "owner";

type SeedVersion = {
  org?: "demo" | "other";
  appId: string;
  version: string;
  status: VersionStatus;
  uploader: SeedActor;
  uploadedDaysAgo: number;
  /** For anything past draft; in_review ones are the queue's ages (over 24 h and over 72 h among them). */
  submittedHoursAgo?: number;
  review?: { reviewer: SeedActor; decision: "approved" | "rejected"; hoursAfterSubmit: number; reasons?: string[]; comment?: string };
  revoke?: { daysAgo: number; reason: string };
  pkg: Omit<MiniProgramPackageOptions, "appId" | "version">;
};

const page = (body: string) => `Page({\n  data: {},\n${body}\n});\n`;

const DEMO_VERSIONS: SeedVersion[] = [
  // Coupons: approved, then a rejected update, a fixed one approved, and one waiting for more than 72 hours.
  ...((): SeedVersion[] => {
    const base = {
      name: "Coupons",
      pages: ["pages/index/index", "pages/detail/detail"],
      permissions: ["location"],
      domains: ["https://api.demo.test"],
      minSdkVersion: "2.0.0",
    };
    const index = page(
      '  onLoad() {\n    mp.getLocation({ success: (pos) => mp.request({ url: "https://api.demo.test/coupons?near=" + pos.latitude + "," + pos.longitude }) });\n  },',
    );
    return [
      { appId: "com.demo.coupons", version: "1.0.0", status: "approved", uploader: "developer", uploadedDaysAgo: 100, submittedHoursAgo: 99 * 24, review: { reviewer: "reviewer", decision: "approved", hoursAfterSubmit: 5, comment: "Looks good." }, pkg: { ...base, code: { "pages/index/index": index } } },
      { appId: "com.demo.coupons", version: "1.1.0", status: "rejected", uploader: "developer", uploadedDaysAgo: 30, submittedHoursAgo: 29 * 24, review: { reviewer: "reviewer", decision: "rejected", hoursAfterSubmit: 20, reasons: ["broken_functionality", "other"], comment: "Redeeming a coupon from the detail page fails with an empty list; the share button does nothing." }, pkg: { ...base, code: { "pages/index/index": index } } },
      { appId: "com.demo.coupons", version: "1.1.1", status: "approved", uploader: "developer", uploadedDaysAgo: 21, submittedHoursAgo: 20 * 24, review: { reviewer: "reviewer", decision: "approved", hoursAfterSubmit: 8, comment: "Redeeming works now." }, pkg: { ...base, code: { "pages/index/index": index } } },
      { appId: "com.demo.coupons", version: "1.2.0", status: "in_review", uploader: "developer", uploadedDaysAgo: 4, submittedHoursAgo: 80, pkg: { ...base, code: { "pages/index/index": index, "pages/detail/detail": page('  onShow() {\n    mp.request({ url: "https://stats.coupon-partner.example/track" });\n  },') } } },
    ];
  })(),
  // Parking: a revoked release (kill switch), its approved fix, and an update waiting for more than 24 hours.
  ...((): SeedVersion[] => {
    const base = { name: "Parking", pages: ["pages/index/index", "pages/pay/pay"], permissions: ["location", "payment"], domains: ["https://api.demo.test", "https://pay.demo.test"], minSdkVersion: "2.0.0" };
    const code = { "pages/index/index": page("  onLoad() {\n    mp.getLocation({});\n  },"), "pages/pay/pay": page("  pay() {\n    mp.requestPayment({ url: \"https://pay.demo.test/session\" });\n  },") };
    return [
      { appId: "com.demo.parking", version: "1.0.0", status: "revoked", uploader: "developer", uploadedDaysAgo: 60, submittedHoursAgo: 59 * 24, review: { reviewer: "reviewer", decision: "approved", hoursAfterSubmit: 30 }, revoke: { daysAgo: 12, reason: "The payment callback accepted unsigned responses." }, pkg: { ...base, code } },
      { appId: "com.demo.parking", version: "1.0.1", status: "approved", uploader: "developer", uploadedDaysAgo: 12, submittedHoursAgo: 12 * 24 - 2, review: { reviewer: "admin", decision: "approved", hoursAfterSubmit: 3, comment: "Expedited: fixes the revoked 1.0.0." }, pkg: { ...base, code } },
      { appId: "com.demo.parking", version: "1.1.0", status: "in_review", uploader: "developer", uploadedDaysAgo: 2, submittedHoursAgo: 30, pkg: { ...base, pages: [...base.pages, "pages/history/history"], code } },
    ];
  })(),
  // Expenses: approved, and a draft whose code trips every kind of warning.
  { appId: "com.demo.expenses", version: "0.9.0", status: "approved", uploader: "developer", uploadedDaysAgo: 45, submittedHoursAgo: 44 * 24, review: { reviewer: "reviewer", decision: "approved", hoursAfterSubmit: 26 }, pkg: { name: "Expenses", permissions: ["camera", "album"], domains: ["https://api.demo.test"], code: { "pages/index/index": page("  snap() {\n    mp.chooseImage({});\n  },") } } },
  { appId: "com.demo.expenses", version: "1.0.0", status: "draft", uploader: "developer", uploadedDaysAgo: 1, pkg: { name: "Expenses", permissions: ["camera", "album"], domains: ["https://api.demo.test"], code: { "pages/index/index": page('  snap() {\n    mp.chooseImage({});\n    mp.getLocation({});\n    wx.showToast({ title: "Saved" });\n    mp.request({ url: "https://receipts.ocr-vendor.example/scan" });\n  },') } } },
  // Weather: approved, and a fresh submission.
  { appId: "com.demo.weather", version: "2.0.0", status: "approved", uploader: "admin", uploadedDaysAgo: 50, submittedHoursAgo: 49 * 24, review: { reviewer: "reviewer", decision: "approved", hoursAfterSubmit: 4 }, pkg: { name: "Weather", permissions: ["location"], domains: ["https://api.demo.test"], minSdkVersion: "2.0.0", code: { "pages/index/index": page("  onLoad() {\n    mp.getLocation({});\n  },") } } },
  { appId: "com.demo.weather", version: "2.1.0", status: "in_review", uploader: "admin", uploadedDaysAgo: 0.2, submittedHoursAgo: 3, pkg: { name: "Weather", pages: ["pages/index/index", "pages/radar/radar"], permissions: ["location"], domains: ["https://api.demo.test", "https://cdn.demo.test"], minSdkVersion: "2.0.0" } },
  // Loyalty: approved for the wallet's strict policy, and a draft.
  { appId: "com.demo.loyalty", version: "1.0.0", status: "approved", uploader: "admin", uploadedDaysAgo: 40, submittedHoursAgo: 39 * 24, review: { reviewer: "reviewer", decision: "approved", hoursAfterSubmit: 10 }, pkg: { name: "Loyalty", permissions: ["payment", "userInfo", "phoneNumber"], domains: ["https://pay.demo.test"], minSdkVersion: "3.0.0", code: { "pages/index/index": page("  onLoad() {\n    mp.getUserProfile({});\n  },") } } },
  // The guardrail story (db/seed-assignments.ts): approved, rolled out on Demo Wallet, halted by its guardrail.
  { appId: "com.demo.loyalty", version: "1.1.0", status: "approved", uploader: "admin", uploadedDaysAgo: 2, submittedHoursAgo: 40, review: { reviewer: "reviewer", decision: "approved", hoursAfterSubmit: 10, comment: "New points balance screen." }, pkg: { name: "Loyalty", permissions: ["payment", "userInfo", "phoneNumber"], domains: ["https://pay.demo.test"], minSdkVersion: "3.0.0" } },
  // Other Corp: same appId and version as Demo's first coupons release, in its own review queue.
  { org: "other", appId: "com.demo.coupons", version: "1.0.0", status: "in_review", uploader: "admin", uploadedDaysAgo: 3, submittedHoursAgo: 50, pkg: { name: "Coupons (Other Corp)" } },
];

type PreparedPackage = SeedVersion & { inspection: Inspection };

async function prepareSeedPackages(store: BlobStore): Promise<PreparedPackage[]> {
  const history = new Map<string, string[]>();
  const out: PreparedPackage[] = [];
  for (const v of DEMO_VERSIONS) {
    const key = `${v.org ?? "demo"}:${v.appId}`;
    const existing = history.get(key) ?? [];
    const bytes = buildMiniProgramPackage({ appId: v.appId, version: v.version, ...v.pkg });
    const inspection = await inspectPackage(bytes, { expectedAppId: v.appId, existingVersions: existing });
    if (!inspection.ok) throw new Error(`Seed package ${v.appId}@${v.version} fails inspection: ${inspection.errors.map((e) => e.code).join(", ")}`);
    await store.put(inspection.sha256, bytes);
    history.set(key, [...existing, v.version]);
    out.push({ ...v, inspection });
  }
  return out;
}

async function insertSeedVersion(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], orgId: string, miniProgramId: string, v: PreparedPackage, userOf: (role: SeedActor) => string) {
  const now = Date.now();
  const createdAt = new Date(now - v.uploadedDaysAgo * DAY_MS);
  const submittedAt = v.submittedHoursAgo !== undefined ? new Date(now - v.submittedHoursAgo * HOUR_MS) : null;
  const decidedAt = v.review && submittedAt ? new Date(submittedAt.getTime() + v.review.hoursAfterSubmit * HOUR_MS) : null;
  const id = newId("ver", createdAt.getTime());
  await tx.insert(versions).values({
    orgId,
    id,
    miniProgramId,
    appId: v.appId,
    version: v.version,
    status: v.status,
    sha256: v.inspection.sha256,
    size: v.inspection.size,
    manifest: { ...v.inspection.manifest },
    inspection: { ...v.inspection },
    uploadedBy: userOf(v.uploader),
    createdAt,
    submittedAt,
    decidedAt,
    revokedAt: v.revoke ? new Date(now - v.revoke.daysAgo * DAY_MS) : null,
    revokeReason: v.revoke?.reason ?? null,
  });
  const audit = (action: string, changes: Record<string, unknown> = {}) =>
    recordSystemAudit(tx, orgId, { action, objectType: "version", objectId: id, actorLabel: "seed", changes: { appId: v.appId, version: v.version, ...changes } });
  await audit("version.upload", { sha256: v.inspection.sha256, size: v.inspection.size, warnings: v.inspection.warnings.length });
  if (submittedAt) await audit("version.submit", { from: "draft", to: "in_review" });
  if (v.review && decidedAt) {
    await tx.insert(reviews).values({
      orgId,
      id: newId("rev", decidedAt.getTime()),
      versionId: id,
      decision: v.review.decision,
      reasons: v.review.reasons ?? [],
      comment: v.review.comment ?? "",
      reviewerId: userOf(v.review.reviewer),
      at: decidedAt,
    });
    await audit(v.review.decision === "approved" ? "version.approve" : "version.reject", { from: "in_review", to: v.review.decision, reasons: v.review.reasons ?? [] });
  }
  if (v.revoke) await audit("version.revoke", { from: "approved", to: "revoked", reason: v.revoke.reason });
}
