// The permission matrix (issue #9): every /api/v1 route, every route handler the console calls with the browser
// session (/o/[org]/…/route.ts), and every server action, called in-process for every role of CONTRACT §1, with no
// credentials, as a member of another organization, with another organization's object ids, and (actions and
// mutating console handlers) without or with a foreign Origin. The expected answer of each probe is generated from
// the one permission table (`can`, lib/authz) through the permission each handler registers or its row states;
// the rows below only say how to call a handler. Every route.ts under app/ has a row or a listed exclusion, and
// every server action a row: one without fails the suite.
import fs from "node:fs";
import path from "node:path";
import { and, count, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  apiTokens,
  assignments,
  auditLog,
  collaborators,
  credentialIndex,
  hostApps,
  invitations,
  memberships,
  miniPrograms,
  miniProgramMedia,
  permissionRequests,
  releases,
  ROLES,
  sessions,
  users,
  versions,
  webhookDeliveries,
  webhookEndpoints,
  type Role,
} from "@/db/schema";
import type { ActionResult } from "@/lib/actions/safe-action";
import { can, type Actor } from "@/lib/authz/context";
import type { Permission } from "@/lib/authz/permissions";
import { encryptSecret } from "@/lib/crypto/secrets";
import { sha256Hex } from "@/lib/crypto/hash";
import { newId } from "@/lib/ids";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { solidPng } from "@/lib/listing/testing";
import { assignVersion } from "@/lib/services/assignments";
import { addListingImage } from "@/lib/services/listing";
import { inviteMember } from "@/lib/services/members";
import { issueResetLink } from "@/lib/services/accounts";
import { createMiniProgram, createMiniProgramInput } from "@/lib/services/mini-programs";
import { createWebhookEndpoint, createWebhookInput } from "@/lib/services/webhooks";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { useSeededDb } from "@/test/seeded";

// ---------------------------------------------------------------------------------------------------------
// The request context: headers and cookies (next/headers), the Auth.js session id, and a note of every handler
// that was entered, so that a deny is shown to come from the authorization layer, not from deeper down.
// ---------------------------------------------------------------------------------------------------------

const probe = vi.hoisted(() => ({
  headers: new Headers(),
  sid: null as string | null,
  cookiesSet: [] as string[],
  signIns: 0,
  signOuts: 0,
  entered: 0,
  /** Calls that reached a console handler's service: a deny by role or session must come before it. */
  served: 0,
  sdkRoutes: new WeakSet<object>(),
  actionMeta: new WeakMap<object, { name: string; permission: string }>(),
  routeMeta: new WeakMap<object, { method: string; path: string; permission: string | null }>(),
}));

vi.mock("next/headers", () => ({
  headers: async () => probe.headers,
  cookies: async () => ({
    get: () => undefined,
    getAll: () => [],
    has: () => false,
    set: (name: string) => void probe.cookiesSet.push(name),
    delete: (name: string) => void probe.cookiesSet.push(`-${name}`),
  }),
}));

// Auth.js itself decodes the JWT; the session row it points at is real, and checked by lib/auth/session.ts.
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  auth: async () => (probe.sid ? { sid: probe.sid } : null),
  signIn: async () => void probe.signIns++,
  signOut: async () => void probe.signOuts++,
}));

vi.mock("@/lib/actions/safe-action", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/actions/safe-action")>();
  return {
    ...real,
    orgAction: ((meta, handler) => {
      const fn = real.orgAction(meta, async (ctx, input) => {
        probe.entered++;
        return handler(ctx, input);
      });
      probe.actionMeta.set(fn, { name: meta.name, permission: meta.permission });
      return fn;
    }) as typeof real.orgAction,
  };
});

vi.mock("@/lib/api/handler", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/api/handler")>();
  return {
    ...real,
    apiRoute: ((meta, handler) => {
      const fn = real.apiRoute(meta, async (ctx, req, params) => {
        probe.entered++;
        return handler(ctx, req, params as never);
      });
      probe.routeMeta.set(fn, { ...meta });
      return fn;
    }) as typeof real.apiRoute,
  };
});

vi.mock("@/lib/sdk-server/verify", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/sdk-server/verify")>();
  return {
    ...real,
    sdkRoute: ((handler, opts) => {
      const fn = real.sdkRoute(handler, opts);
      probe.sdkRoutes.add(fn);
      return fn;
    }) as typeof real.sdkRoute,
  };
});

// The services behind the console's route handlers, counted: they authorize themselves, so a handler that lost
// its own check would still deny, but only after reaching them.
vi.mock("@/lib/services/audit", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/services/audit")>();
  return { ...real, auditCsv: ((...a) => (probe.served++, real.auditCsv(...a))) as typeof real.auditCsv };
});
vi.mock("@/lib/services/versions", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/services/versions")>();
  return { ...real, uploadVersion: ((...a) => (probe.served++, real.uploadVersion(...a))) as typeof real.uploadVersion };
});
vi.mock("@/lib/services/listing", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/services/listing")>();
  return { ...real, readListingImage: ((...a) => (probe.served++, real.readListingImage(...a))) as typeof real.readListingImage };
});
vi.mock("@/lib/analytics/service", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/analytics/service")>();
  return {
    ...real,
    getOverview: ((...a) => (probe.served++, real.getOverview(...a))) as typeof real.getOverview,
    getOverviewTotals: ((...a) => (probe.served++, real.getOverviewTotals(...a))) as typeof real.getOverviewTotals,
    getVersionAdoption: ((...a) => (probe.served++, real.getVersionAdoption(...a))) as typeof real.getVersionAdoption,
    getFilterOptions: ((...a) => (probe.served++, real.getFilterOptions(...a))) as typeof real.getFilterOptions,
  };
});
vi.mock("@/lib/analytics/comparison", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/analytics/comparison")>();
  return {
    ...real,
    getPreviousPeriod: ((...a) => (probe.served++, real.getPreviousPeriod(...a))) as typeof real.getPreviousPeriod,
    getVersionComparison: ((...a) => (probe.served++, real.getVersionComparison(...a))) as typeof real.getVersionComparison,
  };
});

vi.mock("@/lib/analytics/keys-service", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/analytics/keys-service")>();
  return {
    ...real,
    getErrorGroups: ((...a) => (probe.served++, real.getErrorGroups(...a))) as typeof real.getErrorGroups,
    getPageStats: ((...a) => (probe.served++, real.getPageStats(...a))) as typeof real.getPageStats,
    getCustomEventStats: ((...a) => (probe.served++, real.getCustomEventStats(...a))) as typeof real.getCustomEventStats,
    getFunnel: ((...a) => (probe.served++, real.getFunnel(...a))) as typeof real.getFunnel,
  };
});

vi.mock("@/lib/insights/anomaly-service", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/insights/anomaly-service")>();
  return { ...real, getAnomalies: ((...a) => (probe.served++, real.getAnomalies(...a))) as typeof real.getAnomalies };
});

withTempBlobStore();
const s = useSeededDb();

// ---------------------------------------------------------------------------------------------------------
// Discovery: every route.ts under app/ (classified below) and every "use server" module under app/ and lib/
// ---------------------------------------------------------------------------------------------------------

const ROOT = path.resolve(import.meta.dirname, "..");

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const sourceFiles = (dir: string) => walk(path.join(ROOT, dir)).filter((f) => /\.tsx?$/.test(f) && !/\.(test|spec)\.tsx?$/.test(f));

function isUseServer(file: string): boolean {
  const first = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*"));
  return !!first && /^["']use server["'];?$/.test(first);
}

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
type RouteFn = (req: NextRequest, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Discovered<F> = { key: string; file: string; exportName: string; fn: F; permission: Permission | null };

/** `app/api/v1/hosts/[hostId]/route.ts` → `/api/v1/hosts/{hostId}` */
function routePathOf(file: string): string {
  return "/" + path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).join("/").replace(/\[([^\]]+)\]/g, "{$1}");
}

// ---------------------------------------------------------------------------------------------------------
// The world the probes act on: Demo's objects, and Other Corp's (the "foreign ids")
// ---------------------------------------------------------------------------------------------------------

type World = {
  orgs: { demo: string; other: string };
  users: Record<Role | "otherAdmin", string>;
  tokens: Record<Role | "otherAdmin" | "adminDevScope", string>;
  sessions: Record<Role | "otherAdmin", string>;
  demo: {
    hostId: string;
    appId: string;
    ownVersionId: string;
    inReviewVersionId: string;
    approvedVersionId: string;
    assignableVersionId: string;
    assignHostId: string;
    assignmentId: string;
    collaboratorEmail: string;
    collaboratorId: string;
    endpointId: string;
    deliveryId: string;
    invitationId: string;
    releaseId: string;
    requestId: string;
    mediaId: string;
  };
  other: {
    hostId: string;
    appId: string;
    versionId: string;
    assignmentId: string;
    endpointId: string;
    deliveryId: string;
    invitationId: string;
    tokenId: string;
    releaseId: string;
    requestId: string;
    mediaId: string;
  };
};
const w = {} as World;
let serial = 0;
const uniq = () => `${Date.now().toString(36)}${++serial}`;

async function insertUser(email: string, orgId: string | null, role: Role): Promise<string> {
  const id = newId("usr");
  await s.db.insert(users).values({ id, email, name: email.split("@")[0]!, passwordHash: "unused" });
  if (orgId) await s.db.insert(memberships).values({ orgId, userId: id, role });
  return id;
}

/** A finished release of the mini-program: probes that may act on it get 409 (not running), and nothing changes. */
async function insertRelease(orgId: string, appId: string): Promise<string> {
  const [mp] = await s.db.select({ id: miniPrograms.id }).from(miniPrograms).where(and(eq(miniPrograms.orgId, orgId), eq(miniPrograms.appId, appId)));
  const [v] = await s.db.select({ id: versions.id, version: versions.version }).from(versions).where(and(eq(versions.orgId, orgId), eq(versions.miniProgramId, mp!.id))).limit(1);
  const id = newId("rel");
  await s.db.insert(releases).values({ orgId, id, miniProgramId: mp!.id, appId, versionId: v!.id, version: v!.version, status: "completed", rings: [], finishedAt: new Date() });
  return id;
}

/** An approved permission request: probes that may decide it get 409 (decided already), and nothing changes. */
async function insertRequest(orgId: string, hostId: string, appId: string, requestedBy: string): Promise<string> {
  const [mp] = await s.db.select({ id: miniPrograms.id }).from(miniPrograms).where(and(eq(miniPrograms.orgId, orgId), eq(miniPrograms.appId, appId)));
  const id = newId("prq");
  await s.db.insert(permissionRequests).values({ orgId, id, hostId, miniProgramId: mp!.id, appId, permissions: ["nfc"], status: "approved", requestedBy, decidedAt: new Date() });
  return id;
}

