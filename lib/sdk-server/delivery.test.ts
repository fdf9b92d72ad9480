// Delivery as a host app's SDK sees it, through the real route handlers and the reference client (CONTRACT §6):
// the rollout rule for thousands of users, raising never removes anyone, pause, ETag/304, the SDK filter,
// revocation at once, policy tightening, package download with hash verification, and package isolation.
import { createHash, createPublicKey, verify } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as keysGET } from "@/app/api/sdk/v1/keys/route";
import { GET as manifestGET } from "@/app/api/sdk/v1/manifest/route";
import { GET as packageGET } from "@/app/api/sdk/v1/packages/[sha256]/route";
import { auditLog, manifestSigningKeys } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { rotateSigningKey } from "@/lib/services/manifest-keys";
import { signRequest } from "@/lib/sdk/signing";
import { assignVersion, promoteAssignment, rollbackAssignment, unassign, updateAssignment } from "@/lib/services/assignments";
import { updateHost } from "@/lib/services/hosts";
import { revokeInput, revokeVersion } from "@/lib/services/reviews";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { AtriumSdkClient, type ManifestEntry } from "@/sdk-client";
import { useSeededDb } from "@/test/seeded";
import { labHost, labMiniProgram } from "./delivery-testing";
import { manifestEntries, parseManifestQuery } from "./manifest";
import { listManifestKeys } from "./manifest-keys";
import { buildHostSnapshot, createManifestCache, getManifestCache, setManifestCacheForTests } from "./snapshot";
import { createSdkVerifier, setSdkVerifierForTests, type SdkCaller } from "./verify";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

const BASE = "http://atrium.test";
const USERS = Array.from({ length: 5000 }, (_, i) => `user-${i}`);

beforeAll(() => setSdkVerifierForTests(createSdkVerifier({ ratePerSecond: 0 })));
afterAll(() => setSdkVerifierForTests(undefined));
beforeEach(() => setManifestCacheForTests(undefined));

/** The contract's rule, written out again here rather than imported, so the test checks the code against the text. */
function expectedCandidate(appId: string, candidateVersion: string, user: string, percent: number): boolean {
  const digest = createHash("sha256").update(`${appId}@${candidateVersion}:${user}`).digest("hex");
  return Number.parseInt(digest.slice(0, 8), 16) % 10000 < percent * 100;
}

/** Routes a request to the real handlers, as Next would. */
async function callRoute(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const req = new NextRequest(input instanceof Request ? input : new Request(input, init));
  const pkg = /^\/api\/sdk\/v1\/packages\/([^/]+)$/.exec(req.nextUrl.pathname);
  if (pkg) return packageGET(req, { params: Promise.resolve({ sha256: pkg[1]! }) });
  if (req.nextUrl.pathname === "/api/sdk/v1/keys") return keysGET(req, { params: Promise.resolve({}) });
  return manifestGET(req, { params: Promise.resolve({}) });
}

const clientFor = (host: { sdkKey: string; sdkSecret: string }) => new AtriumSdkClient({ baseUrl: BASE, sdkKey: host.sdkKey, sdkSecret: host.sdkSecret, fetch: callRoute });

/** A caller as the verifier makes it, for the many-user loops that need the manifest code without HTTP. */
async function callerFor(host: { sdkKey: string; sdkSecret: string }): Promise<SdkCaller> {
  const path = "/api/sdk/v1/manifest";
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = signRequest({ secret: host.sdkSecret, method: "GET", pathWithQuery: path, timestamp });
  return createSdkVerifier({ ratePerSecond: 0 }).verify(new Request(`${BASE}${path}`, { headers: { "x-mp-key": host.sdkKey, "x-mp-timestamp": timestamp, "x-mp-signature": signature } }));
}

async function entriesOf(caller: SdkCaller, user: string, sdkVersion = "3.0.0"): Promise<ManifestEntry[]> {
  return manifestEntries(caller, parseManifestQuery(new URL(`${BASE}/?user=${encodeURIComponent(user)}&platform=ios&sdkVersion=${sdkVersion}`)));
}

/** Lab app 1.0.0 (stable) → 1.1.0 → 1.2.0, a permissive host, and the assignment. */
async function rollout(percent = 0) {
  const admin = await s.as("admin");
  const app = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0" }, { version: "1.2.0", minSdkVersion: "3.0.0" }]);
  const host = await labHost(admin);
  const v = (x: string) => app.versions[x]!;
  let a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0").id });
  if (percent > 0) a = await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0").id, rolloutPercent: percent });
  return { admin, app, host, v, a };
}

