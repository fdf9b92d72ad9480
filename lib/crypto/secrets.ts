// Secrets at rest and credential generation. SDK secrets must be stored reversibly (the server
// recomputes HMACs with them), so they are encrypted rather than hashed; API tokens are hashed.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

export { sha256Hex } from "./hash";
export { createTtlCache, type TtlCache, type TtlCacheOptions } from "./ttl-cache";

const FORMAT_VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = "atrium secret encryption v1";
// Deliberately public: it only ever protects development and test databases.
const DEV_KEY = createHash("sha256").update("atrium insecure development key").digest();

export type KeySource = "ATRIUM_ENCRYPTION_KEY" | "AUTH_SECRET" | "development";

type Env = Record<string, string | undefined>;

let cached: { fingerprint: string; key: Buffer } | undefined;
let warnedAboutDevKey = false;

function parseConfiguredKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : Buffer.from(trimmed, "base64"); // Node's base64 decoder also takes base64url.
  if (key.length !== KEY_BYTES) {
    throw new Error(
      `ATRIUM_ENCRYPTION_KEY must be ${KEY_BYTES} bytes as 64 hex characters or base64 ` +
        `(e.g. \`openssl rand -base64 32\`); it decodes to ${key.length} bytes.`,
    );
  }
  return key;
}

function deriveFromAuthSecret(authSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret, Buffer.alloc(0), HKDF_INFO, KEY_BYTES));
}

/** Which key configuration applies; exported for start-up diagnostics and tests. */
export function keySource(env: Env = process.env): KeySource {
  if (env.ATRIUM_ENCRYPTION_KEY) return "ATRIUM_ENCRYPTION_KEY";
  if (env.AUTH_SECRET) return "AUTH_SECRET";
  if (env.NODE_ENV === "production") {
    throw new Error(
      "No encryption key for stored secrets: set ATRIUM_ENCRYPTION_KEY (32 bytes, hex or base64) " +
        "or AUTH_SECRET. Refusing the built-in development key in production.",
    );
  }
  return "development";
}

function resolveKey(env: Env): Buffer {
  const source = keySource(env);
  if (source === "ATRIUM_ENCRYPTION_KEY") return parseConfiguredKey(env.ATRIUM_ENCRYPTION_KEY ?? "");
  if (source === "AUTH_SECRET") return deriveFromAuthSecret(env.AUTH_SECRET ?? "");
  if (!warnedAboutDevKey) {
    warnedAboutDevKey = true;
    console.warn(
      "[atrium] ATRIUM_ENCRYPTION_KEY and AUTH_SECRET are unset: stored secrets use a public development key.",
    );
  }
  return DEV_KEY;
}

/** What the key is derived from: equal for two environments that encrypt under the same key. Holds the secrets. */
export function keyConfiguration(env: Env = process.env): string {
  return [env.ATRIUM_ENCRYPTION_KEY, env.AUTH_SECRET, env.NODE_ENV].join("\u0000");
}

// Read the environment on every call (tests and scripts change it) but derive the key only when it changed.
function currentKey(): Buffer {
  const env = process.env;
  const fingerprint = keyConfiguration(env);
  if (cached?.fingerprint !== fingerprint) cached = { fingerprint, key: resolveKey(env) };
  return cached.key;
}

/** Encrypts with AES-256-GCM under a fresh random IV: `v1:<iv>:<tag>:<ciphertext>`, each base64url. */
export function encryptSecret(plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, currentKey(), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT_VERSION, ...[iv, tag, ciphertext].map((part) => part.toString("base64url"))].join(":");
}

function parseEncrypted(enc: string): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const parts = enc.split(":");
  if (parts.length !== 4 || parts[0] !== FORMAT_VERSION) {
    throw new Error(`Encrypted secret is not in the ${FORMAT_VERSION} format.`);
  }
  const field = (index: number) => Buffer.from(parts[index] ?? "", "base64url");
  const decoded = { iv: field(1), tag: field(2), ciphertext: field(3) };
  // A short tag would weaken GCM's authentication; Node accepts them unless told otherwise.
  if (decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) {
    throw new Error("Encrypted secret has a malformed IV or tag.");
  }
  return decoded;
}

/** Decrypts what `encryptSecret` produced; throws when it was altered or encrypted under another key. */
export function decryptSecret(enc: string): string {
  const { iv, tag, ciphertext } = parseEncrypted(enc);
  const decipher = createDecipheriv(ALGORITHM, currentKey(), iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    // OpenSSL's own message ("Unsupported state or unable to authenticate data") names neither cause.
    throw new Error("Encrypted secret failed authentication: it was altered, or the encryption key changed.");
  }
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniform base62: bytes ≥ 248 are discarded, since 256 is not a multiple of 62. */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A public SDK key, `ak_` + 24 base62 characters (~143 bits): not secret, but not guessable either. */
export function generateSdkKey(): string {
  return `ak_${randomBase62(24)}`;
}

/** An SDK secret, `sk_` + 32 random bytes as base64url. */
export function generateSdkSecret(): string {
  return generateToken("sk_");
}

/** `prefix` + 32 random bytes as base64url; the prefix lets leaked tokens be recognised by scanners. */
export function generateToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}