async function insertSession(userId: string): Promise<string> {
  const id = newId("ses");
  await s.db.insert(sessions).values({ id, userId, expiresAt: new Date(Date.now() + 3600_000) });
  return id;
}

async function insertToken(orgId: string, userId: string, scope: "role" | "developer"): Promise<{ id: string; value: string }> {
  const value = `t_${newId("tok")}`;
  const id = newId("tok");
  await s.db.insert(apiTokens).values({ orgId, id, userId, name: "matrix", scope, tokenHash: sha256Hex(value), hint: value.slice(0, 8) });
  await s.db.insert(credentialIndex).values({ lookup: sha256Hex(value), kind: "api_token", orgId, refId: id });
  return { id, value };
}

async function insertEndpoint(orgId: string, createdBy: string): Promise<string> {
  const id = newId("whk");
  // A closed loopback port: a test event or redelivery the matrix sends fails fast, without the network.
  await s.db.insert(webhookEndpoints).values({ orgId, id, url: "http://127.0.0.1:9/matrix", events: ["version.approved"], secretEnc: encryptSecret("whsec_x"), createdBy });
  return id;
}

async function insertDelivery(orgId: string, endpointId: string): Promise<string> {
  const id = newId("dlv");
  await s.db.insert(webhookDeliveries).values({ orgId, id, endpointId, event: "version.approved", payload: { matrix: true }, status: "failed" });
  return id;
}

async function versionId(orgId: string, appId: string, version: string): Promise<string> {
  const [v] = await s.db
    .select({ id: versions.id })
    .from(versions)
    .where(and(eq(versions.orgId, orgId), eq(versions.appId, appId), eq(versions.version, version)));
  if (!v) throw new Error(`no version ${appId}@${version}`);
  return v.id;
}

async function invitationIdOf(orgId: string, email: string): Promise<string> {
  const [i] = await s.db.select({ id: invitations.id }).from(invitations).where(and(eq(invitations.orgId, orgId), eq(invitations.email, email)));
  return i!.id;
}

beforeAll(async () => {
  setWebhookDispatcherAuto(false);
  const { orgs, users: seededUsers } = s.seed;
  w.orgs = { demo: orgs.demo!, other: orgs.other! };
  w.users = { ...Object.fromEntries(ROLES.map((r) => [r, seededUsers[`${r}@demo.test`]!])), otherAdmin: seededUsers["admin@other.test"]! } as World["users"];
  // CONTRACT §2's seeded tokens (prefix t_), plus an admin's developer-scope token.
  w.tokens = { ...Object.fromEntries(ROLES.map((r) => [r, `t_${r}_demo`])), otherAdmin: "t_admin_other" } as World["tokens"];
  w.tokens.adminDevScope = (await insertToken(w.orgs.demo, w.users.admin, "developer")).value;
  w.sessions = {} as World["sessions"];
  for (const who of [...ROLES, "otherAdmin"] as const) w.sessions[who] = await insertSession(w.users[who]);

  const hostOf = async (orgId: string, name: string) =>
    (await s.db.select({ id: hostApps.id }).from(hostApps).where(and(eq(hostApps.orgId, orgId), eq(hostApps.name, name))))[0]!.id;
  const demoHost = await hostOf(w.orgs.demo, "Demo SuperApp");
  const [assignment] = await s.db
    .select({ id: assignments.id })
    .from(assignments)
    .where(and(eq(assignments.orgId, w.orgs.demo), eq(assignments.hostId, demoHost), eq(assignments.appId, "com.demo.parking")));
  // A developer-role member who collaborates on nothing: the target of collaborator probes.
  const collaboratorEmail = `collab-${uniq()}@demo.test`;
  const collaboratorId = await insertUser(collaboratorEmail, w.orgs.demo, "developer");
  const demoEndpoint = await insertEndpoint(w.orgs.demo, w.users.admin);
  const inviteEmail = `invitee-${uniq()}@demo.test`;
  await inviteMember(await s.as("owner"), { email: inviteEmail, role: "analyst" });
  w.demo = {
    hostId: demoHost,
    // The developer created Parking and the admin collaborates on it, so every role reaches it, developer-scope
    // tokens included; Other Corp has no mini-program of that appId.
    appId: "com.demo.parking",
    ownVersionId: await versionId(w.orgs.demo, "com.demo.parking", "1.1.0"),
    inReviewVersionId: await versionId(w.orgs.demo, "com.demo.coupons", "1.2.0"),
    approvedVersionId: await versionId(w.orgs.demo, "com.demo.expenses", "0.9.0"),
    assignableVersionId: await versionId(w.orgs.demo, "com.demo.weather", "2.0.0"),
    assignHostId: await hostOf(w.orgs.demo, "Demo Workplace"),
    assignmentId: assignment!.id,
    collaboratorEmail,
    collaboratorId,
    endpointId: demoEndpoint,
    deliveryId: await insertDelivery(w.orgs.demo, demoEndpoint),
    invitationId: await invitationIdOf(w.orgs.demo, inviteEmail),
    releaseId: await insertRelease(w.orgs.demo, "com.demo.parking"),
    requestId: await insertRequest(w.orgs.demo, demoHost, "com.demo.parking", w.users.developer),
    mediaId: (await addListingImage(await s.as("owner"), "com.demo.parking", "screenshot", solidPng(90, 160))).id,
  };

  // Other Corp: a mini-program Demo has no namesake of, an approved version assigned to its host, a webhook
  // endpoint with a delivery, an invitation and a token.
  const other = await s.otherAdmin();
  const otherHost = await hostOf(w.orgs.other, "Demo SuperApp");
  await createMiniProgram(other, createMiniProgramInput.parse({ appId: "com.other.only", name: "Other only" }));
  const otherVersion = await versionId(w.orgs.other, "com.demo.coupons", "1.0.0");
  await s.db.update(versions).set({ status: "approved", decidedAt: new Date() }).where(and(eq(versions.orgId, w.orgs.other), eq(versions.id, otherVersion)));
  const otherAssignment = await assignVersion(other, otherHost, { appId: "com.demo.coupons", versionId: otherVersion });
  const { endpoint } = await createWebhookEndpoint(other, createWebhookInput.parse({ url: "https://hooks.other.example/x", events: ["version.approved"] }));
  await inviteMember(other, { email: "someone@other.test", role: "analyst" });
  w.other = {
    hostId: otherHost,
    appId: "com.other.only",
    versionId: otherVersion,
    assignmentId: otherAssignment.id,
    endpointId: endpoint.id,
    deliveryId: await insertDelivery(w.orgs.other, endpoint.id),
    invitationId: await invitationIdOf(w.orgs.other, "someone@other.test"),
    tokenId: (await insertToken(w.orgs.other, w.users.otherAdmin, "role")).id,
    releaseId: await insertRelease(w.orgs.other, "com.demo.coupons"),
    requestId: await insertRequest(w.orgs.other, otherHost, "com.demo.coupons", w.users.otherAdmin),
    mediaId: (await addListingImage(other, "com.other.only", "screenshot", solidPng(90, 160))).id,
  };
});

afterAll(() => setWebhookDispatcherAuto(true));

// ---------------------------------------------------------------------------------------------------------
// Principals, and the expected answer of each, generated from the permission table
// ---------------------------------------------------------------------------------------------------------

type RoutePrincipal = Role | "adminDevScope" | "none" | "outsider" | "foreignIds";
type ActionPrincipal = Role | "none" | "outsider" | "foreignIds" | "noOrigin" | "foreignOrigin";
type Expect = { allow: true } | { allow: false; code: "unauthenticated" | "forbidden" | "not_found" };

function actorFor(role: Role, scope?: "role" | "developer"): Actor {
  return scope
    ? { type: "token", userId: "u", email: "e", name: "n", tokenId: "t", scope }
    : { type: "user", userId: "u", email: "e", name: "n", sessionId: "s" };
}

/** The table's answer for a role (and a token scope): allowed, or 403 forbidden. */
function fromTable(permission: Permission | null, role: Role, scope?: "role" | "developer"): Expect {
  if (permission === null || can({ role, actor: actorFor(role, scope) }, permission)) return { allow: true };
  return { allow: false, code: "forbidden" };
}

// ---------------------------------------------------------------------------------------------------------
// The rows: how to call each handler (never who may: that comes from the table)
// ---------------------------------------------------------------------------------------------------------

type Params = Record<string, string>;
type Body = unknown;
type RouteRow = {
  /** What CONTRACT §1 says this route needs; it must equal what the route registers. */
  permission: Permission | null;
  params?: (w: World) => Params;
  /** The same call on Other Corp's objects; absent for a collection route (no object id to borrow). */
  foreign?: (w: World) => Params;
  query?: string;
  body?: (w: World, appId: string) => Body;
  /** Runs before each probe, for calls that use their object up. */
  before?: () => Promise<void>;
};

const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
let pkgVersion = 100;
const zip = (appId: string) => new Uint8Array(buildMiniProgramPackage({ appId, version: `${pkgVersion++}.0.0` }));
const hostBody = () => ({ name: `Matrix host ${uniq()}`, platforms: [{ platform: "ios", identifier: `com.matrix.h${uniq()}` }] });
const SSO_UNREACHABLE = { issuer: "http://127.0.0.1:9", clientId: "matrix", clientSecret: "matrix", domains: ["matrix-sso.test"], defaultRole: "developer" };
// A stale revision: allowed callers get 409 conflict, and nothing changes.
const STALE = { revision: 999_999 };

const ensureCollaborator = async () => {
  const [mp] = await s.db.select({ id: miniPrograms.id }).from(miniPrograms).where(and(eq(miniPrograms.orgId, w.orgs.demo), eq(miniPrograms.appId, w.demo.appId)));
  await s.db.insert(collaborators).values({ orgId: w.orgs.demo, miniProgramId: mp!.id, userId: w.demo.collaboratorId, addedBy: w.users.admin }).onConflictDoNothing();
};

const adminOnCoupons = async () => {
  const [mp] = await s.db.select({ id: miniPrograms.id }).from(miniPrograms).where(and(eq(miniPrograms.orgId, w.orgs.demo), eq(miniPrograms.appId, "com.demo.coupons")));
  await s.db.insert(collaborators).values({ orgId: w.orgs.demo, miniProgramId: mp!.id, userId: w.users.admin, addedBy: w.users.admin }).onConflictDoNothing();
};
/** Issue 20: a mini-program of its own for the lifecycle probes, put back into the state each probe starts from. */
const LIFECYCLE_APP = "com.matrix.lifecycle";
const lifecycleApp = (archived: boolean) => async () => {
  await s.db
    .insert(miniPrograms)
    .values({ orgId: w.orgs.demo, id: newId("mp"), appId: LIFECYCLE_APP, name: "Matrix lifecycle", createdBy: w.users.admin })
    .onConflictDoNothing();
  await s.db
    .update(miniPrograms)
    .set({ archivedAt: archived ? new Date() : null, archivedBy: archived ? w.users.admin : null })
    .where(and(eq(miniPrograms.orgId, w.orgs.demo), eq(miniPrograms.appId, LIFECYCLE_APP)));
};

