import { describe, expect, it } from "vitest";
import { ifNoneMatchHits, manifestEtag, manifestResponse, parseManifestQuery } from "./manifest";

describe("manifest ETag", () => {
  it("depends on the host and entries, not on when the answer was made", () => {
    expect(manifestEtag("hst_a", [])).toBe(manifestEtag("hst_a", []));
    expect(manifestEtag("hst_a", [])).not.toBe(manifestEtag("hst_b", []));
  });

  it.each([
    [null, false],
    ['W/"abc"', true],
    ['"abc"', true],
    ['"other", W/"abc"', true],
    ["*", true],
    ['"abcd"', false],
  ])("If-None-Match %s → %s", (header, hit) => {
    expect(ifNoneMatchHits(header, 'W/"abc"')).toBe(hit);
  });

  it("answers 304 without a body when the tag matches", async () => {
    const manifest = { hostId: "hst_a", generatedAt: new Date(0).toISOString(), miniPrograms: [] };
    const etag = manifestEtag("hst_a", []);
    const fresh = manifestResponse(new Request("http://x/"), manifest);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("etag")).toBe(etag);
    const again = manifestResponse(new Request("http://x/", { headers: { "if-none-match": etag } }), manifest);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
  });
});

describe("manifest query", () => {
  it("takes the contract's parameters", () => {
    expect(parseManifestQuery(new URL("http://x/?user=u-1&platform=harmony&sdkVersion=2.1.0"))).toEqual({ user: "u-1", platform: "harmony", sdkVersion: "2.1.0" });
  });
  it.each(["platform=symbian", "sdkVersion=2.1", "user="])("refuses %s", (qs) => {
    expect(() => parseManifestQuery(new URL(`http://x/?${qs}`))).toThrow(expect.objectContaining({ code: "invalid_input" }));
  });
});
