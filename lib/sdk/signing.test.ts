import { describe, expect, it } from "vitest";
import { canonicalString, signRequest, verifySignature, type VerifyInput } from "./signing";

const SECRET = "sk_known_answer_secret";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Known answers computed independently of this code, with OpenSSL:
//   B=$(printf '' | openssl dgst -sha256 -r | cut -d' ' -f1)
//   printf '1700000000\nGET\n/api/sdk/v1/manifest?user=u-42&platform=ios&sdkVersion=2.1.0\n%s' "$B" \
//     | openssl dgst -sha256 -hmac 'sk_known_answer_secret'
//   B=$(printf '%s' '{"events":[]}' | openssl dgst -sha256 -r | cut -d' ' -f1)
//   printf '1700000123\nPOST\n/api/sdk/v1/events\n%s' "$B" | openssl dgst -sha256 -hmac 'sk_known_answer_secret'
const KNOWN_GET = {
  timestamp: "1700000000",
  method: "GET",
  pathWithQuery: "/api/sdk/v1/manifest?user=u-42&platform=ios&sdkVersion=2.1.0",
  body: "",
  signature: "18aa033c85e43dc782e9caacef43434c3bc210a988403a6d85f6dd28de064bb0",
};
const KNOWN_POST = {
  timestamp: "1700000123",
  method: "POST",
  pathWithQuery: "/api/sdk/v1/events",
  body: '{"events":[]}',
  signature: "edbc5945af7f22e50e065c301acd112ffd35220dc7c807f1085ae321795b4ce4",
};

const NOW_MS = 1_700_000_000_000;

function request(overrides: Partial<VerifyInput> = {}): VerifyInput {
  return { secrets: [SECRET], ...KNOWN_GET, now: NOW_MS, ...overrides };
}

describe("canonicalString", () => {
  it("is timestamp, METHOD, target and the body's hex SHA-256, one per line", () => {
    expect(canonicalString({ ...KNOWN_GET, method: "get" })).toBe(
      `1700000000\nGET\n/api/sdk/v1/manifest?user=u-42&platform=ios&sdkVersion=2.1.0\n${EMPTY_SHA256}`,
    );
  });

  it("hashes an absent body like an empty one", () => {
    expect(canonicalString({ ...KNOWN_GET, body: undefined })).toBe(canonicalString(KNOWN_GET));
  });
});

describe("signRequest", () => {
  it.each([
    ["GET without a body", KNOWN_GET],
    ["POST with a JSON body", KNOWN_POST],
  ])("matches the OpenSSL known answer: %s", (_name, vector) => {
    expect(signRequest({ ...vector, secret: SECRET })).toBe(vector.signature);
  });

  it("signs bytes and the same text identically", () => {
    const bytes = new TextEncoder().encode(KNOWN_POST.body);
    expect(signRequest({ ...KNOWN_POST, body: bytes, secret: SECRET })).toBe(KNOWN_POST.signature);
  });
});

describe("verifySignature", () => {
  it("accepts the known answer", () => {
    expect(verifySignature(request())).toEqual({ ok: true });
  });

  it("accepts an upper-case hex signature", () => {
    expect(verifySignature(request({ signature: KNOWN_GET.signature.toUpperCase() }))).toEqual({ ok: true });
  });

  describe("clock window of ±300 s", () => {
    it.each([
      ["300 s behind", -300, true],
      ["300 s ahead", 300, true],
      ["301 s behind", -301, false],
      ["301 s ahead", 301, false],
    ])("a timestamp %s the server", (_name, offsetSeconds, ok) => {
      const timestamp = String(1_700_000_000 + offsetSeconds);
      const signature = signRequest({ ...KNOWN_GET, timestamp, secret: SECRET });
      const expected = ok ? { ok: true } : { ok: false, code: "stale_timestamp" };
      expect(verifySignature(request({ timestamp, signature }))).toEqual(expected);
    });
  });

  it.each([
    ["a different body", { body: '{"x":1}' }],
    ["a different path", { pathWithQuery: "/api/sdk/v1/manifest?user=u-43&platform=ios&sdkVersion=2.1.0" }],
    ["a different query order", { pathWithQuery: "/api/sdk/v1/manifest?platform=ios&user=u-42&sdkVersion=2.1.0" }],
    ["a different method", { method: "POST" }],
    ["another secret", { secrets: ["sk_someone_else"] }],
    ["no secrets at all", { secrets: [] }],
    ["an empty secret", { secrets: [""] }],
  ])("refuses a request checked against %s", (_name, overrides) => {
    expect(verifySignature(request(overrides))).toEqual({ ok: false, code: "bad_signature" });
  });

  it("refuses a signature made with a different timestamp than the one sent", () => {
    const signature = signRequest({ ...KNOWN_GET, timestamp: "1700000001", secret: SECRET });
    expect(verifySignature(request({ signature }))).toEqual({ ok: false, code: "bad_signature" });
  });

  it.each([
    ["missing", null],
    ["empty", ""],
    ["not hex", "z".repeat(64)],
    ["too short", KNOWN_GET.signature.slice(0, 62)],
    ["too long", `${KNOWN_GET.signature}00`],
    ["with whitespace", ` ${KNOWN_GET.signature}`],
    ["base64 instead of hex", Buffer.from(KNOWN_GET.signature, "hex").toString("base64")],
  ])("refuses, without throwing, a signature that is %s", (_name, signature) => {
    expect(verifySignature(request({ signature }))).toEqual({ ok: false, code: "bad_signature" });
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["in milliseconds", "1700000000000000"],
    ["fractional", "1700000000.5"],
    ["negative", "-1700000000"],
    ["in exponent notation", "1.7e9"],
    ["hexadecimal", "0x6553f100"],
    ["padded with spaces", " 1700000000"],
    ["an ISO date", "2023-11-14T22:13:20Z"],
  ])("refuses a timestamp that is %s", (_name, timestamp) => {
    expect(verifySignature(request({ timestamp }))).toEqual({ ok: false, code: "stale_timestamp" });
  });

  describe("secret rotation", () => {
    const oldSecret = "sk_old";
    const newSecret = "sk_new";

    it.each([
      ["the old secret", oldSecret],
      ["the new secret", newSecret],
    ])("accepts a request signed with %s while both are valid", (_name, secret) => {
      const signature = signRequest({ ...KNOWN_POST, secret });
      const verdict = verifySignature({ ...KNOWN_POST, secrets: [newSecret, oldSecret], signature, now: 1_700_000_123_000 });
      expect(verdict).toEqual({ ok: true });
    });

    it("refuses the old secret once only the new one is valid", () => {
      const signature = signRequest({ ...KNOWN_POST, secret: oldSecret });
      const verdict = verifySignature({ ...KNOWN_POST, secrets: [newSecret], signature, now: 1_700_000_123_000 });
      expect(verdict).toEqual({ ok: false, code: "bad_signature" });
    });
  });
});