const ROUTE_ROWS: Record<string, RouteRow> = {
  "GET /api/v1/analytics/overview": { permission: "analytics.view", query: `from=${day(-7)}&to=${day(0)}` },
  "GET /api/v1/analytics/anomalies": { permission: "analytics.view", query: `from=${day(-7)}&to=${day(0)}` },
  "GET /api/v1/analytics/adoption": {
    permission: "analytics.view",
    // Coupons is in both organizations (an outsider's token reaches its own), and the admin collaborates on it here,
    // so an admin's developer-scope token reaches it too.
    query: "appId=com.demo.coupons",
    before: async () => {
      const [mp] = await s.db.select({ id: miniPrograms.id }).from(miniPrograms).where(and(eq(miniPrograms.orgId, w.orgs.demo), eq(miniPrograms.appId, "com.demo.coupons")));
      await s.db.insert(collaborators).values({ orgId: w.orgs.demo, miniProgramId: mp!.id, userId: w.users.admin, addedBy: w.users.admin }).onConflictDoNothing();
    },
  },
  "GET /api/v1/analytics/versions/compare": {
    permission: "analytics.view",
    // As for adoption: Coupons is in both organizations, and the admin collaborates on it for the developer-scope token.
    query: "appId=com.demo.coupons",
    before: async () => {
      const [mp] = await s.db.select({ id: miniPrograms.id }).from(miniPrograms).where(and(eq(miniPrograms.orgId, w.orgs.demo), eq(miniPrograms.appId, "com.demo.coupons")));
      await s.db.insert(collaborators).values({ orgId: w.orgs.demo, miniProgramId: mp!.id, userId: w.users.admin, addedBy: w.users.admin }).onConflictDoNothing();
    },
  },
  // Issue 18: one mini-program each; Coupons as for adoption (the admin collaborates on it, see there).
  "GET /api/v1/analytics/errors": { permission: "analytics.view", query: `from=${day(-7)}&to=${day(0)}&appId=com.demo.coupons`, before: adminOnCoupons },
  "GET /api/v1/analytics/pages": { permission: "analytics.view", query: `from=${day(-7)}&to=${day(0)}&appId=com.demo.coupons`, before: adminOnCoupons },
  "GET /api/v1/analytics/events": { permission: "analytics.view", query: `from=${day(-7)}&to=${day(0)}&appId=com.demo.coupons`, before: adminOnCoupons },
  "POST /api/v1/analytics/funnel": {
    permission: "analytics.view",
    body: () => ({ from: day(-7), to: day(0), appId: "com.demo.coupons", steps: [{ type: "page", value: "pages/index/index" }] }),
    before: adminOnCoupons,
  },
  "GET /api/v1/audit": { permission: "audit.view" },
  "GET /api/v1/hosts": { permission: "catalog.read" },
  "POST /api/v1/hosts": { permission: "hosts.manage", body: hostBody },
  "GET /api/v1/hosts/{hostId}": { permission: "catalog.read", params: (w) => ({ hostId: w.demo.hostId }), foreign: (w) => ({ hostId: w.other.hostId }) },
  "PATCH /api/v1/hosts/{hostId}": {
    permission: "hosts.manage",
    params: (w) => ({ hostId: w.demo.hostId }),
    foreign: (w) => ({ hostId: w.other.hostId }),
    body: () => ({ name: "Demo SuperApp" }),
  },
  "POST /api/v1/hosts/{hostId}/rotate-secret": { permission: "hosts.manage", params: (w) => ({ hostId: w.demo.hostId }), foreign: (w) => ({ hostId: w.other.hostId }) },
  "GET /api/v1/hosts/{hostId}/recommendations": { permission: "analytics.view", params: (w) => ({ hostId: w.demo.hostId }), foreign: (w) => ({ hostId: w.other.hostId }) },
  "GET /api/v1/hosts/{hostId}/assignments": { permission: "catalog.read", params: (w) => ({ hostId: w.demo.hostId }), foreign: (w) => ({ hostId: w.other.hostId }) },
  "POST /api/v1/hosts/{hostId}/assignments": {
    permission: "assignments.manage",
    params: (w) => ({ hostId: w.demo.assignHostId }),
    foreign: (w) => ({ hostId: w.other.hostId }),
    body: (w) => ({ appId: "com.demo.weather", versionId: w.demo.assignableVersionId }),
  },
  "GET /api/v1/assignments/{id}": { permission: "catalog.read", params: (w) => ({ id: w.demo.assignmentId }), foreign: (w) => ({ id: w.other.assignmentId }) },
  "PATCH /api/v1/assignments/{id}": {
    permission: "assignments.manage",
    params: (w) => ({ id: w.demo.assignmentId }),
    foreign: (w) => ({ id: w.other.assignmentId }),
    body: () => ({ paused: true, ...STALE }),
  },
  "DELETE /api/v1/assignments/{id}": {
    permission: "assignments.manage",
    params: (w) => ({ id: w.demo.assignmentId }),
    foreign: (w) => ({ id: w.other.assignmentId }),
    body: () => STALE,
  },
  "GET /api/v1/assignments/{id}/events": { permission: "catalog.read", params: (w) => ({ id: w.demo.assignmentId }), foreign: (w) => ({ id: w.other.assignmentId }) },
  "POST /api/v1/assignments/{id}/promote": {
    permission: "assignments.manage",
    params: (w) => ({ id: w.demo.assignmentId }),
    foreign: (w) => ({ id: w.other.assignmentId }),
    body: () => STALE,
  },
  "POST /api/v1/assignments/{id}/rollback": {
    permission: "assignments.manage",
    params: (w) => ({ id: w.demo.assignmentId }),
    foreign: (w) => ({ id: w.other.assignmentId }),
    body: () => STALE,
  },
  "GET /api/v1/releases": { permission: "catalog.read" },
  "POST /api/v1/releases": {
    permission: "assignments.manage",
    // No rings: allowed callers (whatever organization) get 422, and nothing is created.
    body: (w) => ({ appId: w.demo.appId, versionId: w.demo.inReviewVersionId, rings: [] }),
  },
  "GET /api/v1/releases/{id}": { permission: "catalog.read", params: (w) => ({ id: w.demo.releaseId }), foreign: (w) => ({ id: w.other.releaseId }) },
  "POST /api/v1/releases/{id}/cancel": {
    permission: "assignments.manage",
    params: (w) => ({ id: w.demo.releaseId }),
    foreign: (w) => ({ id: w.other.releaseId }),
    body: () => ({}),
  },
  "GET /api/v1/hosts/{hostId}/requests": { permission: "catalog.read", params: (w) => ({ hostId: w.demo.hostId }), foreign: (w) => ({ hostId: w.other.hostId }), query: "status=pending" },
  "POST /api/v1/hosts/{hostId}/requests": {
    permission: "miniPrograms.write",
    params: (w) => ({ hostId: w.demo.hostId }),
    foreign: (w) => ({ hostId: w.other.hostId }),
    body: (w) => ({ appId: w.demo.appId, permissions: ["nfc"], domains: ["https://matrix.example"], reason: "matrix" }),
  },
  "POST /api/v1/requests/{id}/approve": { permission: "hosts.manage", params: (w) => ({ id: w.demo.requestId }), foreign: (w) => ({ id: w.other.requestId }), body: () => ({}) },
  "POST /api/v1/requests/{id}/reject": { permission: "hosts.manage", params: (w) => ({ id: w.demo.requestId }), foreign: (w) => ({ id: w.other.requestId }), body: () => ({ comment: "matrix" }) },
  "GET /api/v1/mini-programs": { permission: "catalog.read" },
  "POST /api/v1/mini-programs": { permission: "miniPrograms.write", body: () => ({ appId: `com.matrix.m${uniq()}`, name: "Matrix" }) },
  "GET /api/v1/mini-programs/{appId}": { permission: "catalog.read", params: (w) => ({ appId: w.demo.appId }), foreign: (w) => ({ appId: w.other.appId }) },
  "PATCH /api/v1/mini-programs/{appId}": {
    permission: "miniPrograms.write",
    params: (w) => ({ appId: w.demo.appId }),
    foreign: (w) => ({ appId: w.other.appId }),
    body: () => ({ description: "Edited by the matrix" }),
  },
  "POST /api/v1/mini-programs/{appId}/archive": {
    permission: "miniPrograms.lifecycle",
    params: () => ({ appId: LIFECYCLE_APP }),
    foreign: (w) => ({ appId: w.other.appId }),
    before: lifecycleApp(false),
  },
  "POST /api/v1/mini-programs/{appId}/restore": {
    permission: "miniPrograms.lifecycle",
    params: () => ({ appId: LIFECYCLE_APP }),
    foreign: (w) => ({ appId: w.other.appId }),
    before: lifecycleApp(true),
  },
  "DELETE /api/v1/mini-programs/{appId}": {
    permission: "miniPrograms.lifecycle",
    params: () => ({ appId: LIFECYCLE_APP }),
    foreign: (w) => ({ appId: w.other.appId }),
    before: lifecycleApp(false),
  },
  "GET /api/v1/mini-programs/{appId}/collaborators": { permission: "catalog.read", params: (w) => ({ appId: w.demo.appId }), foreign: (w) => ({ appId: w.other.appId }) },
  "POST /api/v1/mini-programs/{appId}/collaborators": {
    permission: "collaborators.manage",
    params: (w) => ({ appId: w.demo.appId }),
    foreign: (w) => ({ appId: w.other.appId }),
    body: (w) => ({ email: w.demo.collaboratorEmail }),
  },
  "DELETE /api/v1/mini-programs/{appId}/collaborators/{userId}": {
    permission: "collaborators.manage",
    params: (w) => ({ appId: w.demo.appId, userId: w.demo.collaboratorId }),
    foreign: (w) => ({ appId: w.other.appId, userId: w.users.otherAdmin }),
    before: ensureCollaborator,
  },
  "GET /api/v1/mini-programs/{appId}/versions": { permission: "catalog.read", params: (w) => ({ appId: w.demo.appId }), foreign: (w) => ({ appId: w.other.appId }) },
  "POST /api/v1/mini-programs/{appId}/versions": {
    permission: "miniPrograms.write",
    params: (w) => ({ appId: w.demo.appId }),
    foreign: (w) => ({ appId: w.other.appId }),
    body: (_w, appId) => zip(appId),
  },
  "GET /api/v1/versions/{versionId}": { permission: "catalog.read", params: (w) => ({ versionId: w.demo.ownVersionId }), foreign: (w) => ({ versionId: w.other.versionId }) },
  "PATCH /api/v1/versions/{versionId}": {
    permission: "miniPrograms.write",
    params: (w) => ({ versionId: w.demo.ownVersionId }),
    foreign: (w) => ({ versionId: w.other.versionId }),
    body: () => ({ notes: "Notes by the matrix" }),
  },
  "POST /api/v1/versions/{versionId}/submit": { permission: "miniPrograms.write", params: (w) => ({ versionId: w.demo.ownVersionId }), foreign: (w) => ({ versionId: w.other.versionId }) },
  "POST /api/v1/versions/{versionId}/withdraw": { permission: "miniPrograms.write", params: (w) => ({ versionId: w.demo.ownVersionId }), foreign: (w) => ({ versionId: w.other.versionId }) },
  "POST /api/v1/versions/{versionId}/approve": {
    permission: "review.decide",
    params: (w) => ({ versionId: w.demo.inReviewVersionId }),
    foreign: (w) => ({ versionId: w.other.versionId }),
    body: () => ({ comment: "matrix" }),
  },
  "POST /api/v1/versions/{versionId}/reject": {
    permission: "review.decide",
    params: (w) => ({ versionId: w.demo.inReviewVersionId }),
    foreign: (w) => ({ versionId: w.other.versionId }),
    body: () => ({ reasons: ["security_risk"], comment: "matrix" }),
  },
  "POST /api/v1/versions/{versionId}/revoke": {
    permission: "versions.revoke",
    params: (w) => ({ versionId: w.demo.approvedVersionId }),
    foreign: (w) => ({ versionId: w.other.versionId }),
    body: () => ({ reason: "matrix" }),
  },
  "GET /api/v1/sso": { permission: "settings.manage" },
  // A closed loopback port as the issuer: allowed callers get 422 (unreachable), and nothing is saved.
  "PUT /api/v1/sso": { permission: "settings.manage", body: () => SSO_UNREACHABLE },
  "DELETE /api/v1/sso": { permission: "settings.manage" },
  "GET /api/v1/webhooks": { permission: "settings.manage" },
  "GET /api/v1/webhooks/{id}/deliveries": { permission: "settings.manage", params: (w) => ({ id: w.demo.endpointId }), foreign: (w) => ({ id: w.other.endpointId }) },
  "POST /api/v1/webhooks/{id}/test": { permission: "settings.manage", params: (w) => ({ id: w.demo.endpointId }), foreign: (w) => ({ id: w.other.endpointId }) },
  "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver": {
    permission: "settings.manage",
    params: (w) => ({ id: w.demo.endpointId, deliveryId: w.demo.deliveryId }),
    foreign: (w) => ({ id: w.other.endpointId, deliveryId: w.other.deliveryId }),
  },
};

