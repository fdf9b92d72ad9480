// Verifying a manifest's Ed25519 signature (CONTRACT §13) with WebCrypto: the header names the key, the signature
// covers the exact body bytes, and the key must be one the host trusts (pinned, or fetched from /api/sdk/v1/keys).
import { AtriumSdkError } from "./types";

export interface ManifestKey {
  keyId: string;
  alg: "Ed25519";
  /** The raw 32-byte public key, base64url. */
  publicKey: string;
  status: "active" | "retiring";
}

const HEADER = /^keyId=([A-Za-z0-9_-]{1,128}),\s*sig=([A-Za-z0-9_-]{86})$/;

export function base64UrlBytes(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (value.length % 4)) % 4);
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function badSignature(message: string): AtriumSdkError {
  return new AtriumSdkError({ code: "manifest_signature_invalid", message });
}

/** `{keyId, sig}` from `X-MP-Manifest-Signature`, or null when it is missing or malformed. */
export function parseSignatureHeader(header: string | null): { keyId: string; sig: Uint8Array<ArrayBuffer> } | null {
  const m = HEADER.exec(header?.trim() ?? "");
  if (!m) return null;
  const sig = base64UrlBytes(m[2]!);
  return sig.length === 64 ? { keyId: m[1]!, sig } : null;
}

export function isManifestKeyList(value: unknown): value is { keys: ManifestKey[] } {
  if (typeof value !== "object" || value === null || !Array.isArray((value as { keys?: unknown }).keys)) return false;
  return (value as { keys: unknown[] }).keys.every(
    (k) =>
      typeof k === "object" &&
      k !== null &&
      typeof (k as ManifestKey).keyId === "string" &&
      (k as ManifestKey).alg === "Ed25519" &&
      typeof (k as ManifestKey).publicKey === "string",
  );
}

/** Imported keys by id; WebCrypto key import is async and worth doing once. */
export class ManifestVerifier {
  private readonly imported = new Map<string, Promise<CryptoKey>>();

  private importKey(key: ManifestKey): Promise<CryptoKey> {
    let p = this.imported.get(`${key.keyId}:${key.publicKey}`);
    if (!p) {
      const raw = base64UrlBytes(key.publicKey);
      if (raw.length !== 32) return Promise.reject(badSignature(`Manifest key ${key.keyId} is not a 32-byte Ed25519 key.`));
      p = crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
      this.imported.set(`${key.keyId}:${key.publicKey}`, p);
    }
    return p;
  }

  /** Throws `manifest_signature_invalid` unless `sig` is `key`'s signature over exactly `body`. */
  async verify(key: ManifestKey, sig: Uint8Array<ArrayBuffer>, body: Uint8Array<ArrayBuffer>): Promise<void> {
    const cryptoKey = await this.importKey(key);
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, sig, body);
    if (!ok) throw badSignature(`The manifest's signature does not verify with key ${key.keyId}: it was altered or not made by the console.`);
  }
}
