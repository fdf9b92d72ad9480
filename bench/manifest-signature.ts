// tsx bench/manifest-signature.ts: what signing a manifest (CONTRACT §13) costs. The route signs a body once per
// tag and second (`generatedAt` is a whole second) and serves it again within that second; this measures Ed25519
// signing of a realistic body with node:crypto, and WebCrypto verification as the reference SDK client does it.
import { createPrivateKey } from "node:crypto";
import { decryptSecret } from "@/lib/crypto/secrets";
import { generateManifestKey, signatureHeader } from "@/lib/sdk-server/manifest-keys";

const made = generateManifestKey();
const key = { keyId: "mk_bench", privateKey: createPrivateKey({ key: Buffer.from(decryptSecret(made.privateKeyEnc), "base64url"), format: "der", type: "pkcs8" }) };
const entry = (i: number) => ({
  appId: `com.bench.app${i}`,
  name: `Bench ${i}`,
  version: "1.2.3",
  sha256: "a".repeat(64),
  size: 123456,
  packageUrl: `/api/sdk/v1/packages/${"a".repeat(64)}`,
  permissions: ["location", "camera"],
  domains: ["https://api.bench.test"],
});

async function main() {
  for (const count of [1, 20, 200]) {
    const body = Buffer.from(JSON.stringify({ hostId: "hst_bench", generatedAt: new Date().toISOString(), miniPrograms: Array.from({ length: count }, (_, i) => entry(i)) }));
    const n = 20_000;
    for (let i = 0; i < 1000; i++) signatureHeader(key, body);
    let t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) signatureHeader(key, body);
    const signUs = Number(process.hrtime.bigint() - t) / n / 1000;
    const pub = await crypto.subtle.importKey("raw", Buffer.from(made.publicKey, "base64url"), { name: "Ed25519" }, false, ["verify"]);
    const sig = Buffer.from(signatureHeader(key, body).split("sig=")[1]!, "base64url");
    t = process.hrtime.bigint();
    for (let i = 0; i < 2000; i++) await crypto.subtle.verify({ name: "Ed25519" }, pub, sig, body);
    const verifyUs = Number(process.hrtime.bigint() - t) / 2000 / 1000;
    console.log(`${count} entries (${body.length} bytes): sign ${signUs.toFixed(1)} µs, verify (WebCrypto) ${verifyUs.toFixed(1)} µs`);
  }
}

void main();