/**
 * The route handlers the console calls with the browser session. They authorize themselves (session, membership,
 * permission; Origin too when they write), so each row states the permission CONTRACT §1 gives the capability; the
 * probes check the handler against the table through it. An API token is no credential here: only the session is.
 */
type ConsoleCall = { name: string; params: (w: World) => Params; query?: (w: World) => string; body?: (w: World, appId: string) => Body };
type ConsoleRow = {
  permission: Permission;
  /** A write: refuses a request without, or with a foreign, Origin. */
  mutating: boolean;
  /** How every principal calls it: one call per view when the handler serves several (`?view=`). */
  calls: ConsoleCall[];
  /** The same handler on Other Corp's objects or organization, as Demo's owner: each answers 404. */
  foreign: ConsoleCall[];
};

const demoOrg = () => ({ org: "demo" });
const funnelBody = (appId: string) => new TextEncoder().encode(JSON.stringify({ from: day(-7), to: day(0), appId, steps: [{ type: "page", value: "pages/index/index" }] }));
const range = () => `from=${day(-7)}&to=${day(0)}`;

const CONSOLE_ROWS: Record<string, ConsoleRow> = {
  "GET /o/{org}/mini-programs/{appId}/listing/{mediaId}": {
    permission: "catalog.read",
    mutating: false,
    calls: [{ name: "screenshot", params: (w) => ({ org: "demo", appId: w.demo.appId, mediaId: w.demo.mediaId }) }],
    foreign: [
      { name: "Other Corp's image under Demo's appId", params: (w) => ({ org: "demo", appId: w.demo.appId, mediaId: w.other.mediaId }) },
      { name: "Other Corp's appId and image", params: (w) => ({ org: "demo", appId: w.other.appId, mediaId: w.other.mediaId }) },
      { name: "Other Corp's organization", params: (w) => ({ org: "other", appId: w.other.appId, mediaId: w.other.mediaId }) },
    ],
  },
  "GET /o/{org}/audit/export": {
    permission: "audit.view",
    mutating: false,
    calls: [{ name: "filtered export", params: demoOrg, query: () => `${range()}&action=version.` }],
    // Its filters only narrow Demo's own log (an objectId of Other Corp's matches nothing); its one foreign id is
    // the organization.
    foreign: [{ name: "Other Corp's log", params: () => ({ org: "other" }) }],
  },
  "GET /o/{org}/analytics/data": {
    permission: "analytics.view",
    mutating: false,
    calls: [
      { name: "view=overview", params: demoOrg, query: (w) => `view=overview&${range()}&hostId=${w.demo.hostId}&appId=${w.demo.appId}` },
      { name: "view=totals", params: demoOrg, query: (w) => `view=totals&${range()}&hostId=${w.demo.hostId}&appId=${w.demo.appId}` },
      { name: "view=adoption", params: demoOrg, query: (w) => `view=adoption&${range()}&appId=${w.demo.appId}` },
      { name: "view=options", params: demoOrg, query: () => "view=options" },
      { name: "view=previous", params: demoOrg, query: (w) => `view=previous&${range()}&hostId=${w.demo.hostId}&appId=${w.demo.appId}` },
      { name: "view=versions", params: demoOrg, query: () => `view=versions&${range()}&appId=com.demo.coupons` },
      { name: "view=anomalies", params: demoOrg, query: (w) => `view=anomalies&${range()}&hostId=${w.demo.hostId}&appId=${w.demo.appId}` },
      { name: "view=errors", params: demoOrg, query: (w) => `view=errors&${range()}&hostId=${w.demo.hostId}&appId=${w.demo.appId}` },
      { name: "view=pages", params: demoOrg, query: (w) => `view=pages&${range()}&appId=${w.demo.appId}` },
      { name: "view=events", params: demoOrg, query: (w) => `view=events&${range()}&appId=${w.demo.appId}` },
    ],
    foreign: [
      { name: "view=overview, Other Corp's hostId", params: demoOrg, query: (w) => `view=overview&${range()}&hostId=${w.other.hostId}` },
      { name: "view=overview, Other Corp's appId", params: demoOrg, query: (w) => `view=overview&${range()}&appId=${w.other.appId}` },
      { name: "view=totals, Other Corp's hostId", params: demoOrg, query: (w) => `view=totals&${range()}&hostId=${w.other.hostId}` },
      { name: "view=totals, Other Corp's appId", params: demoOrg, query: (w) => `view=totals&${range()}&appId=${w.other.appId}` },
      { name: "view=adoption, Other Corp's appId", params: demoOrg, query: (w) => `view=adoption&${range()}&appId=${w.other.appId}` },
      { name: "view=previous, Other Corp's appId", params: demoOrg, query: (w) => `view=previous&${range()}&appId=${w.other.appId}` },
      { name: "view=versions, Other Corp's appId", params: demoOrg, query: (w) => `view=versions&${range()}&appId=${w.other.appId}` },
      { name: "view=options, Other Corp's organization", params: () => ({ org: "other" }), query: () => "view=options" },
      { name: "view=anomalies, Other Corp's hostId", params: demoOrg, query: (w) => `view=anomalies&${range()}&hostId=${w.other.hostId}` },
      { name: "view=anomalies, Other Corp's appId", params: demoOrg, query: (w) => `view=anomalies&${range()}&appId=${w.other.appId}` },
      { name: "view=errors, Other Corp's appId", params: demoOrg, query: (w) => `view=errors&${range()}&appId=${w.other.appId}` },
      { name: "view=pages, Other Corp's hostId", params: demoOrg, query: (w) => `view=pages&${range()}&appId=${w.demo.appId}&hostId=${w.other.hostId}` },
    ],
  },
  "POST /o/{org}/analytics/funnel": {
    permission: "analytics.view",
    // Changes nothing, but a POST: it checks Origin like every console POST.
    mutating: true,
    calls: [{ name: "steps", params: demoOrg, body: (w) => funnelBody(w.demo.appId) }],
    foreign: [
      { name: "Other Corp's appId", params: demoOrg, body: (w) => funnelBody(w.other.appId) },
      { name: "Other Corp's organization", params: () => ({ org: "other" }), body: (w) => funnelBody(w.other.appId) },
    ],
  },
  "POST /o/{org}/mini-programs/{appId}/upload": {
    permission: "miniPrograms.write",
    mutating: true,
    calls: [{ name: "package", params: (w) => ({ org: "demo", appId: w.demo.appId }), body: (_w, appId) => zip(appId) }],
    foreign: [
      { name: "Other Corp's appId", params: (w) => ({ org: "demo", appId: w.other.appId }), body: (_w, appId) => zip(appId) },
      { name: "Other Corp's organization", params: (w) => ({ org: "other", appId: w.other.appId }), body: (_w, appId) => zip(appId) },
    ],
  },
};

/**
 * Route files outside the matrix, each with the reason. A key ending in `/*` covers every route under it.
 * Everything else under app/ is either /api/v1 (ROUTE_ROWS) or a console handler (CONSOLE_ROWS).
 */
