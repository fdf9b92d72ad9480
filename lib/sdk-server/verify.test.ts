// The SDK gate as a specification (CONTRACT §6), driven through the real manifest route by the reference
// client in sdk-client/: what it signs is accepted; each way of getting it wrong has its own code.
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as keysGET } from "@/app/api/sdk/v1/keys/route";
import { GET as manifestGET } from "@/app/api/sdk/v1/manifest/route";
import { AtriumSdkClient, type AtriumSdkClientOptions } from "@/sdk-client";
import { signRequest } from "@/lib/sdk/signing";
import { createHost, createHostInput, PREVIOUS_SECRET_TTL_MS, rotateSecret, setHostStatus } from "@/lib/services/hosts";
// Renamed: a `use…` name makes React's hooks lint rule mistake this vitest helper for a hook.
import { useTestDb as withTestDb } from "@/test/db";
import { seedHostFixture, type HostFixture } from "./testing";
import { createSdkVerifier, setSdkVerifierForTests, type SdkVerifierOptions } from "./verify";

const BASE = "http://atrium.test";
const QUERY = { user: "u-42", platform: "ios", sdkVersion: "2.1.0" } as const;

const box = withTestDb();
let fx: HostFixture;
let clock: number;
let n = 0;

beforeAll(async () => {
  fx = await seedHostFixture(box.handle.db);
});
beforeEach(() => {
  clock = Date.UTC(2030, 0, 1, 12);
  useVerifier();
});
afterAll(() => setSdkVerifierForTests(undefined));

function useVerifier(opts: SdkVerifierOptions = {}) {
  setSdkVerifierForTests(createSdkVerifier({ now: () => clock, ratePerSecond: 0, ...opts }));
}

async function newHost() {
  n++;
  return createHost(await fx.ctx("admin"), createHostInput.parse({ name: `SDK host ${n}`, platforms: [{ platform: "ios", identifier: `com.sdk.app${n}` }] }));
}

/** Sends a Request straight into the route handler, as Next would. */
const callRoute = (input: RequestInfo | URL, init?: RequestInit) => {
  const req = new NextRequest(input instanceof Request ? input : new Request(input, init));
  return (req.nextUrl.pathname === "/api/sdk/v1/keys" ? keysGET : manifestGET)(req, { params: Promise.resolve({}) });
};

function client(sdkKey: string, sdkSecret: string, opts: Partial<AtriumSdkClientOptions> = {}) {
  return new AtriumSdkClient({ baseUrl: BASE, sdkKey, sdkSecret, now: () => clock, fetch: callRoute, ...opts });
}

/** A hand-made request, for the cases the reference client would never send. */
function rawRequest(path: string, headers: Record<string, string>): Promise<Response> {
  return callRoute(`${BASE}${path}`, { headers });
}

function signedHeaders(key: string, secret: string, path: string, at = clock) {
  const timestamp = String(Math.floor(at / 1000));
  return { "x-mp-key": key, "x-mp-timestamp": timestamp, "x-mp-signature": signRequest({ secret, method: "GET", pathWithQuery: path, timestamp }) };
}

/** The status and the code, or for a refused credential (code `unauthenticated`) the check that failed. */
async function errorOf(res: Response) {
  const { error } = (await res.json()) as { error: { code: string; details?: { reason?: string } } };
  return { status: res.status, code: error.code === "unauthenticated" ? error.details?.reason : error.code };
}

describe("a request signed by the reference client", () => {
  it("is accepted, and the manifest has the contract's shape", async () => {
    const host = await newHost();
    const result = await client(host.sdkKey, host.sdkSecret).getManifest(QUERY);
    expect(result.notModified).toBe(false);
    expect(result.manifest).toEqual({ hostId: host.id, generatedAt: new Date(clock).toISOString(), miniPrograms: [] });
    expect(result.etag).toMatch(/^W\/"[0-9a-f]{32}"$/);
  });

  it("revalidates with If-None-Match and gets a 304", async () => {
    const host = await newHost();
    const sdk = client(host.sdkKey, host.sdkSecret);
    const first = await sdk.getManifest(QUERY);
    clock += 60_000;
    const second = await sdk.getManifest(QUERY);
    expect(second).toMatchObject({ notModified: true, etag: first.etag });
  });

  it("signs the query as it goes on the wire, escapes included", async () => {
    const host = await newHost();
    await expect(client(host.sdkKey, host.sdkSecret).getManifest({ ...QUERY, user: "ü ser&id=1/?~" })).resolves.toMatchObject({ notModified: false });
  });
});

