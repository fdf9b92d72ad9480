import { describe, expect, it } from "vitest";
import { signRequest } from "@/lib/sdk/signing";
import { bodyBytes, canonicalString, createSigner, sha256Hex } from "./signing";

// The same OpenSSL known answers as lib/sdk/signing.test.ts, where the commands that made them are.
const SECRET = "sk_known_answer_secret";
const vectors = [
  {
    timestamp: "1700000000",
    method: "GET",
    pathWithQuery: "/api/sdk/v1/manifest?user=u-42&platform=ios&sdkVersion=2.1.0",
    body: "",
    signature: "18aa033c85e43dc782e9caacef43434c3bc210a988403a6d85f6dd28de064bb0",
  },
  {
    timestamp: "1700000123",
    method: "POST",
    pathWithQuery: "/api/sdk/v1/events",
    body: '{"events":[]}',
    signature: "edbc5945af7f22e50e065c301acd112ffd35220dc7c807f1085ae321795b4ce4",
  },
];

describe("the client's WebCrypto signer", () => {
  it.each(vectors)("matches the OpenSSL known answer for $method $pathWithQuery", async (vector) => {
    const sign = createSigner(SECRET);
    expect(await sign({ ...vector, body: bodyBytes(vector.body) })).toBe(vector.signature);
  });

  it("agrees with the server's signer on text that is not ASCII", async () => {
    const parts = { timestamp: "1700000000", method: "post", pathWithQuery: "/api/sdk/v1/events?x=%C3%A9", body: '{"message":"é ✓ 🔑"}' };
    const sign = createSigner("sk_ünïcødé");
    expect(await sign({ ...parts, body: bodyBytes(parts.body) })).toBe(signRequest({ ...parts, secret: "sk_ünïcødé" }));
  });

  it("builds the same canonical string as the contract", async () => {
    const empty = await sha256Hex(bodyBytes(undefined));
    expect(canonicalString("1", "get", "/p?q=1", empty)).toBe(`1\nGET\n/p?q=1\n${empty}`);
    expect(empty).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