const EXCLUDED_ROUTES: Record<string, string> = {
  "/api/sdk/v1/*":
    "the signed SDK API (CONTRACT §6): no session, token or role, only a host app's HMAC signature. Every handler " +
    "here must be built with sdkRoute (checked below); its verifier is specified by lib/sdk-server/verify.test.ts, " +
    "and every route under it by test/hostile-input.test.ts's sweep (unsigned, badly signed, stale, hostile input)",
  "/api/auth/{...nextauth}":
    "Auth.js's own endpoints (providers, CSRF token, session, credentials callback): public by design, guarded by " +
    "Auth.js's CSRF token; the credentials check is throttled in lib/auth (lib/auth/throttle), and touches no tenant data",
  "/preview/*":
    "the sandboxed package preview's frame (issue 17): its opaque origin sends no cookie, so no session or role reaches " +
    "it; the capability is the sealed, expiring token in its path, minted by the versions.preview action (in this " +
    "matrix) and re-checked against the live session, membership and version on every request: " +
    "lib/services/preview.test.ts covers a forged, expired, foreign, signed-out and removed-member token",
  "/api/health": "liveness: public constant JSON that reads and writes nothing",
  "/sign-in/sso/callback":
    "where identity providers send the browser back (CONTRACT §9): public by design, as any OAuth redirect URI; it acts " +
    "only on the flow this browser started (an encrypted one-time cookie with state, nonce and PKCE verifier) and on an " +
    "ID token openid-client verified; lib/sso/flow.test.ts and e2e/sso.spec.ts drive it against a real provider",
  "/api/v1/openapi.json":
    "the API description (CONTRACT §10): public by design, like any API reference; a constant document built from " +
    "code that reads and writes nothing and holds no tenant data",
};

const exclusionOf = (routePath: string): string | undefined =>
  Object.keys(EXCLUDED_ROUTES).find((k) => (k.endsWith("/*") ? routePath.startsWith(k.slice(0, -1)) : routePath === k));

type Input = Record<string, unknown>;
type OrgActionRow = {
  permission: Permission;
  input: (w: World, who: ActionPrincipal) => Promise<Input> | Input;
  /** The same call with Other Corp's object ids; absent when the action takes none (it creates). */
  foreign?: (w: World) => Input;
};

/** A copy of a listing image's row (same blob), written directly so the five-screenshot limit does not apply. */
const copyMedia = async (mediaId: string): Promise<string> => {
  const [row] = await s.db.select().from(miniProgramMedia).where(eq(miniProgramMedia.id, mediaId));
  const id = newId("med");
  await s.db.insert(miniProgramMedia).values({ ...row!, id });
  return id;
};

const freshMember = async () => insertUser(`member-${uniq()}@demo.test`, w.orgs.demo, "analyst");
const userOf = (who: ActionPrincipal): string => (who in w.users ? w.users[who as Role] : w.users.owner);

const ORG_ACTION_ROWS: Record<string, OrgActionRow> = {
  "assignments.assign": {
    permission: "assignments.manage",
    input: (w) => ({ hostId: w.demo.assignHostId, appId: "com.demo.weather", versionId: w.demo.assignableVersionId }),
    foreign: (w) => ({ hostId: w.other.hostId, appId: "com.demo.coupons", versionId: w.other.versionId }),
  },
  "assignments.update": {
    permission: "assignments.manage",
    input: (w) => ({ id: w.demo.assignmentId, paused: true, ...STALE }),
    foreign: (w) => ({ id: w.other.assignmentId, paused: true, ...STALE }),
  },
  "assignments.promote": { permission: "assignments.manage", input: (w) => ({ id: w.demo.assignmentId, ...STALE }), foreign: (w) => ({ id: w.other.assignmentId, ...STALE }) },
  "assignments.rollback": { permission: "assignments.manage", input: (w) => ({ id: w.demo.assignmentId, ...STALE }), foreign: (w) => ({ id: w.other.assignmentId, ...STALE }) },
  "releases.create": {
    permission: "assignments.manage",
    input: (w) => ({ appId: w.demo.appId, versionId: w.demo.inReviewVersionId, rings: [{ name: "matrix", hostIds: [w.demo.hostId] }] }),
  },
  "releases.cancel": { permission: "assignments.manage", input: (w) => ({ id: w.demo.releaseId, revision: 1 }), foreign: (w) => ({ id: w.other.releaseId, revision: 1 }) },
  "releases.promote_ring": { permission: "assignments.manage", input: (w) => ({ id: w.demo.releaseId, ring: 0 }), foreign: (w) => ({ id: w.other.releaseId, ring: 0 }) },
  "assignments.unassign": { permission: "assignments.manage", input: (w) => ({ id: w.demo.assignmentId, ...STALE }), foreign: (w) => ({ id: w.other.assignmentId, ...STALE }) },
  "hosts.create": { permission: "hosts.manage", input: () => hostBody() },
  "hosts.update": {
    permission: "hosts.manage",
    input: (w) => ({ hostId: w.demo.hostId, name: "Demo SuperApp", description: "", platforms: [{ platform: "ios", identifier: "com.demo.superapp" }] }),
    foreign: (w) => ({ hostId: w.other.hostId, name: "Mine now", description: "", platforms: [{ platform: "ios", identifier: "com.demo.superapp" }] }),
  },
  "hosts.setStatus": { permission: "hosts.manage", input: (w) => ({ hostId: w.demo.hostId, status: "active" }), foreign: (w) => ({ hostId: w.other.hostId, status: "disabled" }) },
  "hosts.updatePolicy": {
    permission: "hosts.manage",
    input: (w) => ({ hostId: w.demo.hostId, policy: { minSdkVersion: null } }),
    foreign: (w) => ({ hostId: w.other.hostId, policy: { minSdkVersion: "9.0.0" } }),
  },
  "permissionRequests.create": {
    permission: "miniPrograms.write",
    input: (w) => ({ hostId: w.demo.hostId, appId: w.demo.appId, permissions: ["nfc"], domains: ["https://matrix.example"], reason: "matrix" }),
    foreign: (w) => ({ hostId: w.other.hostId, appId: "com.demo.coupons", permissions: ["nfc"] }),
  },
  "permissionRequests.approve": { permission: "hosts.manage", input: (w) => ({ id: w.demo.requestId }), foreign: (w) => ({ id: w.other.requestId }) },
  "permissionRequests.reject": { permission: "hosts.manage", input: (w) => ({ id: w.demo.requestId, comment: "matrix" }), foreign: (w) => ({ id: w.other.requestId, comment: "matrix" }) },
  "hosts.rotateSecret": { permission: "hosts.manage", input: (w) => ({ hostId: w.demo.hostId }), foreign: (w) => ({ hostId: w.other.hostId }) },
  "members.invite": { permission: "members.manage", input: () => ({ email: `new-${uniq()}@demo.test`, role: "analyst" }) },
  "members.revokeInvitation": {
    permission: "members.manage",
    input: async () => {
      const email = `inv-${uniq()}@demo.test`;
      await inviteMember(await s.as("owner"), { email, role: "analyst" });
      return { invitationId: await invitationIdOf(w.orgs.demo, email) };
    },
    foreign: (w) => ({ invitationId: w.other.invitationId }),
  },
  "members.changeRole": { permission: "members.manage", input: async () => ({ userId: await freshMember(), role: "reviewer" }), foreign: (w) => ({ userId: w.users.otherAdmin, role: "analyst" }) },
  "members.endSessions": { permission: "members.manage", input: async () => ({ userId: await freshMember() }), foreign: (w) => ({ userId: w.users.otherAdmin }) },
  "members.issueResetLink": { permission: "members.manage", input: async () => ({ userId: await freshMember() }), foreign: (w) => ({ userId: w.users.otherAdmin }) },
  // One's own account: the profile as it was (nothing another probe reads changes); a wrong current password is the
  // service's own 422, after authorization.
  "account.updateProfile": { permission: "account.manage", input: () => ({ name: "Matrix Person", locale: "en", theme: "system" }) },
  "account.changePassword": { permission: "account.manage", input: () => ({ currentPassword: "not-the-password", newPassword: "a-new-long-enough-password" }) },
  // One's own sessions: a fresh one of the caller's to sign out; Other Corp's admin's session answers like a missing one.
  "sessions.revoke": {
    permission: "account.manage",
    input: async (w, who) => ({ sessionId: await insertSession(userOf(who)) }),
    foreign: (w) => ({ sessionId: w.sessions.otherAdmin }),
  },
  "sessions.revokeOthers": { permission: "account.manage", input: () => ({}) },
  // One's own two-factor: nobody in the matrix has it on, so confirming a wrong code, new recovery codes and turning
  // it off are each the service's own 422/409, after authorization.
  "twoFactor.begin": { permission: "account.manage", input: () => ({}) },
  "twoFactor.confirm": { permission: "account.manage", input: () => ({ code: "000000" }) },
  "twoFactor.regenerateRecoveryCodes": { permission: "account.manage", input: () => ({ code: "000000" }) },
  "twoFactor.disable": { permission: "account.manage", input: () => ({ proof: "000000" }) },
  "organization.requireTwoFactor": { permission: "settings.manage", input: () => ({ required: false }) },
  "members.remove": { permission: "members.manage", input: async () => ({ userId: await freshMember() }), foreign: (w) => ({ userId: w.users.otherAdmin }) },
  "miniPrograms.create": { permission: "miniPrograms.write", input: () => ({ appId: `com.matrix.a${uniq()}`, name: "Matrix" }) },
  "listing.addImage": {
    permission: "miniPrograms.write",
    input: (w) => ({ appId: w.demo.appId, kind: "icon", data: solidPng(64, 64).toString("base64") }),
    foreign: (w) => ({ appId: w.other.appId, kind: "icon", data: solidPng(64, 64).toString("base64") }),
  },
  "listing.removeImage": {
    permission: "miniPrograms.write",
    // A fresh screenshot per call: the first allowed caller removes it, so each gets its own.
    input: async (w) => ({ appId: w.demo.appId, mediaId: await copyMedia(w.demo.mediaId) }),
    foreign: (w) => ({ appId: w.other.appId, mediaId: w.other.mediaId }),
  },
  "listing.setPrivacy": {
    permission: "miniPrograms.write",
    input: (w) => ({ appId: w.demo.appId, rows: [{ permission: "location", data: "Position", purpose: "Find a parking space" }] }),
    foreign: (w) => ({ appId: w.other.appId, rows: [] }),
  },
  "miniPrograms.update": {
    permission: "miniPrograms.write",
    input: (w) => ({ appId: w.demo.appId, patch: { description: "Edited by the matrix" } }),
    foreign: (w) => ({ appId: w.other.appId, patch: { description: "Mine now" } }),
  },
  "miniPrograms.archive": {
    permission: "miniPrograms.lifecycle",
    input: async () => (await lifecycleApp(false)(), { appId: LIFECYCLE_APP }),
    foreign: (w) => ({ appId: w.other.appId }),
  },
  "miniPrograms.restore": {
    permission: "miniPrograms.lifecycle",
    input: async () => (await lifecycleApp(true)(), { appId: LIFECYCLE_APP }),
    foreign: (w) => ({ appId: w.other.appId }),
  },
  "miniPrograms.delete": {
    permission: "miniPrograms.lifecycle",
    input: async () => (await lifecycleApp(false)(), { appId: LIFECYCLE_APP }),
    foreign: (w) => ({ appId: w.other.appId }),
  },
  "collaborators.add": { permission: "collaborators.manage", input: (w) => ({ appId: w.demo.appId, email: w.demo.collaboratorEmail }), foreign: (w) => ({ appId: w.other.appId, email: "admin@other.test" }) },
  "collaborators.remove": {
    permission: "collaborators.manage",
    input: async (w) => {
      await ensureCollaborator();
      return { appId: w.demo.appId, userId: w.demo.collaboratorId };
    },
    foreign: (w) => ({ appId: w.other.appId, userId: w.users.otherAdmin }),
  },
  "versions.submit": { permission: "miniPrograms.write", input: (w) => ({ versionId: w.demo.ownVersionId }), foreign: (w) => ({ versionId: w.other.versionId }) },
  "notifications.markRead": { permission: "account.manage", input: () => ({ all: true }) },
  "versions.preview": { permission: "catalog.read", input: (w) => ({ versionId: w.demo.ownVersionId }), foreign: (w) => ({ versionId: w.other.versionId }) },
  "versions.withdraw": { permission: "miniPrograms.write", input: (w) => ({ versionId: w.demo.ownVersionId }), foreign: (w) => ({ versionId: w.other.versionId }) },
  "reviews.claim": { permission: "review.decide", input: (w) => ({ versionId: w.demo.inReviewVersionId }), foreign: (w) => ({ versionId: w.other.versionId }) },
  "reviews.release": { permission: "review.decide", input: (w) => ({ versionId: w.demo.inReviewVersionId }), foreign: (w) => ({ versionId: w.other.versionId }) },
  "reviews.approve": { permission: "review.decide", input: (w) => ({ versionId: w.demo.inReviewVersionId, comment: "" }), foreign: (w) => ({ versionId: w.other.versionId, comment: "" }) },
  "reviews.reject": {
    permission: "review.decide",
    input: (w) => ({ versionId: w.demo.inReviewVersionId, reasons: ["security_risk"], comment: "" }),
    foreign: (w) => ({ versionId: w.other.versionId, reasons: ["security_risk"], comment: "" }),
  },
  "reviews.revoke": { permission: "versions.revoke", input: (w) => ({ versionId: w.demo.approvedVersionId, reason: "matrix" }), foreign: (w) => ({ versionId: w.other.versionId, reason: "matrix" }) },
  "tokens.create": { permission: "tokens.manage", input: () => ({ name: "matrix", expiresInDays: 1, scope: "role" }) },
  "tokens.revoke": {
    permission: "tokens.manage",
    // The caller's own token: developers may revoke only theirs.
    input: async (w, who) => ({ tokenId: (await insertToken(w.orgs.demo, userOf(who), "role")).id }),
    foreign: (w) => ({ tokenId: w.other.tokenId }),
  },
  "sso.save": { permission: "settings.manage", input: () => SSO_UNREACHABLE },
  "sso.disable": { permission: "settings.manage", input: () => ({}) },
  "settings.rotateManifestKey": { permission: "settings.manage", input: () => ({}) },
  // The organization itself (issue 20 item 1). Each allowed call is valid yet changes nothing of Demo's: its own name
  // again, Other Corp's slug (409), a transfer to oneself (422), deleting an organization with host apps (409).
  "organization.rename": { permission: "organization.rename", input: () => ({ name: "Demo Enterprise" }) },
  "organization.changeSlug": { permission: "organization.manage", input: () => ({ slug: "other" }) },
  "organization.transferOwnership": {
    permission: "organization.manage",
    input: (w) => ({ userId: w.users.owner, password: "not-the-password" }),
    foreign: (w) => ({ userId: w.users.otherAdmin, password: "not-the-password" }),
  },
  "organization.delete": { permission: "organization.manage", input: () => ({ confirmSlug: "demo" }) },
  "webhooks.create": { permission: "settings.manage", input: () => ({ url: `https://hooks.example.com/${uniq()}`, events: ["version.approved"] }) },
  "webhooks.setActive": { permission: "settings.manage", input: (w) => ({ endpointId: w.demo.endpointId, active: true }), foreign: (w) => ({ endpointId: w.other.endpointId, active: false }) },
  "webhooks.delete": {
    permission: "settings.manage",
    input: async (w) => ({ endpointId: await insertEndpoint(w.orgs.demo, w.users.admin) }),
    foreign: (w) => ({ endpointId: w.other.endpointId }),
  },
  "webhooks.test": { permission: "settings.manage", input: (w) => ({ endpointId: w.demo.endpointId }), foreign: (w) => ({ endpointId: w.other.endpointId }) },
  "webhooks.resend": { permission: "settings.manage", input: (w) => ({ deliveryId: w.demo.deliveryId }), foreign: (w) => ({ deliveryId: w.other.deliveryId }) },
};