describe("the rollout rule, for 5,000 users through the real route handlers", () => {
  it("gives each user exactly the version the bucketing rule says", async () => {
    const { app, host } = await rollout(25);
    const sdk = clientFor(host);
    let onCandidate = 0;
    for (const user of USERS) {
      const { manifest } = await sdk.getManifest({ user, platform: "ios", sdkVersion: "2.5.0" });
      const want = expectedCandidate(app.appId, "1.1.0", user, 25) ? "1.1.0" : "1.0.0";
      expect(manifest.miniPrograms.map((e) => [e.appId, e.version]), user).toEqual([[app.appId, want]]);
      if (want === "1.1.0") onCandidate++;
    }
    // The rule is a hash: about a quarter, and never exactly by accident of the test.
    expect(onCandidate).toBeGreaterThan(5000 * 0.22);
    expect(onCandidate).toBeLessThan(5000 * 0.28);
    // One snapshot served all 5,000 requests.
    expect(getManifestCache().stats().builds).toBe(1);
  }, 120_000);

  it("raising the percentage step by step never takes the candidate from anyone who had it", async () => {
    const { admin, app, host, a } = await rollout(1);
    const caller = await callerFor(host);
    let previous = new Set<string>();
    let revision = (await updateAssignment(admin, a.id, { rolloutPercent: 0 })).revision;
    for (const percent of [0, 1, 5, 10, 25, 50, 100]) {
      revision = (await updateAssignment(admin, a.id, { rolloutPercent: percent, revision })).revision;
      const now = new Set<string>();
      for (const user of USERS) {
        const [entry] = await entriesOf(caller, user);
        const expected = expectedCandidate(app.appId, "1.1.0", user, percent);
        expect(entry!.version === "1.1.0", `${user} at ${percent}%`).toBe(expected);
        if (expected) now.add(user);
      }
      for (const user of previous) expect(now.has(user), `${user} lost the candidate at ${percent}%`).toBe(true);
      if (percent === 0) expect(now.size).toBe(0);
      if (percent === 100) expect(now.size).toBe(USERS.length);
      previous = now;
    }
  }, 120_000);

  it("paused serves everyone the stable version; resumed, the same users are back on the candidate", async () => {
    const { admin, app, host, a } = await rollout(50);
    const caller = await callerFor(host);
    await updateAssignment(admin, a.id, { paused: true });
    for (const user of USERS) expect((await entriesOf(caller, user))[0]!.version).toBe("1.0.0");
    await updateAssignment(admin, a.id, { paused: false });
    for (const user of USERS.slice(0, 1000)) {
      expect((await entriesOf(caller, user))[0]!.version).toBe(expectedCandidate(app.appId, "1.1.0", user, 50) ? "1.1.0" : "1.0.0");
    }
  }, 60_000);
});

