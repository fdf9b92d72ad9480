import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "@/lib/crypto/secrets";
import { ifNoneMatchHits, manifestEtag, manifestResponse, parseManifestQuery } from "./manifest";
import { generateManifestKey, type SigningKey } from "./manifest-keys";

const made = generateManifestKey();
const key: SigningKey = {
  keyId: "mk_test",
  privateKey: createPrivateKey({ key: Buffer.from(decryptSecret(made.privateKeyEnc), "base64url"), format: "der", type: "pkcs8" }),
};
const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: made.publicKey }, format: "jwk" });

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
    const fresh = manifestResponse(new Request("http://x/"), manifest, key);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("etag")).toBe(etag);
    const again = manifestResponse(new Request("http://x/", { headers: { "if-none-match": etag } }), manifest, key);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("x-mp-manifest-signature")).toBeNull();
  });

  it("signs the exact body bytes it sends with the active key, and a flipped byte no longer verifies", async () => {
    const manifest = { hostId: "hst_a", generatedAt: new Date(0).toISOString(), miniPrograms: [] };
    const res = manifestResponse(new Request("http://x/"), manifest, key);
    const body = Buffer.from(await res.arrayBuffer());
    expect(JSON.parse(body.toString("utf8"))).toEqual(manifest);
    expect(res.headers.get("content-type")).toContain("application/json");
    const m = /^keyId=(mk_test), sig=([A-Za-z0-9_-]+)$/.exec(res.headers.get("x-mp-manifest-signature") ?? "");
    expect(m).not.toBeNull();
    const sig = Buffer.from(m![2]!, "base64url");
    expect(sig).toHaveLength(64);
    expect(verify(null, body, publicKey, sig)).toBe(true);
    const flipped = Buffer.from(body);
    flipped[5] = flipped[5]! ^ 1;
    expect(verify(null, flipped, publicKey, sig)).toBe(false);
  });

  it("makes keys whose public half is the raw 32 bytes and whose private half is stored encrypted", () => {
    expect(Buffer.from(made.publicKey, "base64url")).toHaveLength(32);
    expect(made.privateKeyEnc.startsWith("v1:")).toBe(true);
    expect(made.privateKeyEnc).not.toContain(decryptSecret(made.privateKeyEnc));
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