/**
 * Actions outside an organization. Each row states who may call it; all of them refuse a missing or foreign
 * Origin and then write nothing.
 */
type NonOrgRow = {
  mayCall: string;
  call: (fn: (...args: never[]) => Promise<unknown>, w: World) => Promise<unknown>;
  /** Probes of who may call it: the caller's session, and whether the call should pass. */
  probes: { who: "none" | Role; expect: "allowed" | "forbidden" }[];
  /** How a call that passed shows: a result, a cookie, a spy. */
  passed: (result: Outcome) => boolean;
};
type Outcome = { value?: unknown; error?: unknown; before: Snapshot; after: Snapshot };

let inviteToken = "";
let resetToken = "";
const NON_ORG_ROWS: Record<string, NonOrgRow> = {
  signInAction: {
    mayCall: "anyone (the credentials are the check, and are throttled)",
    call: (fn) => {
      const form = new FormData();
      form.set("email", "analyst@demo.test");
      form.set("password", "demo-password");
      return (fn as unknown as (p: object, f: FormData) => Promise<unknown>)({}, form);
    },
    probes: [
      { who: "none", expect: "allowed" },
      { who: "analyst", expect: "allowed" },
    ],
    passed: (o) => o.after.signIns === o.before.signIns + 1,
  },
  continueSignInAction: {
    mayCall: "anyone: the email step answers from the email's domain only (a domain with single sign-on goes to its provider)",
    call: (fn) => {
      const form = new FormData();
      form.set("email", "analyst@demo.test");
      return (fn as unknown as (p: object, f: FormData) => Promise<unknown>)({}, form);
    },
    probes: [
      { who: "none", expect: "allowed" },
      { who: "analyst", expect: "allowed" },
    ],
    passed: (o) => (o.value as { step?: string } | undefined)?.step === "password",
  },
  signOutAction: {
    mayCall: "anyone; it revokes the caller's own session row, if any",
    call: (fn) => (fn as unknown as () => Promise<unknown>)(),
    probes: [
      { who: "none", expect: "allowed" },
      { who: "analyst", expect: "allowed" },
    ],
    // It ends in a redirect to /sign-in, after clearing the cookie.
    passed: (o) => o.after.signOuts === o.before.signOuts + 1 && String((o.error as { digest?: string })?.digest).includes("/sign-in"),
  },
  setLocaleAction: {
    mayCall: "anyone (a display preference in a cookie; changes no data)",
    call: (fn) => (fn as unknown as (l: string) => Promise<unknown>)("en"),
    probes: [
      { who: "none", expect: "allowed" },
      { who: "analyst", expect: "allowed" },
    ],
    passed: (o) => o.after.cookies > o.before.cookies,
  },
  setThemeAction: {
    mayCall: "anyone (a display preference in a cookie; changes no data)",
    call: (fn) => (fn as unknown as (t: string) => Promise<unknown>)("dark"),
    probes: [
      { who: "none", expect: "allowed" },
      { who: "analyst", expect: "allowed" },
    ],
    passed: (o) => o.after.cookies > o.before.cookies,
  },
  setTimeZoneModeAction: {
    mayCall: "anyone (a display preference in a cookie; changes no data)",
    call: (fn) => (fn as unknown as (m: string) => Promise<unknown>)("utc"),
    probes: [
      { who: "none", expect: "allowed" },
      { who: "analyst", expect: "allowed" },
    ],
    passed: (o) => o.after.cookies > o.before.cookies,
  },
  createOrganizationAction: {
    mayCall: "any signed-in person (the creator becomes the owner), unless ALLOW_ORG_CREATION=0",
    call: (fn) => (fn as unknown as (i: object) => Promise<unknown>)({ name: "Matrix Org", slug: `matrix-${uniq()}` }),
    probes: [{ who: "analyst", expect: "allowed" }],
    passed: (o) => (o.value as ActionResult<unknown>)?.ok === true,
  },
  requestPasswordResetAction: {
    mayCall: "anyone (the same answer for every email; without SMTP_URL the service's own 409 says to ask an administrator)",
    call: (fn) => (fn as unknown as (i: object) => Promise<unknown>)({ email: "nobody-matrix@demo.test" }),
    probes: [
      { who: "none", expect: "allowed" },
      { who: "analyst", expect: "allowed" },
    ],
    passed: (o) => {
      const v = o.value as ActionResult<unknown> | undefined;
      return v?.ok === true || (v?.ok === false && v.error.code === "conflict");
    },
  },
  resetPasswordAction: {
    mayCall: "whoever holds the reset link's token (signed in or not)",
    call: (fn) => (fn as unknown as (i: object) => Promise<unknown>)({ token: resetToken, password: "a-long-enough-password" }),
    probes: [
      { who: "none", expect: "allowed" },
      { who: "analyst", expect: "allowed" },
    ],
    passed: (o) => (o.value as ActionResult<unknown>)?.ok === true,
  },
  acceptInvitationAction: {
    mayCall: "whoever holds the invitation's token: signed out (a new account), or signed in as the invited email",
    call: (fn) => (fn as unknown as (i: object) => Promise<unknown>)({ token: inviteToken, name: "Invited", password: "a-long-enough-password" }),
    probes: [
      { who: "none", expect: "allowed" },
      // Signed in as someone else: the token alone is not enough.
      { who: "analyst", expect: "forbidden" },
    ],
    passed: (o) => (o.value as ActionResult<unknown>)?.ok === true,
  },
};

// ---------------------------------------------------------------------------------------------------------
// Calling
// ---------------------------------------------------------------------------------------------------------

type Snapshot = {
  audit: number;
  versions: number;
  sessions: number;
  revoked: number;
  cookies: number;
  signIns: number;
  signOuts: number;
  entered: number;
  served: number;
};

async function snapshot(): Promise<Snapshot> {
  const [a] = await s.db.select({ n: count() }).from(auditLog);
  const [v] = await s.db.select({ n: count() }).from(versions);
  const all = await s.db.select({ revokedAt: sessions.revokedAt }).from(sessions);
  return {
    audit: a!.n,
    versions: v!.n,
    sessions: all.length,
    revoked: all.filter((r) => r.revokedAt).length,
    cookies: probe.cookiesSet.length,
    signIns: probe.signIns,
    signOuts: probe.signOuts,
    entered: probe.entered,
    served: probe.served,
  };
}

