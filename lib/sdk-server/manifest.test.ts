import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "@/lib/crypto/secrets";
import { ifNoneMatchHits, manifestEtag, manifestResponse, parseManifestQuery, type ManifestEntry } from "./manifest";
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

  const entry = (version: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
    appId: "com.acme.shop",
    name: "Shop \"Ünïcode\" ✓ \u2028",
    version,
    sha256: "a".repeat(64),
    size: 1234,
    packageUrl: `/api/sdk/v1/packages/${"a".repeat(64)}`,
    permissions: ["camera"],
    domains: ["https://api.acme.test"],
    ...extra,
  });
  const bodyOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

  it("sends exactly the bytes JSON.stringify gives the manifest, whatever the entries hold", async () => {
    const manifest = { hostId: "hst_\"q\"", generatedAt: new Date(5_000).toISOString(), miniPrograms: [entry("1.0.0"), entry("2.0.0", { trial: true })] };
    const body = await bodyOf(manifestResponse(new Request("http://x/"), manifest, key));
    expect(body.toString("utf8")).toBe(JSON.stringify(manifest));
  });

  it("serves one signed body per tag, second and key, and a new one when any of them changes", async () => {
    const at = (ms: number, entries: ManifestEntry[], k: SigningKey = key) =>
      manifestResponse(new Request("http://x/"), { hostId: "hst_a", generatedAt: new Date(ms).toISOString(), miniPrograms: entries }, k);
    const signed = async (res: Response) => ({ body: (await bodyOf(res)).toString("utf8"), sig: res.headers.get("x-mp-manifest-signature") });
    const first = await signed(at(10_000, [entry("1.0.0")]));
    // The same entries (other objects, equal values) in the same second: the same bytes and signature.
    expect(await signed(at(10_000, [entry("1.0.0")]))).toEqual(first);
    // Another version, another second, another key: another answer, each signed over its own bytes.
    const other = generateManifestKey();
    const otherKey: SigningKey = { keyId: "mk_other", privateKey: createPrivateKey({ key: Buffer.from(decryptSecret(other.privateKeyEnc), "base64url"), format: "der", type: "pkcs8" }) };
    const otherPublic = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: other.publicKey }, format: "jwk" });
    for (const [res, pub] of [
      [at(10_000, [entry("1.0.1")]), publicKey],
      [at(11_000, [entry("1.0.0")]), publicKey],
      [at(10_000, [entry("1.0.0")], otherKey), otherPublic],
    ] as const) {
      const got = await signed(res);
      expect(got).not.toEqual(first);
      const sig = Buffer.from(/sig=([A-Za-z0-9_-]+)$/.exec(got.sig!)![1]!, "base64url");
      expect(verify(null, Buffer.from(got.body), pub, sig)).toBe(true);
    }
    // And back to the first second: the signed body made then is not confused with the later ones.
    expect(JSON.parse((await signed(at(10_000, [entry("1.0.0")]))).body).miniPrograms[0].version).toBe("1.0.0");
  });

  it("tags a list of entries as manifestEtag does, by host, entries and their order, when the tag is kept and after", () => {
    const a = entry("1.0.0");
    const b = entry("2.0.0", { trial: true });
    const tagOf = (hostId: string, entries: ManifestEntry[]) =>
      manifestResponse(new Request("http://x/"), { hostId, generatedAt: new Date(20_000).toISOString(), miniPrograms: entries }, key).headers.get("etag");
    const lists = [[a, b], [b, a], [a], [b], []];
    const tags = new Set<string>();
    for (const hostId of ["hst_a", "hst_b"]) {
      for (const list of lists) {
        // Asked twice: the second answer's tag is the kept one.
        expect(tagOf(hostId, list)).toBe(manifestEtag(hostId, list));
        expect(tagOf(hostId, list)).toBe(manifestEtag(hostId, list));
        tags.add(tagOf(hostId, list)!);
      }
    }
    expect(tags.size).toBe(10);
    // More lists than are kept: the first ones are dropped and made again, the same.
    for (let i = 0; i < 5_000; i++) tagOf("hst_a", [entry(`3.0.${i}`)]);
    expect(tagOf("hst_a", [a, b])).toBe(manifestEtag("hst_a", [a, b]));
    expect(tagOf("hst_b", [b, a])).toBe(manifestEtag("hst_b", [b, a]));
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
