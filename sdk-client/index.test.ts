import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AtriumSdkClient, type AtriumSdkClientOptions, type Manifest, type ManifestEntry, type TrackInput } from "./index";
import { startFakeAtriumServer, type FakeAtriumServer } from "./testing/fake-server";

const KEY = "ak_TESTKEY0000000000000000";
const SECRET = "sk_current";
const OLD_SECRET = "sk_before_rotation";
const PACKAGE = new TextEncoder().encode("PK\u0003\u0004 pretend this is a zip");
const PACKAGE_SHA256 = createHash("sha256").update(PACKAGE).digest("hex");

const entry: ManifestEntry = {
  appId: "com.demo.coupons",
  name: "Coupons",
  version: "1.2.0",
  sha256: PACKAGE_SHA256,
  size: PACKAGE.length,
  packageUrl: `/api/sdk/v1/packages/${PACKAGE_SHA256}`,
  permissions: ["location"],
  domains: ["https://api.demo.test"],
};
const manifest: Manifest = { hostId: "host-1", generatedAt: "2025-01-01T00:00:00.000Z", miniPrograms: [entry] };

const launch: TrackInput = { type: "launch", appId: "com.demo.coupons", version: "1.2.0", userId: "u-1", platform: "ios" };
const query = { user: "u-1", platform: "ios", sdkVersion: "2.1.0" } as const;

let server: FakeAtriumServer;
let sleeps: number[];

function client(options: Partial<AtriumSdkClientOptions> = {}): AtriumSdkClient {
  return new AtriumSdkClient({
    baseUrl: server.baseUrl,
    sdkKey: KEY,
    sdkSecret: SECRET,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    // Pinned by default, so these tests see only the requests they make; the signature tests below fetch the list.
    manifestKeys: server.manifestKeys,
    ...options,
  });
}

function trackMany(sdk: AtriumSdkClient, count: number): string[] {
  return Array.from({ length: count }, (_, i) => sdk.track({ ...launch, userId: `u-${i}` }));
}

beforeEach(async () => {
  sleeps = [];
  server = await startFakeAtriumServer({ credentials: { [KEY]: [SECRET, OLD_SECRET] }, manifest });
  server.packages.set(PACKAGE_SHA256, PACKAGE);
});

afterEach(() => server.close());