function fill(routePath: string, params: Params): string {
  return routePath.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? `missing-${k}`));
}

const SAME_ORIGIN = { origin: "http://console.test", host: "console.test" };
/** Next.js's internal headers, sent by the credential-less principal: none of them may stand in for a session. */
const INTERNAL = {
  "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware",
  "x-middleware-prefetch": "1",
  "x-nextjs-data": "1",
  "x-invoke-path": "/o/demo",
  "x-middleware-invoke": "1",
};

type Answer = { status: number; code?: string; text: string };

async function callRoute(d: Discovered<RouteFn>, token: string | null, params: Params, row: RouteRow): Promise<Answer> {
  const [method, routePath] = d.key.split(" ") as [string, string];
  const url = `http://atrium.test${fill(routePath, params)}${row.query ? `?${row.query}` : ""}`;
  const raw = row.body?.(w, params.appId ?? "");
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : { ...INTERNAL };
  let body: BodyInit | undefined;
  if (raw instanceof Uint8Array) {
    body = raw as Uint8Array<ArrayBuffer>;
    headers["content-type"] = "application/zip";
  } else if (raw !== undefined) {
    body = JSON.stringify(raw);
    headers["content-type"] = "application/json";
  }
  const res = await d.fn(new NextRequest(url, { method, headers, body }), { params: Promise.resolve(params) });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code, text };
}

/** A console handler, called as the browser does: the request's headers are also what next/headers answers. */
async function callConsole(d: Discovered<RouteFn>, call: ConsoleCall, headers: Headers): Promise<Answer & { type: string }> {
  const [method, routePath] = d.key.split(" ") as [string, string];
  const params = call.params(w);
  const url = `http://console.test${fill(routePath, params)}${call.query ? `?${call.query(w)}` : ""}`;
  const raw = call.body?.(w, params.appId ?? "");
  if (raw instanceof Uint8Array) headers.set("content-type", "application/zip");
  probe.headers = headers;
  const res = await d.fn(new NextRequest(url, { method, headers, body: raw as Uint8Array<ArrayBuffer> | undefined }), { params: Promise.resolve(params) });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code, text, type: res.headers.get("content-type") ?? "" };
}


function setRequest(who: "none" | Role | "otherAdmin", origin: Record<string, string> = SAME_ORIGIN) {
  probe.headers = new Headers(origin);
  probe.sid = who === "none" ? null : w.sessions[who];
}

const DENY_STATUS = { unauthenticated: 401, forbidden: 403, not_found: 404 } as const;
const ALLOWED_STATUS = new Set([200, 201, 204, 409, 422]);

// ---------------------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------------------

const routes: Discovered<RouteFn>[] = [];
const consoleRoutes: Discovered<RouteFn>[] = [];
/** Route files outside the matrix: the exclusion that covers each; none for a file nothing covers. */
const excludedFiles: { file: string; routePath: string; exclusion: string | undefined }[] = [];
const sdkHandlers: { key: string; signed: boolean }[] = [];
const orgActions: Discovered<(org: string, input: unknown) => Promise<ActionResult<unknown>>>[] = [];
const nonOrgActions: Discovered<(...args: never[]) => Promise<unknown>>[] = [];
const tally = { probes: 0, principals: new Set<string>() };

const methodsOf = (mod: Record<string, unknown>) => Object.entries(mod).filter(([name]) => HTTP_METHODS.includes(name));

beforeAll(async () => {
  for (const file of sourceFiles("app").filter((f) => path.basename(f) === "route.ts")) {
    const routePath = routePathOf(file);
    if (routePath.startsWith("/api/v1/") && !exclusionOf(routePath)) {
      for (const [exportName, fn] of methodsOf((await import(file)) as Record<string, unknown>)) {
        const meta = probe.routeMeta.get(fn as object);
        // A handler not built with apiRoute has no registered permission: that is a failure too.
        const key = meta ? `${meta.method} ${meta.path}` : `${exportName} ${routePath} (not built with apiRoute)`;
        routes.push({ key, file, exportName, fn: fn as RouteFn, permission: (meta?.permission ?? null) as Permission | null });
      }
    } else if (routePath.startsWith("/o/")) {
      for (const [exportName, fn] of methodsOf((await import(file)) as Record<string, unknown>)) {
        const key = `${exportName} ${routePath}`;
        consoleRoutes.push({ key, file, exportName, fn: fn as RouteFn, permission: CONSOLE_ROWS[key]?.permission ?? null });
      }
    } else {
      const exclusion = exclusionOf(routePath);
      excludedFiles.push({ file, routePath, exclusion });
      if (exclusion === "/api/sdk/v1/*") {
        for (const [exportName, fn] of methodsOf((await import(file)) as Record<string, unknown>)) {
          sdkHandlers.push({ key: `${exportName} ${routePath}`, signed: probe.sdkRoutes.has(fn as object) });
        }
      }
    }
  }
  for (const file of [...sourceFiles("app"), ...sourceFiles("lib")].filter(isUseServer)) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [exportName, fn] of Object.entries(mod)) {
      if (typeof fn !== "function") continue;
      const meta = probe.actionMeta.get(fn);
      if (meta) orgActions.push({ key: meta.name, file, exportName, fn: fn as never, permission: meta.permission as Permission });
      else nonOrgActions.push({ key: exportName, file, exportName, fn: fn as never, permission: null });
    }
  }
});

afterAll(() => {
  const org = orgActions.length;
  const other = nonOrgActions.length;
  const excluded = excludedFiles.filter((f) => f.exclusion).length;
  console.log(
    `[permission matrix] ${tally.probes} probes over ${routes.length + consoleRoutes.length} routes (${routes.length} /api/v1, ${consoleRoutes.length} console handlers; ` +
      `${excluded} route files excluded), ${org + other} actions (${org} organization actions, ${other} others), ${tally.principals.size} principals`,
  );
});

describe("discovery", () => {
  it("finds the /api/v1 routes and the server actions", () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
    expect(orgActions.length).toBeGreaterThanOrEqual(25);
    expect(nonOrgActions.map((a) => a.key)).toContain("signInAction");
  });

  it("every route is built with apiRoute, registered under its file's path and method, and has a row", () => {
    for (const r of routes) {
      expect(r.key, r.file).toBe(`${r.exportName} ${routePathOf(r.file)}`);
      expect(Object.keys(ROUTE_ROWS), `no matrix row for ${r.key}`).toContain(r.key);
      expect(r.permission, `${r.key} registers a different permission than its row`).toBe(ROUTE_ROWS[r.key]!.permission);
    }
    // And no row is left over from a route that is gone.
    expect(Object.keys(ROUTE_ROWS).sort()).toEqual(routes.map((r) => r.key).sort());
  });

  it("every route.ts under app/ is /api/v1, a console handler with a row, or under a listed exclusion", () => {
    expect(consoleRoutes.length).toBeGreaterThanOrEqual(3);
    for (const f of excludedFiles) expect(f.exclusion, `${path.relative(ROOT, f.file)} (${f.routePath}) has no matrix row and no exclusion`).toBeDefined();
    for (const key of Object.keys(EXCLUDED_ROUTES)) expect(excludedFiles.some((f) => f.exclusion === key), `exclusion ${key} covers no route`).toBe(true);
    for (const r of consoleRoutes) expect(Object.keys(CONSOLE_ROWS), `no matrix row for console handler ${r.key}`).toContain(r.key);
    expect(Object.keys(CONSOLE_ROWS).sort()).toEqual(consoleRoutes.map((r) => r.key).sort());
  });

  it("the signed SDK API, excluded from the matrix, is built with sdkRoute throughout", () => {
    expect(sdkHandlers.length).toBeGreaterThanOrEqual(3);
    expect(sdkHandlers.filter((h) => !h.signed).map((h) => h.key)).toEqual([]);
  });

  it("a console handler's row calls every view it serves", () => {
    for (const r of consoleRoutes) {
      const views = [...fs.readFileSync(r.file, "utf8").matchAll(/view === "(\w+)"/g)].map((m) => m[1]!);
      const called = (CONSOLE_ROWS[r.key]?.calls ?? []).map((c) => /(?:^|&)view=(\w+)/.exec(c.query?.(w) ?? "")?.[1]).filter(Boolean);
      for (const v of views) expect(called, `${r.key}: no call for view=${v}`).toContain(v);
    }
  });

  it("every server action has a row: organization actions by their registered name, others by export", () => {
    for (const a of orgActions) {
      expect(Object.keys(ORG_ACTION_ROWS), `no matrix row for action ${a.key} (${a.file})`).toContain(a.key);
      expect(a.permission, `${a.key} registers a different permission than its row`).toBe(ORG_ACTION_ROWS[a.key]!.permission);
    }
    for (const a of nonOrgActions) expect(Object.keys(NON_ORG_ROWS), `no matrix row for action ${a.exportName} (${a.file})`).toContain(a.key);
    expect(Object.keys(ORG_ACTION_ROWS).sort()).toEqual(orgActions.map((a) => a.key).sort());
    expect(Object.keys(NON_ORG_ROWS).sort()).toEqual(nonOrgActions.map((a) => a.key).sort());
  });
});

const ROUTE_PRINCIPALS: RoutePrincipal[] = [...ROLES, "adminDevScope", "none", "outsider", "foreignIds"];
const ACTION_PRINCIPALS: ActionPrincipal[] = [...ROLES, "none", "outsider", "foreignIds", "noOrigin", "foreignOrigin"];

