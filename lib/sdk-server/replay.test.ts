// Issue 12, item 6: a signed SDK write is accepted once. The same bytes sent again within the signature's
// window are refused (401 `replayed`) by every server process on the database; reads and event batches
// (idempotent by event id) are not affected.
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkSeenSignatures } from "@/db/schema";
import { POST as eventsPOST } from "@/app/api/sdk/v1/events/route";
import { signRequest } from "@/lib/sdk/signing";
import { createHost, createHostInput } from "@/lib/services/hosts";
import { useTestDb as withTestDb } from "@/test/db";
import { seedHostFixture, type HostFixture } from "./testing";
import { createSdkVerifier, sdkErrorResponse, setSdkVerifierForTests, type SdkVerifier } from "./verify";

const BASE = "http://atrium.test";
const box = withTestDb();
let fx: HostFixture;
let host: { sdkKey: string; sdkSecret: string };
const clock = { now: Date.UTC(2030, 0, 1, 12) };

beforeAll(async () => {
  fx = await seedHostFixture(box.handle.db);
  host = await createHost(await fx.ctx("admin"), createHostInput.parse({ name: "Replay host", platforms: [{ platform: "ios", identifier: "com.replay.app" }] }));
});
afterAll(() => setSdkVerifierForTests(undefined));

const verifier = (): SdkVerifier => createSdkVerifier({ now: () => clock.now, ratePerSecond: 0 });

/** A signed request exactly as a device sends it; the same call twice gives byte-identical requests. */
function signed(method: string, path: string, body = "", at = clock.now): Request {
  const timestamp = String(Math.floor(at / 1000));
  const signature = signRequest({ secret: host.sdkSecret, method, pathWithQuery: path, timestamp, body: Buffer.from(body) });
  return new Request(`${BASE}${path}`, {
    method,
    headers: { "x-mp-key": host.sdkKey, "x-mp-timestamp": timestamp, "x-mp-signature": signature, "content-type": "application/json" },
    body: method === "GET" ? undefined : body,
  });
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    const res = sdkErrorResponse(e);
    const { error } = (await res.json()) as { error: { code: string; details?: { reason?: string } } };
    return `${res.status} ${error.code === "unauthenticated" ? error.details?.reason : error.code}`;
  }
}

describe("replayed signed writes", () => {
  it("accepts a write once and refuses the same signed bytes again within the window", async () => {
    const v = verifier();
    const body = JSON.stringify({ note: "hello" });
    expect(await outcome(v.verify(signed("POST", "/api/sdk/v1/future-write", body)))).toBe("ok");
    expect(await outcome(v.verify(signed("POST", "/api/sdk/v1/future-write", body)))).toBe("401 replayed");
    clock.now += 200_000;
    // Still inside the window from the signature's own timestamp: still a replay.
    expect(await outcome(v.verify(signed("POST", "/api/sdk/v1/future-write", body, clock.now - 200_000)))).toBe("401 replayed");
    // A fresh signature (new timestamp) for the same write is a new request.
    expect(await outcome(v.verify(signed("POST", "/api/sdk/v1/future-write", body)))).toBe("ok");
  });

  it("is refused by another server process too (the seen set is in the database)", async () => {
    const body = JSON.stringify({ note: "twice" });
    expect(await outcome(verifier().verify(signed("PUT", "/api/sdk/v1/future-write", body)))).toBe("ok");
    expect(await outcome(verifier().verify(signed("PUT", "/api/sdk/v1/future-write", body)))).toBe("401 replayed");
  });

  it("refuses all but one of the same write sent in parallel", async () => {
    const body = JSON.stringify({ note: "race" });
    const results = await Promise.all(Array.from({ length: 6 }, () => outcome(verifier().verify(signed("POST", "/api/sdk/v1/future-write", body)))));
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "401 replayed")).toHaveLength(5);
  });

  it("leaves reads alone: a manifest or package request may be sent again", async () => {
    const v = verifier();
    for (let i = 0; i < 3; i++) expect(await outcome(v.verify(signed("GET", "/api/sdk/v1/manifest?user=u")))).toBe("ok");
  });

  it("leaves event batches alone: a resent batch answers 202 with duplicates", async () => {
    setSdkVerifierForTests(verifier());
    const ts = new Date(clock.now - 60_000).toISOString();
    const body = JSON.stringify({ events: [{ id: "replay-1", type: "custom", appId: "com.replay.none", version: "1.0.0", userId: "u", ts, platform: "ios", name: "x" }] });
    const send = () => eventsPOST(new NextRequest(signed("POST", "/api/sdk/v1/events", body)), { params: Promise.resolve({}) });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
  });

  it("forgets a signature once its window is over", async () => {
    const db = box.handle.db;
    const body = JSON.stringify({ note: "old" });
    await verifier().verify(signed("POST", "/api/sdk/v1/future-write", body));
    clock.now += 10 * 60_000;
    await verifier().verify(signed("POST", "/api/sdk/v1/future-write", body));
    const rows = await db.select().from(sdkSeenSignatures);
    expect(rows.every((r) => r.expiresAt.getTime() >= clock.now)).toBe(true);
  });
});