describe("the manifest", () => {
  it("has the contract's shape, with the package's URL, permissions and domains", async () => {
    const { app, host, v } = await rollout();
    const { manifest, etag } = await clientFor(host).getManifest({ user: "u-1", platform: "android", sdkVersion: "2.0.0" });
    expect(manifest).toEqual({
      hostId: host.id,
      generatedAt: expect.any(String),
      miniPrograms: [
        {
          appId: app.appId,
          name: expect.stringMatching(/^Lab /),
          version: "1.0.0",
          sha256: v("1.0.0").sha256,
          size: v("1.0.0").size,
          packageUrl: `/api/sdk/v1/packages/${v("1.0.0").sha256}`,
          permissions: ["location"],
          domains: ["https://api.demo.test"],
        },
      ],
    });
    expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/);
  });

  it("answers 304 to If-None-Match until what this user gets changes, then the new manifest with a new tag", async () => {
    const { admin, app, host, v, a } = await rollout();
    const sdk = clientFor(host);
    const q = { user: "u-304", platform: "ios", sdkVersion: "2.0.0" } as const;
    const first = await sdk.getManifest(q);
    const second = await sdk.getManifest(q);
    expect(second).toMatchObject({ notModified: true, etag: first.etag });
    // A change that does not touch this user's answer keeps the tag.
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0").id, rolloutPercent: 0 });
    expect(await sdk.getManifest(q)).toMatchObject({ notModified: true });
    await updateAssignment(admin, a.id, { rolloutPercent: 100 });
    const third = await sdk.getManifest(q);
    expect(third.notModified).toBe(false);
    expect(third.etag).not.toBe(first.etag);
    expect(third.manifest.miniPrograms[0]).toMatchObject({ appId: app.appId, version: "1.1.0" });
  });

  it("lists only versions whose minSdkVersion the device's SDK meets; a candidate it cannot run falls back to stable", async () => {
    const { admin, host, v, a } = await rollout();
    const caller = await callerFor(host);
    expect(await entriesOf(caller, "u", "1.9.9")).toEqual([]);
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.2.0").id, rolloutPercent: 100 });
    expect((await entriesOf(caller, "u", "2.5.0")).map((e) => e.version)).toEqual(["1.0.0"]);
    expect((await entriesOf(caller, "u", "3.0.0")).map((e) => e.version)).toEqual(["1.2.0"]);
  });

  it("serves nothing of a revoked version, at once: a revoked candidate sends everyone to stable, a revoked stable is omitted", async () => {
    const { host, v } = await rollout(100);
    const sdk = clientFor(host);
    const q = { user: "u-revoke", platform: "ios", sdkVersion: "2.0.0" } as const;
    expect((await sdk.getManifest(q)).manifest.miniPrograms.map((e) => e.version)).toEqual(["1.1.0"]);
    const reviewer = await s.as("reviewer");
    await revokeVersion(reviewer, v("1.1.0").id, revokeInput.parse({ reason: "crash on start" }));
    expect((await sdk.getManifest(q)).manifest.miniPrograms.map((e) => e.version)).toEqual(["1.0.0"]);
    await revokeVersion(reviewer, v("1.0.0").id, revokeInput.parse({ reason: "data leak" }));
    expect((await sdk.getManifest(q)).manifest.miniPrograms).toEqual([]);
    await expect(sdk.downloadPackage(v("1.0.0"))).rejects.toMatchObject({ status: 404 });
  });

  it("follows promote, rollback and unassign", async () => {
    const { admin, host, a } = await rollout(10);
    const caller = await callerFor(host);
    await promoteAssignment(admin, a.id);
    expect((await entriesOf(caller, "anyone")).map((e) => e.version)).toEqual(["1.1.0"]);
    await rollbackAssignment(admin, a.id);
    expect((await entriesOf(caller, "anyone")).map((e) => e.version)).toEqual(["1.0.0"]);
    await unassign(admin, a.id);
    expect(await entriesOf(caller, "anyone")).toEqual([]);
  });

  it("stops serving what a tightened policy no longer allows, without anyone unassigning it", async () => {
    const { admin, host } = await rollout();
    const sdk = clientFor(host);
    expect((await sdk.getManifest({ user: "p", platform: "ios", sdkVersion: "2.0.0" })).manifest.miniPrograms).toHaveLength(1);
    await updateHost(admin, host.id, { policy: { allowedPermissions: ["camera"] } });
    expect((await sdk.getManifest({ user: "p2", platform: "ios", sdkVersion: "2.0.0" })).manifest.miniPrograms).toEqual([]);
  });

  it("refuses bad parameters with 422 invalid_input", async () => {
    const { host } = await rollout();
    const sdk = clientFor(host);
    await expect(sdk.getManifest({ user: "u", platform: "ios", sdkVersion: "two" })).rejects.toMatchObject({ status: 422, code: "invalid_input" });
    await expect(sdk.getManifest({ user: "x".repeat(129), platform: "ios", sdkVersion: "2.0.0" })).rejects.toMatchObject({ status: 422, code: "invalid_input" });
  });
});

