import { createDecipheriv, hkdfSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  decryptSecret,
  encryptSecret,
  generateSdkKey,
  generateSdkSecret,
  generateToken,
  keySource,
  sha256Hex,
} from "./secrets";

const HEX_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

function setEnv(values: { ATRIUM_ENCRYPTION_KEY?: string; AUTH_SECRET?: string; NODE_ENV?: string }) {
  vi.stubEnv("ATRIUM_ENCRYPTION_KEY", values.ATRIUM_ENCRYPTION_KEY);
  vi.stubEnv("AUTH_SECRET", values.AUTH_SECRET);
  vi.stubEnv("NODE_ENV", values.NODE_ENV ?? "test");
}

/** Decrypts with an explicitly given key, to prove which key the module used. */
function decryptWith(key: Buffer, enc: string): string {
  const [, iv, tag, ct] = enc.split(":").map((part) => Buffer.from(part, "base64url"));
  const decipher = createDecipheriv("aes-256-gcm", key, iv as Buffer);
  decipher.setAuthTag(tag as Buffer);
  return Buffer.concat([decipher.update(ct as Buffer), decipher.final()]).toString("utf8");
}

/** Flips one bit of one base64url field, keeping the format valid. */
function flipBit(enc: string, field: 1 | 2 | 3): string {
  const parts = enc.split(":");
  const bytes = Buffer.from(parts[field] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[field] = bytes.toString("base64url");
  return parts.join(":");
}

beforeEach(() => setEnv({ ATRIUM_ENCRYPTION_KEY: HEX_KEY }));
afterEach(() => vi.unstubAllEnvs());

describe("encryptSecret / decryptSecret", () => {
  it.each(["sk_abc", "", "ünïcødé 🔑", "x".repeat(10_000)])("round-trips %j", (plain) => {
    expect(decryptSecret(encryptSecret(plain))).toBe(plain);
  });

  it("writes v1:<iv>:<tag>:<ciphertext> in base64url with a 12-byte IV and a 16-byte tag", () => {
    const enc = encryptSecret("sk_abc");
    expect(enc).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
  });

  it("uses a fresh IV each time, so equal secrets do not look equal at rest", () => {
    const encrypted = Array.from({ length: 200 }, () => encryptSecret("same"));
    const ivs = new Set(encrypted.map((enc) => enc.split(":")[1]));
    expect(ivs.size).toBe(200);
    expect(new Set(encrypted).size).toBe(200);
  });

  it.each([
    ["the IV", 1],
    ["the tag", 2],
    ["the ciphertext", 3],
  ] as const)("throws when %s was altered", (_name, field) => {
    const enc = encryptSecret("sk_abc");
    expect(() => decryptSecret(flipBit(enc, field))).toThrow(/failed authentication/);
  });

  it.each([
    ["an unknown version", (enc: string) => enc.replace(/^v1:/, "v2:")],
    ["a missing part", (enc: string) => enc.split(":").slice(0, 3).join(":")],
    ["an extra part", (enc: string) => `${enc}:AAAA`],
    ["a truncated tag", (enc: string) => enc.split(":").map((part, i) => (i === 2 ? part.slice(0, 8) : part)).join(":")],
    ["plain text", () => "sk_not_encrypted"],
  ])("throws on %s", (_name, mangle) => {
    expect(() => decryptSecret(mangle(encryptSecret("sk_abc")))).toThrow();
  });

  it("throws when the key changed since encryption", () => {
    const enc = encryptSecret("sk_abc");
    setEnv({ ATRIUM_ENCRYPTION_KEY: HEX_KEY.replace(/^00/, "01") });
    expect(() => decryptSecret(enc)).toThrow(/key changed/);
  });
});

describe("key configuration", () => {
  it("takes ATRIUM_ENCRYPTION_KEY as hex", () => {
    expect(decryptWith(Buffer.from(HEX_KEY, "hex"), encryptSecret("hex"))).toBe("hex");
  });

  it("takes ATRIUM_ENCRYPTION_KEY as base64, in preference to AUTH_SECRET", () => {
    const key = Buffer.alloc(32, 7);
    setEnv({ ATRIUM_ENCRYPTION_KEY: key.toString("base64"), AUTH_SECRET: "ignored" });
    expect(keySource()).toBe("ATRIUM_ENCRYPTION_KEY");
    expect(decryptWith(key, encryptSecret("b64"))).toBe("b64");
  });

  it("refuses an ATRIUM_ENCRYPTION_KEY that is not 32 bytes", () => {
    setEnv({ ATRIUM_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") });
    expect(() => encryptSecret("x")).toThrow(/32 bytes/);
  });

  it("derives the key from AUTH_SECRET with HKDF-SHA256 when no key is set", () => {
    setEnv({ AUTH_SECRET: "session-secret", NODE_ENV: "production" });
    const derived = Buffer.from(hkdfSync("sha256", "session-secret", Buffer.alloc(0), "atrium secret encryption v1", 32));
    expect(keySource()).toBe("AUTH_SECRET");
    expect(decryptWith(derived, encryptSecret("derived"))).toBe("derived");
  });

  it("refuses to run in production without either variable", () => {
    setEnv({ NODE_ENV: "production" });
    expect(() => encryptSecret("x")).toThrow(/ATRIUM_ENCRYPTION_KEY.*AUTH_SECRET/);
  });

  it("falls back to the development key outside production, warning once", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    setEnv({ NODE_ENV: "development" });
    expect(keySource()).toBe("development");
    const enc = encryptSecret("dev");
    expect(decryptSecret(enc)).toBe("dev");
    setEnv({ NODE_ENV: "test" });
    encryptSecret("dev again");
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe("credential generators", () => {
  it("makes SDK keys of ak_ and 24 base62 characters, all different", () => {
    const keys = Array.from({ length: 1000 }, generateSdkKey);
    for (const key of keys) expect(key).toMatch(/^ak_[0-9A-Za-z]{24}$/);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("makes SDK secrets of sk_ and 32 random bytes in base64url", () => {
    const secret = generateSdkSecret();
    expect(secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(3), "base64url")).toHaveLength(32);
    expect(generateSdkSecret()).not.toBe(secret);
  });

  it("makes tokens with the given prefix", () => {
    expect(generateToken("atr_")).toMatch(/^atr_[A-Za-z0-9_-]{43}$/);
  });

  it("hashes with SHA-256 in lower-case hex", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe(sha256Hex("abc"));
  });
});
