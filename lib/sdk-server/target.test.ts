import { describe, expect, it } from "vitest";
import { signRequest, verifySignature } from "@/lib/sdk/signing";
import { signedTargetCandidates } from "./target";

/** What Next 16 hands a route handler for a raw target (observed on `next start`, see target.ts). */
function asNextDeliversIt(rawTarget: string): URL {
  const raw = new URL(`http://h${rawTarget}`);
  const url = new URL(`http://h${raw.pathname}`);
  url.search = new URLSearchParams(raw.search).toString();
  return url;
}

const SECRET = "sk_target_test";
const ts = "1700000000";

function verifies(signedTarget: string, deliveredTarget = signedTarget): boolean {
  const signature = signRequest({ secret: SECRET, method: "GET", pathWithQuery: signedTarget, timestamp: ts });
  const url = asNextDeliversIt(deliveredTarget);
  return signedTargetCandidates(url).some(
    (pathWithQuery) => verifySignature({ secrets: [SECRET], method: "GET", pathWithQuery, timestamp: ts, signature, now: 1700000000_000 }).ok,
  );
}

describe("the targets a signature is checked against", () => {
  it("is just the target when the query has nothing to encode", () => {
    expect(signedTargetCandidates(new URL("http://h/api/sdk/v1/manifest?user=u-42&platform=ios&sdkVersion=2.1.0"))).toEqual([
      "/api/sdk/v1/manifest?user=u-42&platform=ios&sdkVersion=2.1.0",
    ]);
    expect(signedTargetCandidates(new URL("http://h/api/sdk/v1/events"))).toEqual(["/api/sdk/v1/events"]);
  });

  const user = "ü ser&id=1/?~*'(x)!";
  it.each([
    ["URLSearchParams (browsers, the reference client, Java's URLEncoder)", `?user=${new URLSearchParams({ user }).toString().slice(5)}`],
    ["RFC 3986 (OkHttp, URLComponents)", `?user=${encodeURIComponent(user).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`],
    ["encodeURIComponent", `?user=${encodeURIComponent(user)}`],
    ["Go's url.Values", `?user=${encodeURIComponent(user).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, "+")}`],
  ])("accepts a query encoded like %s", (_label, query) => {
    expect(verifies(`/api/sdk/v1/manifest${query}&platform=ios`)).toBe(true);
  });

  it("never accepts a signature for different pairs, order or path", () => {
    expect(verifies("/api/sdk/v1/manifest?user=alice", "/api/sdk/v1/manifest?user=bob")).toBe(false);
    expect(verifies("/api/sdk/v1/manifest?a=1&b=2", "/api/sdk/v1/manifest?b=2&a=1")).toBe(false);
    expect(verifies("/api/sdk/v1/manifest?a=1%262", "/api/sdk/v1/manifest?a=1&2=")).toBe(false);
    expect(verifies("/api/sdk/v1/manifest", "/api/sdk/v1/events")).toBe(false);
  });
});
