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
  users,
  type HostPlatform,
  type HostPolicy,
  type Role,
} from "./schema";
import { hashPassword } from "@/lib/auth/password";
import { encryptSecret, generateSdkKey, generateSdkSecret } from "@/lib/crypto/secrets";
import { sha256Hex } from "@/lib/crypto/hash";
import { newId } from "@/lib/ids";
import { recordSystemAudit } from "@/lib/audit";
import { PERMISSIONS as PACKAGE_PERMISSIONS } from "@/lib/packages/catalog";

export type SeedOptions = {
  password?: string;
  apiTokenPrefix?: string;
  sdkKey?: string;
  sdkSecret?: string;
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
    for (const [i, mp] of DEMO_MINI_PROGRAMS.entries()) {
      const id = newId("mp");
      // The developer created the first three; the admin the rest.
      const creator = i < 3 ? developerId : adminId;
      await tx.insert(miniPrograms).values({ orgId: demo, id, ...mp, createdBy: creator });
      await tx.insert(collaborators).values({ orgId: demo, miniProgramId: id, userId: creator });
      await recordSystemAudit(tx, demo, { action: "mini_program.create", objectType: "mini_program", objectId: id, actorLabel: "seed", changes: { appId: mp.appId } });
    }
    const otherMp = newId("mp");
    await tx.insert(miniPrograms).values({ orgId: other, id: otherMp, ...DEMO_MINI_PROGRAMS[0]!, createdBy: result.users["admin@other.test"]! });
    await tx.insert(collaborators).values({ orgId: other, miniProgramId: otherMp, userId: result.users["admin@other.test"]! });

    log(`Seeded Demo Enterprise (demo) and Other Corp (other) with ${members.length} users.`);
    if (!opts.sdkKey) {
      log(`SDK credentials of "${DEMO_HOSTS[0]!.name}" (shown once): key ${first.sdkKey}  secret ${first.sdkSecret}`);
    }
  });
  return result;
}