describe("refusals, each with its code", () => {
  it("wrong secret → 401 bad_signature", async () => {
    const host = await newHost();
    await expect(client(host.sdkKey, "sk_wrong").getManifest(QUERY)).rejects.toMatchObject({ status: 401, code: "unauthenticated", details: { reason: "bad_signature" } });
  });

  it("unknown key → 401 unknown_key", async () => {
    const host = await newHost();
    await expect(client("ak_nobodyhasthiskey00000000", host.sdkSecret).getManifest(QUERY)).rejects.toMatchObject({ status: 401, code: "unauthenticated", details: { reason: "unknown_key" } });
  });

  it.each([
    ["more than 300 s behind", "stale_timestamp", -301_000],
    ["more than 300 s ahead", "stale_timestamp", 301_000],
    ["300 s behind", "accepted", -300_000],
    ["300 s ahead", "accepted", 300_000],
  ])("a device clock %s → %s", async (_label, expected, skew) => {
    const code = expected === "accepted" ? null : expected;
    const host = await newHost();
    const call = client(host.sdkKey, host.sdkSecret, { now: () => clock + skew }).getManifest(QUERY);
    if (code) await expect(call).rejects.toMatchObject({ status: 401, code: "unauthenticated", details: { reason: code } });
    else await expect(call).resolves.toMatchObject({ notModified: false });
  });

  type Mangle = (h: Record<string, string>) => Record<string, string>;
  it.each<[string, string, Mangle]>([
    ["no headers at all", "unknown_key", () => ({})],
    ["a malformed key", "unknown_key", (h) => ({ ...h, "x-mp-key": "ak_ bad key" })],
    ["no timestamp", "stale_timestamp", (h) => ({ ...h, "x-mp-timestamp": "" })],
    ["a timestamp in another notation", "stale_timestamp", (h) => ({ ...h, "x-mp-timestamp": `${h["x-mp-timestamp"]}.0` })],
    ["no signature", "bad_signature", (h) => ({ ...h, "x-mp-signature": "" })],
    ["a signature of another shape", "bad_signature", (h) => ({ ...h, "x-mp-signature": "zz" })],
  ])("%s → %s", async (_label, code, mangle) => {
    const host = await newHost();
    const path = "/api/sdk/v1/manifest";
    const res = await rawRequest(path, mangle(signedHeaders(host.sdkKey, host.sdkSecret, path)));
    expect(await errorOf(res)).toEqual({ status: 401, code });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("a signature for another query does not verify this one", async () => {
    const host = await newHost();
    const headers = signedHeaders(host.sdkKey, host.sdkSecret, "/api/sdk/v1/manifest?user=alice");
    expect(await errorOf(await rawRequest("/api/sdk/v1/manifest?user=mallory", headers))).toEqual({ status: 401, code: "bad_signature" });
  });

  it("the body is part of what is signed", async () => {
    const host = await newHost();
    const verifier = createSdkVerifier({ now: () => clock, ratePerSecond: 0 });
    const timestamp = String(Math.floor(clock / 1000));
    const path = "/api/sdk/v1/events";
    const signature = signRequest({ secret: host.sdkSecret, method: "POST", pathWithQuery: path, body: '{"events":[]}', timestamp });
    const post = (body: string) =>
      verifier.verify(new Request(`${BASE}${path}`, { method: "POST", body, headers: { "x-mp-key": host.sdkKey, "x-mp-timestamp": timestamp, "x-mp-signature": signature } }));
    await expect(post('{"events":[]}')).resolves.toMatchObject({ host: { id: host.id }, body: Buffer.from('{"events":[]}') });
    await expect(post('{"events":[1]}')).rejects.toMatchObject({ code: "bad_signature" });
  });
});

describe("rotation", () => {
  it("both secrets verify for 24 hours, then only the new one", async () => {
    const host = await newHost();
    const rotated = await rotateSecret(await fx.ctx("admin"), host.id, new Date(clock));
    const oldSdk = client(host.sdkKey, host.sdkSecret);
    const newSdk = client(host.sdkKey, rotated.sdkSecret);
    await expect(oldSdk.getManifest(QUERY)).resolves.toBeTruthy();
    await expect(newSdk.getManifest(QUERY)).resolves.toBeTruthy();

    clock += PREVIOUS_SECRET_TTL_MS - 1000;
    await expect(oldSdk.getManifest({ ...QUERY, user: "a" })).resolves.toBeTruthy();

    clock += 2000;
    await expect(oldSdk.getManifest({ ...QUERY, user: "b" })).rejects.toMatchObject({ status: 401, code: "unauthenticated", details: { reason: "bad_signature" } });
    await expect(newSdk.getManifest({ ...QUERY, user: "b" })).resolves.toBeTruthy();
  });

  it("takes effect on the very next request, whatever the verifier has cached", async () => {
    const host = await newHost();
    const sdk = client(host.sdkKey, host.sdkSecret);
    await sdk.getManifest(QUERY); // warms the secret cache
    const first = await rotateSecret(await fx.ctx("admin"), host.id, new Date(clock));
    await rotateSecret(await fx.ctx("admin"), host.id, new Date(clock));
    // Two rotations: the original secret is out at once, the first rotation's is now the previous one.
    await expect(sdk.getManifest({ ...QUERY, user: "x" })).rejects.toMatchObject({ code: "unauthenticated", details: { reason: "bad_signature" } });
    await expect(client(host.sdkKey, first.sdkSecret).getManifest(QUERY)).resolves.toBeTruthy();
  });
});

describe("disabled host", () => {
  it("answers 403 forbidden to a correctly signed request, and serves again once enabled", async () => {
    const host = await newHost();
    const ctx = await fx.ctx("admin");
    const sdk = client(host.sdkKey, host.sdkSecret);
    await sdk.getManifest(QUERY);
    await setHostStatus(ctx, host.id, "disabled");
    await expect(sdk.getManifest({ ...QUERY, user: "y" })).rejects.toMatchObject({ status: 403, code: "forbidden" });
    // A bad signature still says so: the host's state is only told to its own signed requests.
    await expect(client(host.sdkKey, "sk_wrong").getManifest(QUERY)).rejects.toMatchObject({ status: 401, code: "unauthenticated", details: { reason: "bad_signature" } });
    await setHostStatus(ctx, host.id, "active");
    await expect(sdk.getManifest({ ...QUERY, user: "z" })).resolves.toBeTruthy();
  });
});

describe("rate limit per key", () => {
  it("answers 429 with Retry-After past the burst, and refills with time", async () => {
    useVerifier({ ratePerSecond: 2, burst: 3 });
    const host = await newHost();
    const other = await newHost();
    const path = "/api/sdk/v1/manifest";
    const send = (h = host) => rawRequest(path, signedHeaders(h.sdkKey, h.sdkSecret, path));
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
    const limited = await send();
    expect(await errorOf(limited)).toEqual({ status: 429, code: "rate_limited" });
    expect(limited.headers.get("retry-after")).toBe("1");
    // Another key has its own bucket.
    expect((await send(other)).status).toBe(200);
    clock += 500;
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(429);
  });

  it("does not count refused requests against the key", async () => {
    useVerifier({ ratePerSecond: 1, burst: 1 });
    const host = await newHost();
    const path = "/api/sdk/v1/manifest";
    for (let i = 0; i < 5; i++) expect((await rawRequest(path, signedHeaders(host.sdkKey, "sk_wrong", path))).status).toBe(401);
    expect((await rawRequest(path, signedHeaders(host.sdkKey, host.sdkSecret, path))).status).toBe(200);
  });
});

describe("manifest parameters", () => {
  it("refuses a platform outside the contract's list with 422", async () => {
    const host = await newHost();
    const path = "/api/sdk/v1/manifest?user=u&platform=symbian&sdkVersion=2.0.0";
    expect(await errorOf(await rawRequest(path, signedHeaders(host.sdkKey, host.sdkSecret, path)))).toEqual({ status: 422, code: "invalid_input" });
  });
});
