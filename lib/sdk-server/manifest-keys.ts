// Manifest signing (CONTRACT §13): each organization has one active Ed25519 key that signs every 200 manifest's
// exact body bytes, and after a rotation a retiring key that SDKs may still see on cached manifests. Keys are made
// with node:crypto; the private half is stored encrypted (lib/crypto/secrets.ts) and never leaves the server.
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { and, asc, eq, gt, isNull, or } from "drizzle-orm";
import { onTestDatabaseSwap, type DbOrTx } from "@/db";
import { manifestSigningKeys } from "@/db/schema";
import { recordSystemAudit } from "@/lib/audit";
import { createTtlCache, decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { newId } from "@/lib/ids";

/** How long a rotated-out key stays listed, like a rotated SDK secret (CONTRACT §3). */
export const RETIRING_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const MANIFEST_SIGNATURE_HEADER = "X-MP-Manifest-Signature";

export type PublicManifestKey = {
  keyId: string;
  alg: "Ed25519";
  publicKey: string;
  status: "active" | "retiring";
  createdAt: string;
  retiringUntil: string | null;
};

export type SigningKey = { keyId: string; privateKey: KeyObject };

/** A fresh Ed25519 key pair: the raw 32-byte public key (base64url) and the encrypted PKCS#8 private key. */
export function generateManifestKey(): { publicKey: string; privateKeyEnc: string } {
  const pair = generateKeyPairSync("ed25519");
  // The JWK's `x` is exactly the raw public key in base64url (RFC 8037).
  const jwk = pair.publicKey.export({ format: "jwk" });
  const der = pair.privateKey.export({ format: "der", type: "pkcs8" });
  return { publicKey: jwk.x ?? "", privateKeyEnc: encryptSecret(der.toString("base64url")) };
}

// A key's private half never changes, so a decrypted KeyObject may live as long as the process; which key is
// active is re-read every few seconds (a rotation reaches every process that fast; the retiring key still verifies).
const privateKeys = new Map<string, KeyObject>();
const activeByOrg = createTtlCache<string, SigningKey>({ ttlMs: 5_000, max: 10_000 });
onTestDatabaseSwap(() => {
  privateKeys.clear();
  activeByOrg.clear();
});

function privateKeyOf(orgId: string, keyId: string, enc: string): KeyObject {
  const cacheKey = `${orgId}/${keyId}`;
  let key = privateKeys.get(cacheKey);
  if (!key) {
    key = createPrivateKey({ key: Buffer.from(decryptSecret(enc), "base64url"), format: "der", type: "pkcs8" });
    privateKeys.set(cacheKey, key);
  }
  return key;
}

/** Drops the cached active key of an organization (after a rotation in this process). */
export function forgetActiveKey(orgId: string): void {
  activeByOrg.delete(orgId);
}

async function selectActive(db: DbOrTx, orgId: string) {
  const [row] = await db
    .select()
    .from(manifestSigningKeys)
    .where(and(eq(manifestSigningKeys.orgId, orgId), eq(manifestSigningKeys.status, "active")))
    .limit(1);
  return row ?? null;
}

/**
 * The organization's active key, made on first use: an organization created by any path gets one the first time
 * a manifest or the key list is asked for. Two racing first requests insert at most one (the partial unique index).
 */
export async function ensureActiveKey(db: DbOrTx, orgId: string): Promise<typeof manifestSigningKeys.$inferSelect> {
  const existing = await selectActive(db, orgId);
  if (existing) return existing;
  const made = generateManifestKey();
  const id = newId("mk");
  const inserted = await db
    .insert(manifestSigningKeys)
    .values({ orgId, id, status: "active", ...made })
    .onConflictDoNothing()
    .returning({ id: manifestSigningKeys.id });
  if (inserted.length) {
    await recordSystemAudit(db, orgId, { action: "manifest_key.create", objectType: "manifest_key", objectId: id, changes: { keyId: id } });
  }
  const row = await selectActive(db, orgId);
  if (!row) throw new Error("No active manifest signing key after creating one");
  return row;
}

export async function activeSigningKey(db: DbOrTx, orgId: string): Promise<SigningKey> {
  const hit = activeByOrg.get(orgId);
  if (hit) return hit;
  const row = await ensureActiveKey(db, orgId);
  const key = { keyId: row.id, privateKey: privateKeyOf(orgId, row.id, row.privateKeyEnc) };
  activeByOrg.set(orgId, key);
  return key;
}

/** `keyId=<id>, sig=<base64url Ed25519 signature>` over exactly these bytes. */
export function signatureHeader(key: SigningKey, body: Uint8Array): string {
  return `keyId=${key.keyId}, sig=${sign(null, body, key.privateKey).toString("base64url")}`;
}

/** The keys an SDK should trust now: the active one and any retiring one still inside its overlap. */
export async function listManifestKeys(db: DbOrTx, orgId: string, now = new Date()): Promise<PublicManifestKey[]> {
  await ensureActiveKey(db, orgId);
  const rows = await db
    .select()
    .from(manifestSigningKeys)
    .where(
      and(
        eq(manifestSigningKeys.orgId, orgId),
        or(eq(manifestSigningKeys.status, "active"), isNull(manifestSigningKeys.retiringUntil), gt(manifestSigningKeys.retiringUntil, now)),
      ),
    )
    .orderBy(asc(manifestSigningKeys.status), asc(manifestSigningKeys.id));
  return rows.map((r) => ({
    keyId: r.id,
    alg: "Ed25519" as const,
    publicKey: r.publicKey,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    retiringUntil: r.retiringUntil?.toISOString() ?? null,
  }));
}