describe("packages", () => {
  it("downloads, streamed with its hash as ETag and private immutable caching, and verifies against the manifest", async () => {
    const { host, v } = await rollout();
    const sdk = clientFor(host);
    const { manifest } = await sdk.getManifest({ user: "dl", platform: "ios", sdkVersion: "2.0.0" });
    const bytes = await sdk.downloadPackage(manifest.miniPrograms[0]!);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(v("1.0.0").sha256);

    const res = await sdk.signedFetch("GET", manifest.miniPrograms[0]!.packageUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${v("1.0.0").sha256}"`);
    // Private (issue 12, item 4): a shared cache must never serve a package the server would now refuse.
    expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(res.headers.get("content-length")).toBe(String(v("1.0.0").size));
    expect(res.headers.get("content-type")).toBe("application/zip");
    await res.arrayBuffer();
    const again = await sdk.signedFetch("GET", manifest.miniPrograms[0]!.packageUrl, undefined, { "if-none-match": `"${v("1.0.0").sha256}"` });
    expect(again.status).toBe(304);
    expect(again.headers.get("cache-control")).not.toMatch(/public/);
  });

  it("serves the candidate's package too, but not a version the host was never given", async () => {
    const { host, v } = await rollout(5);
    const sdk = clientFor(host);
    await expect(sdk.downloadPackage(v("1.1.0"))).resolves.toHaveLength(v("1.1.0").size);
    await expect(sdk.downloadPackage(v("1.2.0"))).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("answers 404 to another host, even in the same organization, and to a hash that is no package", async () => {
    const { admin, host, v } = await rollout();
    const other = await labHost(admin);
    await expect(clientFor(other).downloadPackage(v("1.0.0"))).rejects.toMatchObject({ status: 404, code: "not_found" });
    await expect(clientFor(host).downloadPackage({ sha256: "0".repeat(64), size: 1 })).rejects.toMatchObject({ status: 404 });
    const res = await clientFor(host).signedFetch("GET", "/api/sdk/v1/packages/not-a-hash");
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("stops serving a package once it is unassigned", async () => {
    const { admin, host, v, a } = await rollout();
    const sdk = clientFor(host);
    await expect(sdk.downloadPackage(v("1.0.0"))).resolves.toBeTruthy();
    await unassign(admin, a.id);
    await expect(sdk.downloadPackage(v("1.0.0"))).rejects.toMatchObject({ status: 404 });
  });

  it("refuses a package download that is not correctly signed", async () => {
    const { host, v } = await rollout();
    const bad = new AtriumSdkClient({ baseUrl: BASE, sdkKey: host.sdkKey, sdkSecret: "sk_wrong", fetch: callRoute });
    await expect(bad.downloadPackage(v("1.0.0"))).rejects.toMatchObject({ status: 401 });
  });
});

describe("the snapshot cache", () => {
  it("another server instance picks a change up within a second, through the organization's revision", async () => {
    const { admin, host, a, v } = await rollout();
    let clock = Date.now();
    const other = createManifestCache({ now: () => clock });
    const dbHost = { orgId: admin.org.id, id: host.id, policy: host.policy };
    const versionsOn = async () => (await other.snapshot(admin.db, dbHost)).assignments.map((x) => [x.stable?.version, x.candidate?.version ?? null, x.rolloutPercent]);
    expect(await versionsOn()).toEqual([["1.0.0", null, 0]]);
    // This process's cache is told; the other instance only sees the database.
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0").id, rolloutPercent: 30 });
    expect(await versionsOn()).toEqual([["1.0.0", null, 0]]);
    clock += 1001;
    expect(await versionsOn()).toEqual([["1.0.0", "1.1.0", 30]]);
    const builds = other.stats().builds;
    for (let i = 0; i < 50; i++) await other.snapshot(admin.db, dbHost);
    expect(other.stats().builds).toBe(builds);
  });

  it("never keeps a snapshot built from data an invalidation has since replaced", async () => {
    const { admin, host } = await rollout();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const cache = createManifestCache({
      build: async (...args) => {
        const snap = await buildHostSnapshot(...args);
        await held;
        return snap;
      },
    });
    const dbHost = { orgId: admin.org.id, id: host.id, policy: host.policy };
    const building = cache.snapshot(admin.db, dbHost);
    // The build has read its data; the change lands (and invalidates) before it finishes.
    await new Promise((r) => setTimeout(r, 50));
    cache.invalidate(admin.org.id, host.id);
    release();
    await building;
    expect(cache.stats()).toMatchObject({ snapshots: 0, builds: 1 });
    // The next request builds afresh, and that one is kept.
    await cache.snapshot(admin.db, dbHost);
    expect(cache.stats()).toMatchObject({ snapshots: 1, builds: 2 });
  });
});

describe("signed manifests (CONTRACT §13), through the real routes", () => {
  const q = { user: "signed", platform: "ios", sdkVersion: "2.0.0" } as const;

  /** The route's answer, signed as the reference client signs, with its exact body bytes. */
  async function rawManifest(host: { sdkKey: string; sdkSecret: string }) {
    const path = `/api/sdk/v1/manifest?user=signed&platform=ios&sdkVersion=2.0.0`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = signRequest({ secret: host.sdkSecret, method: "GET", pathWithQuery: path, timestamp });
    const res = await callRoute(`${BASE}${path}`, { headers: { "x-mp-key": host.sdkKey, "x-mp-timestamp": timestamp, "x-mp-signature": signature } });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  }

  it("signs every 200 with the organization's active key, which GET /keys lists", async () => {
    const { host } = await rollout();
    const keys = await clientFor(host).manifestKeys();
    expect(keys).toEqual([{ keyId: expect.stringMatching(/^mk_/), alg: "Ed25519", publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), status: "active" }]);
    const { res, body } = await rawManifest(host);
    expect(res.status).toBe(200);
    const [, keyId, sig] = /^keyId=(\S+), sig=([A-Za-z0-9_-]+)$/.exec(res.headers.get("x-mp-manifest-signature") ?? "") ?? [];
    expect(keyId).toBe(keys[0]!.keyId);
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: keys[0]!.publicKey }, format: "jwk" });
    expect(verify(null, body, publicKey, Buffer.from(sig!, "base64url"))).toBe(true);
  });

  it("the reference client refuses the real manifest with one byte flipped", async () => {
    const { host } = await rollout();
    const flipping: typeof fetch = async (input, init) => {
      const res = await callRoute(input as RequestInfo, init);
      if (!new URL(String(input instanceof Request ? input.url : input)).pathname.endsWith("/manifest") || res.status !== 200) return res;
      const bytes = new Uint8Array(await res.arrayBuffer());
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x20;
      return new Response(bytes, { status: 200, headers: res.headers });
    };
    const sdk = new AtriumSdkClient({ baseUrl: BASE, sdkKey: host.sdkKey, sdkSecret: host.sdkSecret, fetch: flipping });
    await expect(sdk.getManifest(q)).rejects.toMatchObject({ code: "manifest_signature_invalid" });
    await expect(clientFor(host).getManifest(q)).resolves.toMatchObject({ notModified: false });
  });

  it("rotates with an overlap: the new key signs, the old one is listed as retiring for 24 h, then dropped", async () => {
    const { admin, host } = await rollout();
    const before = await clientFor(host).manifestKeys();
    const pinnedOld = new AtriumSdkClient({ baseUrl: BASE, sdkKey: host.sdkKey, sdkSecret: host.sdkSecret, fetch: callRoute, manifestKeys: before });
    await pinnedOld.getManifest(q);
    const now = new Date();
    const after = await rotateSigningKey(admin, now);
    expect(after.map((k) => [k.keyId === before[0]!.keyId, k.status])).toEqual([[false, "active"], [true, "retiring"]]);
    const { res } = await rawManifest(host);
    expect(res.headers.get("x-mp-manifest-signature")).toContain(`keyId=${after[0]!.keyId},`);
    // A client that fetched the list before the rotation fetches it again and trusts the new key.
    const sdk = clientFor(host);
    await sdk.manifestKeys();
    await expect(sdk.getManifest({ ...q, user: "after" })).resolves.toBeTruthy();
    // One pinned to the old list refuses what the new key signed.
    await expect(pinnedOld.getManifest({ ...q, user: "after" })).rejects.toMatchObject({ code: "manifest_signature_invalid" });
    expect((await listManifestKeys(admin.db, admin.org.id, new Date(now.getTime() + 25 * 3600_000))).map((k) => k.status)).toEqual(["active"]);
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, admin.org.id), eq(auditLog.action, "manifest_key.rotate")));
    expect(entry).toMatchObject({ objectId: after[0]!.keyId, changes: { from: before[0]!.keyId, to: after[0]!.keyId } });
    // The private key is stored encrypted, never as the PKCS#8 key itself.
    const rows = await s.db.select().from(manifestSigningKeys).where(eq(manifestSigningKeys.orgId, admin.org.id));
    expect(rows.every((r) => r.privateKeyEnc.startsWith("v1:") && !r.privateKeyEnc.includes("MC4CAQAwBQYDK2Vw"))).toBe(true);
  });

  it.each(["reviewer", "developer", "analyst"] as const)("a %s may not rotate the key", async (role) => {
    await expect(rotateSigningKey(await s.as(role))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("two racing rotations: one wins, the other is a conflict, and one key is active", async () => {
    const admin = await s.as("admin");
    const results = await Promise.allSettled([rotateSigningKey(admin), rotateSigningKey(admin)]);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "conflict" });
    const keys = await listManifestKeys(admin.db, admin.org.id);
    expect(keys.filter((k) => k.status === "active")).toHaveLength(1);
  });
});
