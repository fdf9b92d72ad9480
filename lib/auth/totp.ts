// Two-factor authentication for password sign-in (issue 15 item 4): TOTP (RFC 6238: SHA-1, 6 digits, 30 s, as every
// authenticator app reads an otpauth:// URI) through otpauth, a maintained implementation, and ten single-use
// recovery codes stored only as SHA-256 hashes. A code is accepted once: the time step it was accepted for is kept,
// and only a later step passes again (RFC 6238 §5.2), so a code seen over a shoulder is already spent.
import { randomBytes } from "node:crypto";
import { and, count, eq, isNull, lt, or } from "drizzle-orm";
import * as OTPAuth from "otpauth";
import type { DbOrTx } from "@/db";
import { recoveryCodes, users, type User } from "@/db/schema";
import { sha256Hex } from "@/lib/crypto/hash";
import { decryptSecret } from "@/lib/crypto/secrets";

const PERIOD = 30;
/** One step either side: an authenticator a few seconds off still signs in. */
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totpFor(secretBase32: string, email = "") {
  return new OTPAuth.TOTP({ issuer: "Atrium", label: email, secret: OTPAuth.Secret.fromBase32(secretBase32), algorithm: "SHA1", digits: 6, period: PERIOD });
}

/** The otpauth:// URI an authenticator app scans (as a QR code) or takes by hand. */
export function totpUri(secretBase32: string, email: string): string {
  return totpFor(secretBase32, email).toString();
}

/** The time step a code is valid for (now, or within one step), or null. Only six digits are codes. */
export function totpStep(secretBase32: string, code: string, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const totp = totpFor(secretBase32);
  const delta = totp.validate({ token, timestamp: now, window: WINDOW });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

/** For tests and the enrolment check: the code an authenticator shows at `now`. */
export function totpCode(secretBase32: string, now = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp: now });
}

const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Ten codes like `k7f3q-x9m2d`: 50 random bits each, easy to read aloud and type. */
export function newRecoveryCodes(): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export const hashRecoveryCode = (code: string) => sha256Hex(`atrium-recovery:${normalizeRecovery(code)}`);

/**
 * Checks a second factor at sign-in and spends it: a TOTP code for a step later than the last one accepted, or an
 * unused recovery code. Each is one conditional UPDATE, so two requests with the same code cannot both pass.
 */
export async function spendSecondFactor(db: DbOrTx, user: Pick<User, "id" | "totpSecretEnc">, code: string, now = Date.now()): Promise<"totp" | "recovery" | null> {
  if (await spendTotp(db, user, code, now)) return "totp";
  if (await spendRecoveryCode(db, user, code, now)) return "recovery";
  return null;
}

/** A code from the app, for a step later than the last one accepted; the step is recorded in the same UPDATE. */
export async function spendTotp(db: DbOrTx, user: Pick<User, "id" | "totpSecretEnc">, code: string, now = Date.now()): Promise<boolean> {
  if (!user.totpSecretEnc) return false;
  const step = totpStep(decryptSecret(user.totpSecretEnc), code, now);
  if (step === null) return false;
  const [row] = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return !!row;
}

/** An unused recovery code, marked used in the same UPDATE. */
async function spendRecoveryCode(db: DbOrTx, user: Pick<User, "id" | "totpSecretEnc">, code: string, now = Date.now()): Promise<boolean> {
  if (!user.totpSecretEnc || normalizeRecovery(code).length !== 10) return false;
  const [used] = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date(now) })
    .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, hashRecoveryCode(code)), isNull(recoveryCodes.usedAt)))
    .returning({ userId: recoveryCodes.userId });
  return !!used;
}

export async function countUnusedRecoveryCodes(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.n ?? 0;
}