describe("signed requests", () => {
  it("are accepted by the server's verifier", async () => {
    const { manifest: received } = await client().getManifest(query);
    expect(received).toEqual(manifest);
    const [request] = server.requests;
    expect(request?.headers["x-mp-key"]).toBe(KEY);
    expect(request?.headers["x-mp-timestamp"]).toMatch(/^\d+$/);
    expect(request?.headers["x-mp-signature"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("sign the query exactly as it goes on the wire, escapes included", async () => {
    await client().getManifest({ ...query, user: "ü ser&id=1/?" });
    expect(server.requests[0]?.target).toBe("/api/sdk/v1/manifest?user=%C3%BC+ser%26id%3D1%2F%3F&platform=ios&sdkVersion=2.1.0");
  });

  it("are accepted with the previous secret during a rotation", async () => {
    await expect(client({ sdkSecret: OLD_SECRET }).getManifest(query)).resolves.toMatchObject({ notModified: false });
  });

  it("made with a wrong secret get the server's bad_signature error", async () => {
    const failure = client({ sdkSecret: "sk_wrong" }).getManifest(query);
    await expect(failure).rejects.toMatchObject({
      name: "AtriumSdkError",
      status: 401,
      code: "unauthenticated",
      details: { reason: "bad_signature" },
    });
  });

  it("made with a clock 10 min off are signed again with the server's time from its Date header, once", async () => {
    const bodies: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      if (typeof init?.body === "string" || init?.body instanceof Uint8Array) bodies.push(new TextDecoder().decode(typeof init.body === "string" ? new TextEncoder().encode(init.body) : init.body));
      return fetch(input, init);
    };
    const sdk = client({ now: () => Date.now() + 600_000, fetch: recording });
    const { manifest: received } = await sdk.getManifest(query);
    expect(received).toEqual(manifest);
    const stamps = server.requests.map((r) => Number(r.headers["x-mp-timestamp"]));
    expect(stamps).toHaveLength(2);
    expect(Math.abs(stamps[1]! - Date.now() / 1000)).toBeLessThan(5);
    // The correction is kept: the next request is right the first time, and events carry server time.
    await sdk.getManifest({ ...query, user: "u-2" });
    expect(server.requests).toHaveLength(3);
    const id = sdk.track(launch);
    await sdk.flush();
    const sent = bodies.flatMap((b) => (JSON.parse(b) as { events: { id: string; ts: number }[] }).events).find((e) => e.id === id);
    expect(Math.abs(Number(sent?.ts) - Date.now())).toBeLessThan(5_000);
  });

  it("made with a clock off get stale_timestamp when the answer has no Date to correct by", async () => {
    const noDate: typeof fetch = async (input, init) => {
      const r = await fetch(input, init);
      const headers = new Headers(r.headers);
      headers.delete("date");
      return new Response(r.body, { status: r.status, headers });
    };
    // Well outside the window: timestamps are whole seconds, so a clock 301 s off is 300 s off (inside it) when the
    // server reads its clock a second later than the client did.
    const failure = client({ now: () => Date.now() + 600_000, fetch: noDate }).getManifest(query);
    await expect(failure).rejects.toMatchObject({ status: 401, details: { reason: "stale_timestamp" } });
    expect(server.requests).toHaveLength(1);
  });

  it("report a request that never reached the server as network_error", async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError("fetch failed"));
    await expect(client({ fetch: failing }).getManifest(query)).rejects.toMatchObject({ code: "network_error", status: null });
  });
});

describe("getManifest", () => {
  it("revalidates with the last ETag and serves the cached manifest on 304", async () => {
    const sdk = client();
    const first = await sdk.getManifest(query);
    expect(first.notModified).toBe(false);
    expect(first.etag).toMatch(/^".+"$/);

    const second = await sdk.getManifest(query);
    expect(server.requests[1]?.headers["if-none-match"]).toBe(first.etag);
    expect(second).toEqual({ manifest: first.manifest, etag: first.etag, notModified: true });
  });

  it("takes the new manifest when it changed", async () => {
    const sdk = client();
    const first = await sdk.getManifest(query);
    server.manifest = { ...manifest, generatedAt: "2025-01-02T00:00:00.000Z", miniPrograms: [] };
    const second = await sdk.getManifest(query);
    expect(second.notModified).toBe(false);
    expect(second.manifest.miniPrograms).toEqual([]);
    expect(second.etag).not.toBe(first.etag);
  });

  it("passes a trial version's mark through, and refuses a manifest whose mark is not true (CONTRACT §8)", async () => {
    server.manifest = { ...manifest, miniPrograms: [{ ...entry, version: "1.3.0-beta.1", trial: true }] };
    const { manifest: got } = await client().getManifest({ ...query, user: "tester-1" });
    expect(got.miniPrograms[0]).toMatchObject({ version: "1.3.0-beta.1", trial: true });
    server.manifest = { ...manifest, miniPrograms: [{ ...entry, trial: "yes" as unknown as true }] };
    await expect(client().getManifest({ ...query, user: "tester-2" })).rejects.toMatchObject({ code: "invalid_response" });
  });

  // The mark is present only on a tester's trial entry, and only as true; the rest of the entry is checked as ever.
  it.each([
    ["an entry without the mark", { ...entry }, "taken"],
    ["trial: true", { ...entry, trial: true }, "taken"],
    ["trial: false", { ...entry, trial: false }, "refused"],
    ['trial: "true"', { ...entry, trial: "true" }, "refused"],
    ["trial: 1", { ...entry, trial: 1 }, "refused"],
    ["trial: null", { ...entry, trial: null }, "refused"],
    ["a trial entry without its sha256", { ...entry, sha256: undefined, trial: true }, "refused"],
    ["a trial entry whose size is a string", { ...entry, size: "1024", trial: true }, "refused"],
  ])("%s is %s", async (_, e, outcome) => {
    server.manifest = { ...manifest, miniPrograms: [e as unknown as ManifestEntry] };
    const got = client().getManifest({ ...query, user: "tester-3" });
    if (outcome === "taken") await expect(got).resolves.toMatchObject({ manifest: { miniPrograms: [e] } });
    else await expect(got).rejects.toMatchObject({ code: "invalid_response", status: null });
  });

  it("sends the platform and SDK version with the user on every request, so targeting rules can match (CONTRACT §8)", async () => {
    await client().getManifest({ user: "u 7", platform: "harmony", sdkVersion: "3.1.0" });
    const target = new URL(server.requests[0]!.target, "http://x");
    expect(target.pathname).toBe("/api/sdk/v1/manifest");
    expect(Object.fromEntries(target.searchParams)).toEqual({ user: "u 7", platform: "harmony", sdkVersion: "3.1.0" });
  });

  it("keeps one ETag per query", async () => {
    const sdk = client({ manifestKeys: undefined });
    await sdk.getManifest(query);
    await sdk.getManifest({ ...query, user: "u-2" });
    expect(server.requests[1]?.headers["if-none-match"]).toBeUndefined();
  });
});

describe("downloadPackage", () => {
  it("returns bytes whose size and SHA-256 match the entry", async () => {
    const bytes = await client().downloadPackage(entry);
    expect(Buffer.from(bytes).equals(Buffer.from(PACKAGE))).toBe(true);
    expect(server.requests[0]?.target).toBe(`/api/sdk/v1/packages/${PACKAGE_SHA256}`);
  });

  it("throws when the bytes hash differently", async () => {
    const tampered = Uint8Array.from(PACKAGE);
    tampered[0] = (tampered[0] ?? 0) ^ 0xff;
    server.packages.set(PACKAGE_SHA256, tampered);
    await expect(client().downloadPackage(entry)).rejects.toMatchObject({ code: "package_hash_mismatch" });
  });

  it.each([
    ["longer", new Uint8Array([...PACKAGE, 0])],
    ["shorter", PACKAGE.slice(1)],
  ])("throws when the bytes are %s than listed", async (_name, bytes) => {
    server.packages.set(PACKAGE_SHA256, bytes);
    await expect(client().downloadPackage(entry)).rejects.toMatchObject({ code: "package_size_mismatch" });
  });

  it("carries the server's error for a package it will not deliver", async () => {
    server.packages.clear();
    await expect(client().downloadPackage(entry)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("sends nothing for a hash that is not 64 hex digits", async () => {
    await expect(client().downloadPackage({ sha256: "../manifest", size: 1 })).rejects.toMatchObject({ code: "invalid_input" });
    expect(server.requests).toEqual([]);
  });
});

describe("events", () => {
  it("get an id of [A-Za-z0-9_-], at most 64 long, different each time", () => {
    const ids = trackMany(client(), 1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("are sent in batches of at most batchSize, oldest first, each exactly once", async () => {
    const sdk = client({ batchSize: 3 });
    const ids = trackMany(sdk, 7);
    const result = await sdk.flush();
    expect(server.eventBatches.map((batch) => batch.length)).toEqual([3, 3, 1]);
    expect(server.storedEventIds).toEqual(ids);
    expect(result).toMatchObject({ accepted: 7, duplicates: 0, rejected: [], gaveUp: false, error: null });
    expect(sdk.stats()).toMatchObject({ queued: 0, accepted: 7, retries: 0 });
  });

  it("never send more than 500 per request, whatever batchSize says", async () => {
    const sdk = client({ batchSize: 10_000 });
    trackMany(sdk, 1201);
    await sdk.flush();
    expect(server.eventBatches.map((batch) => batch.length)).toEqual([500, 500, 201]);
  });

  it("keep each request under the 1 MiB body limit", async () => {
    const sizes: number[] = [];
    const measuring: typeof fetch = (input, init) => {
      if (init?.body instanceof Uint8Array) sizes.push(init.body.length);
      return fetch(input, init);
    };
    const sdk = client({ fetch: measuring });
    const ids = Array.from({ length: 600 }, () => sdk.track({ ...launch, type: "error", message: "x".repeat(2000) }));
    await sdk.flush();
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(1024 * 1024);
    expect(server.storedEventIds).toEqual(ids);
  });

  it("after a 503 then a 202, are delivered once, retried with the same ids after Retry-After", async () => {
    const sdk = client();
    const ids = trackMany(sdk, 4);
    server.eventFailures.push({ status: 503, retryAfter: "7" });

    const result = await sdk.flush();

    expect(server.eventBatches).toEqual([ids, ids]);
    expect(server.storedEventIds).toEqual(ids);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7000);
    expect(result).toMatchObject({ accepted: 4, gaveUp: false });
    expect(sdk.stats()).toMatchObject({ queued: 0, accepted: 4, retries: 1 });
  });

  it("back off exponentially on 429 and 5xx without Retry-After", async () => {
    const sdk = client({ baseDelayMs: 100 });
    trackMany(sdk, 1);
    server.eventFailures.push({ status: 429 }, { status: 500 }, { status: 502 });
    await sdk.flush();
    // random() = 0.5 puts each delay at three quarters of its ceiling: 100, 200, 400 ms.
    expect(sleeps).toEqual([75, 150, 300]);
    expect(server.storedEventIds).toHaveLength(1);
  });

  it("give up after maxAttempts but stay queued, and go out with the same ids on the next flush", async () => {
    const sdk = client({ maxAttempts: 3 });
    const ids = trackMany(sdk, 2);
    server.eventFailures.push({ status: 503 }, { status: 503 }, { status: 503 });

    const failed = await sdk.flush();
    expect(failed).toMatchObject({ gaveUp: true, accepted: 0, error: { status: 503 } });
    expect(sleeps).toHaveLength(2);
    expect(sdk.stats()).toMatchObject({ queued: 2, retries: 2, lastError: { status: 503 } });

    const retried = await sdk.flush();
    expect(retried).toMatchObject({ gaveUp: false, accepted: 2 });
    expect(server.eventBatches).toEqual([ids, ids, ids, ids]);
    expect(server.storedEventIds).toEqual(ids);
  });

  it("are resent, and counted once, when the 202 was lost on the way back", async () => {
    let lose = true;
    const lossy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === "POST" && lose) {
        lose = false;
        throw new TypeError("connection reset");
      }
      return response;
    };
    const sdk = client({ fetch: lossy });
    const ids = trackMany(sdk, 3);

    const result = await sdk.flush();

    expect(server.eventBatches).toEqual([ids, ids]);
    expect(server.storedEventIds).toEqual(ids);
    expect(result).toMatchObject({ accepted: 0, duplicates: 3 });
  });

  it("are dropped as rejected on a 4xx other than 429, and the next batches still go", async () => {
    const sdk = client({ batchSize: 2 });
    const ids = trackMany(sdk, 4);
    server.eventFailures.push({ status: 422 });

    const result = await sdk.flush();

    expect(sleeps).toEqual([]);
    expect(result.rejected.map((failure) => failure.id)).toEqual(ids.slice(0, 2));
    expect(server.storedEventIds).toEqual(ids.slice(2));
    expect(sdk.stats()).toMatchObject({ queued: 0, rejected: 2, accepted: 2 });
  });

  it("stop at bad credentials after one batch, keeping the rest for later", async () => {
    const sdk = client({ batchSize: 2, sdkSecret: "sk_wrong" });
    trackMany(sdk, 5);
    const result = await sdk.flush();
    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({ gaveUp: false, error: { status: 401, code: "unauthenticated" } });
    expect(sdk.stats()).toMatchObject({ queued: 3, rejected: 2 });
  });

  it("drop the oldest when the queue is full, and count them", async () => {
    const sdk = client({ maxQueueSize: 5 });
    const ids = trackMany(sdk, 8);
    expect(sdk.stats()).toMatchObject({ queued: 5, dropped: 3 });
    await sdk.flush();
    expect(server.storedEventIds).toEqual(ids.slice(3));
  });

  it("share one run between concurrent flushes", async () => {
    const sdk = client();
    const ids = trackMany(sdk, 3);
    const [a, b] = await Promise.all([sdk.flush(), sdk.flush()]);
    expect(a).toBe(b);
    expect(server.eventBatches).toEqual([ids]);
  });

  it("record per-event rejections from a 202 against the events' ids", async () => {
    const rejecting: typeof fetch = async () =>
      new Response(JSON.stringify({ accepted: 1, duplicates: 0, rejected: [{ index: 1, code: "not_assigned", message: "no" }] }), {
        status: 202,
      });
    const sdk = client({ fetch: rejecting });
    const ids = trackMany(sdk, 2);
    const result = await sdk.flush();
    expect(result.rejected).toEqual([{ id: ids[1], code: "not_assigned", message: "no" }]);
    expect(sdk.stats()).toMatchObject({ accepted: 1, rejected: 1, queued: 0 });
  });

  it("send the fields given and default ts to the client's clock", async () => {
    const sent: { events: unknown[] }[] = [];
    const capture: typeof fetch = async (_input, init) => {
      sent.push(JSON.parse(new TextDecoder().decode(init?.body as Uint8Array)) as { events: unknown[] });
      return new Response(JSON.stringify({ accepted: 1, duplicates: 0, rejected: [] }), { status: 202 });
    };
    const sdk = client({ fetch: capture, now: () => 1_700_000_000_000 });
    const id = sdk.track({ ...launch, type: "session_end", durationMs: 1234 });
    await sdk.flush();
    expect(sent[0]?.events).toEqual([{ ...launch, type: "session_end", durationMs: 1234, id, ts: 1_700_000_000_000 }]);
  });
});

describe("manifest signatures (CONTRACT §13)", () => {
  /** A fetch that changes one byte of every manifest body on its way, as a tampering cache or proxy would. */
  const flipping =
    (index: number): typeof fetch =>
    async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes("/api/sdk/v1/manifest") || response.status !== 200) return response;
      const bytes = new Uint8Array(await response.arrayBuffer());
      bytes[index] = bytes[index]! ^ 0x01;
      return new Response(bytes, { status: 200, headers: response.headers });
    };

  it("verifies against the fetched key list, fetching it once", async () => {
    const sdk = client({ manifestKeys: undefined });
    await sdk.getManifest(query);
    await sdk.getManifest({ ...query, user: "u-2" });
    expect(server.requests.filter((r) => r.target === "/api/sdk/v1/keys")).toHaveLength(1);
  });

  it.each([0, 10, 40, -2])("refuses a manifest with one byte flipped (at %i) and keeps nothing of it", async (at) => {
    const length = JSON.stringify(manifest).length;
    const sdk = client({ manifestKeys: undefined, fetch: flipping(at < 0 ? length + at : at) });
    await expect(sdk.getManifest(query)).rejects.toMatchObject({ code: "manifest_signature_invalid" });
    // Nothing was remembered: the next request asks without If-None-Match.
    await expect(sdk.getManifest(query)).rejects.toMatchObject({ code: "manifest_signature_invalid" });
    expect(server.requests.filter((r) => r.target.startsWith("/api/sdk/v1/manifest")).every((r) => !r.headers["if-none-match"])).toBe(true);
  });

  it("refuses a manifest without a signature, or signed by a key it does not trust", async () => {
    const stripping: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete("x-mp-manifest-signature");
      return new Response(await response.arrayBuffer(), { status: response.status, headers });
    };
    await expect(client({ manifestKeys: undefined, fetch: stripping }).getManifest(query)).rejects.toMatchObject({ code: "manifest_signature_invalid" });
    const stranger = { ...server.manifestKeys[0]!, publicKey: Buffer.alloc(32, 7).toString("base64url") };
    await expect(client({ manifestKeys: [stranger] }).getManifest(query)).rejects.toMatchObject({ code: "manifest_signature_invalid" });
  });

  it("with pinned keys never fetches the list, and refuses a key outside them even after a rotation", async () => {
    const pinned = [...server.manifestKeys];
    const sdk = client({ manifestKeys: pinned });
    await expect(sdk.getManifest(query)).resolves.toMatchObject({ notModified: false });
    server.rotateManifestKey();
    await expect(sdk.getManifest({ ...query, user: "after" })).rejects.toMatchObject({ code: "manifest_signature_invalid" });
    expect(server.requests.some((r) => r.target === "/api/sdk/v1/keys")).toBe(false);
  });

  it("after a rotation fetches the list again once and trusts the new key", async () => {
    const sdk = client({ manifestKeys: undefined });
    await sdk.getManifest(query);
    server.rotateManifestKey();
    await expect(sdk.getManifest({ ...query, user: "after" })).resolves.toMatchObject({ notModified: false });
    expect(server.requests.filter((r) => r.target === "/api/sdk/v1/keys")).toHaveLength(2);
  });
});