describe("/api/v1 routes", () => {
  it("answer every principal exactly as the permission table says", async () => {
    const failures: string[] = [];
    const demoIds = () => [w.orgs.demo, w.demo.hostId, w.demo.assignmentId, w.demo.ownVersionId, w.demo.inReviewVersionId, w.demo.approvedVersionId];
    for (const r of routes) {
      const row = ROUTE_ROWS[r.key];
      if (!row) continue;
      for (const who of ROUTE_PRINCIPALS) {
        let token: string | null;
        let params: Params = row.params?.(w) ?? {};
        let expected: Expect;
        if (who === "none") {
          token = null;
          expected = { allow: false, code: "unauthenticated" };
        } else if (who === "outsider") {
          // Other Corp's admin, with Demo's ids: a foreign object answers like a missing one.
          token = w.tokens.otherAdmin;
          expected = row.params ? { allow: false, code: "not_found" } : { allow: true };
        } else if (who === "foreignIds") {
          if (!row.foreign) continue;
          token = w.tokens.owner;
          params = row.foreign(w);
          expected = { allow: false, code: "not_found" };
        } else if (who === "adminDevScope") {
          token = w.tokens.adminDevScope;
          expected = fromTable(r.permission, "admin", "developer");
        } else {
          token = w.tokens[who];
          // Seeded developers hold developer-scope tokens (CONTRACT §2); everyone else role-scope ones.
          expected = fromTable(r.permission, who, who === "developer" ? "developer" : "role");
        }
        await row.before?.();
        const before = await snapshot();
        const got = await callRoute(r, token, params, row);
        const after = await snapshot();
        tally.probes++;
        tally.principals.add(who);
        const label = `${r.key} as ${who}`;
        if (expected.allow) {
          if (!ALLOWED_STATUS.has(got.status)) failures.push(`${label}: expected to pass authorization, got ${got.status} ${got.code ?? ""} ${got.text.slice(0, 120)}`);
          if (who === "outsider" && demoIds().some((id) => got.text.includes(id))) failures.push(`${label}: answer shows Demo's ids`);
        } else {
          if (got.status !== DENY_STATUS[expected.code] || got.code !== expected.code) failures.push(`${label}: expected ${DENY_STATUS[expected.code]} ${expected.code}, got ${got.status} ${got.code}`);
          if (after.audit !== before.audit) failures.push(`${label}: denied, yet ${after.audit - before.audit} audit entries were written`);
          if (after.versions !== before.versions) failures.push(`${label}: denied, yet a version was written`);
          // A role denied by the table never reaches the handler; a foreign object is the service's 404.
          if (expected.code !== "not_found" && after.entered !== before.entered) failures.push(`${label}: denied only after the handler ran`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Hundreds of probes in one case (webhook tests and redeliveries among them): more than the default 30 s on a
    // loaded machine.
  }, 120_000);
});

type ConsolePrincipal = Role | "apiToken" | "apiTokenOverSession" | "none" | "outsider" | "foreignIds" | "noOrigin" | "foreignOrigin";
const CONSOLE_PRINCIPALS: ConsolePrincipal[] = [...ROLES, "apiToken", "apiTokenOverSession", "none", "outsider", "foreignIds"];

describe("console route handlers (browser session)", () => {
  it("authorize exactly the permission their row states", () => {
    for (const r of consoleRoutes) {
      const row = CONSOLE_ROWS[r.key];
      if (row) expect(fs.readFileSync(r.file, "utf8"), r.key).toContain(`authorize(ctx, "${row.permission}")`);
    }
  });

  it("answer every principal as the permission table says; an API token is no session; a write refuses a missing or foreign Origin", async () => {
    const failures: string[] = [];
    const otherIds = () => [w.orgs.other, w.other.hostId, w.other.appId];
    for (const r of consoleRoutes) {
      const row = CONSOLE_ROWS[r.key];
      if (!row) continue;
      // A browser sends Origin on a POST; on a same-origin GET (a link, fetch) it may not, and a read needs none.
      const base: Record<string, string> = row.mutating ? { ...SAME_ORIGIN } : { host: SAME_ORIGIN.host };
      const bearer = { authorization: `Bearer ${w.tokens.owner}` };
      const principals: ConsolePrincipal[] = row.mutating ? [...CONSOLE_PRINCIPALS, "noOrigin", "foreignOrigin"] : CONSOLE_PRINCIPALS;
      for (const who of principals) {
        for (const call of who === "foreignIds" ? row.foreign : row.calls) {
          let headers = base;
          let sid: string | null = null;
          let expected: Expect;
          if (who === "none") {
            headers = { ...base, ...INTERNAL };
            expected = { allow: false, code: "unauthenticated" };
          } else if (who === "apiToken") {
            // The owner's API token and no session: these handlers read only the session.
            headers = { ...base, ...bearer };
            expected = { allow: false, code: "unauthenticated" };
          } else if (who === "apiTokenOverSession") {
            // The analyst's session with the owner's token beside it: the answer is the analyst's.
            headers = { ...base, ...bearer };
            sid = w.sessions.analyst;
            expected = fromTable(row.permission, "analyst");
          } else if (who === "outsider") {
            sid = w.sessions.otherAdmin;
            expected = { allow: false, code: "not_found" };
          } else if (who === "foreignIds") {
            sid = w.sessions.owner;
            expected = { allow: false, code: "not_found" };
          } else if (who === "noOrigin") {
            headers = { host: SAME_ORIGIN.host };
            sid = w.sessions.owner;
            expected = { allow: false, code: "forbidden" };
          } else if (who === "foreignOrigin") {
            headers = { origin: "https://evil.example", host: SAME_ORIGIN.host };
            sid = w.sessions.owner;
            expected = { allow: false, code: "forbidden" };
          } else {
            sid = w.sessions[who];
            expected = fromTable(row.permission, who);
          }
          probe.sid = sid;
          const before = await snapshot();
          const got = await callConsole(r, call, new Headers(headers));
          const after = await snapshot();
          tally.probes++;
          tally.principals.add(who);
          const label = `${r.key} (${call.name}) as ${who}`;
          if (expected.allow) {
            // Every call is valid, so a caller the table allows gets the data (or the new version), not an error.
            if (got.status < 200 || got.status > 299) failures.push(`${label}: expected 2xx, got ${got.status} ${got.code ?? ""} ${got.text.slice(0, 120)}`);
            if (after.served === before.served) failures.push(`${label}: allowed, yet the service was never called`);
            if (otherIds().some((id) => got.text.includes(id))) failures.push(`${label}: answer shows Other Corp's ids`);
          } else {
            if (got.status !== DENY_STATUS[expected.code] || got.code !== expected.code) failures.push(`${label}: expected ${DENY_STATUS[expected.code]} ${expected.code}, got ${got.status} ${got.code}`);
            if (after.audit !== before.audit) failures.push(`${label}: denied, yet ${after.audit - before.audit} audit entries were written`);
            if (after.versions !== before.versions) failures.push(`${label}: denied, yet a version was written`);
            // Only another organization's object ids are the service's own 404; every other deny comes first.
            if (who !== "foreignIds" && after.served !== before.served) failures.push(`${label}: denied only after the service ran`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("organization server actions", () => {
  it("answer every principal exactly as the permission table says, and refuse a missing or foreign Origin", async () => {
    const failures: string[] = [];
    for (const a of orgActions) {
      const row = ORG_ACTION_ROWS[a.key];
      if (!row) continue;
      for (const who of ACTION_PRINCIPALS) {
        const org = "demo";
        let expected: Expect;
        let input: Input;
        if (who === "foreignIds") {
          if (!row.foreign) continue;
          setRequest("owner");
          input = row.foreign(w);
          expected = { allow: false, code: "not_found" };
        } else {
          input = await row.input(w, who);
          if (who === "none") {
            setRequest("none", { ...SAME_ORIGIN, ...INTERNAL });
            expected = { allow: false, code: "unauthenticated" };
          } else if (who === "outsider") {
            setRequest("otherAdmin");
            expected = { allow: false, code: "not_found" };
          } else if (who === "noOrigin") {
            setRequest("owner", { host: "console.test" });
            expected = { allow: false, code: "forbidden" };
          } else if (who === "foreignOrigin") {
            setRequest("owner", { origin: "https://evil.example", host: "console.test" });
            expected = { allow: false, code: "forbidden" };
          } else {
            setRequest(who);
            expected = fromTable(a.permission, who);
          }
        }
        const before = await snapshot();
        const got = await a.fn(org, input);
        const after = await snapshot();
        tally.probes++;
        tally.principals.add(who);
        const label = `${a.key} as ${who}`;
        const code = got.ok ? undefined : got.error.code;
        if (expected.allow) {
          if (!got.ok && !["invalid_input", "conflict"].includes(code!)) failures.push(`${label}: expected to pass authorization, got ${code}: ${got.ok ? "" : got.error.message}`);
          if (after.entered === before.entered) failures.push(`${label}: the handler never ran`);
        } else {
          if (code !== expected.code) failures.push(`${label}: expected ${expected.code}, got ${got.ok ? "ok" : code}`);
          if (after.audit !== before.audit) failures.push(`${label}: denied, yet ${after.audit - before.audit} audit entries were written`);
          if (who !== "foreignIds" && after.entered !== before.entered) failures.push(`${label}: denied only after the handler ran`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe("server actions outside an organization", () => {
  it("let exactly their stated callers through, and refuse a missing or foreign Origin writing nothing", async () => {
    const failures: string[] = [];
    for (const a of nonOrgActions) {
      const row = NON_ORG_ROWS[a.key];
      if (!row) continue;
      const cases: { who: string; session: "none" | Role; origin: Record<string, string>; expect: "allowed" | "forbidden" }[] = [
        ...row.probes.map((p) => ({ who: p.who, session: p.who, origin: SAME_ORIGIN, expect: p.expect })),
        { who: "noOrigin", session: "analyst", origin: { host: "console.test" }, expect: "forbidden" },
        { who: "foreignOrigin", session: "analyst", origin: { origin: "https://evil.example", host: "console.test" }, expect: "forbidden" },
      ];
      for (const c of cases) {
        if (a.key === "resetPasswordAction") resetToken = (await issueResetLink(await s.as("owner"), await freshMember())).token;
        if (a.key === "acceptInvitationAction") {
          const email = `joiner-${uniq()}@demo.test`;
          inviteToken = (await inviteMember(await s.as("owner"), { email, role: "analyst" })).token;
        }
        // A fresh session each time: signing out revokes the one it was given.
        setRequest("none", c.origin);
        if (c.session !== "none") probe.sid = await insertSession(w.users[c.session]);
        const before = await snapshot();
        let value: unknown;
        let error: unknown;
        try {
          value = await row.call(a.fn, w);
        } catch (e) {
          error = e;
        }
        const after = await snapshot();
        tally.probes++;
        tally.principals.add(c.who);
        const label = `${a.key} as ${c.who}`;
        const outcome: Outcome = { value, error, before, after };
        if (c.expect === "allowed") {
          if (!row.passed(outcome)) failures.push(`${label}: expected to pass (${row.mayCall}); got ${JSON.stringify(value) ?? String(error)}`);
        } else {
          if (row.passed(outcome)) failures.push(`${label}: passed, but should be refused`);
          const code = (error as { code?: string })?.code ?? (value as ActionResult<unknown> & { error?: { code?: string } })?.error?.code ?? (value as { error?: string })?.error;
          if (code !== "forbidden") failures.push(`${label}: expected forbidden, got ${String(code)}`);
          for (const k of ["audit", "sessions", "revoked", "cookies", "signIns", "signOuts"] as const) {
            if (after[k] !== before[k]) failures.push(`${label}: refused, yet ${k} changed`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
