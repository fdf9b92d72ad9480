// The check behind password sign-in (lib/auth/index.ts), apart from Auth.js so it can be tested on its own: the
// throttle, the password, an organization that enforces single sign-on, then the second factor for an account with
// two-factor on (issue 15 item 4). No session is opened here; the caller opens one only on `ok`.
// The attempt is counted before anything is checked and stays counted until the second factor passes, so wrong
// codes and wrong recovery codes are throttled exactly like wrong passwords (the same counters).
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users, type User } from "@/db/schema";
import { recordPersonAudit } from "@/lib/audit";
import { passwordRefusedBy } from "@/lib/sso/lookup";
import { burnPasswordCheck, verifyPassword } from "./password";
import { beginAttempt, recordSuccess } from "./throttle";
import { countUnusedRecoveryCodes, spendSecondFactor } from "./totp";

export type PasswordSignInResult =
  | { ok: true; user: User; secondFactor: "totp" | "recovery" | null }
  | { ok: false; reason: "invalid" | "sso_required" | "totp_required" | "totp_invalid" }
  | { ok: false; reason: "throttled"; waitSeconds: number };

export async function checkPasswordSignIn(db: Db, input: { email: string; password: string; code?: string }, ip: string | null): Promise<PasswordSignInResult> {
  const { email, password } = input;
  const code = input.code?.trim() || undefined;
  // Counted before the password is checked, so parallel guesses cannot all pass a check-then-record gap.
  const wait = await beginAttempt(db, email, ip);
  if (wait > 0) return { ok: false, reason: "throttled", waitSeconds: wait };
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  const ok = user && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
  if (!user || !ok) return { ok: false, reason: "invalid" };
  if (await passwordRefusedBy(db, user.id)) {
    await recordSuccess(db, email, ip);
    return { ok: false, reason: "sso_required" };
  }
  let secondFactor: "totp" | "recovery" | null = null;
  if (user.totpSecretEnc) {
    if (!code) return { ok: false, reason: "totp_required" };
    secondFactor = await spendSecondFactor(db, user, code);
    if (!secondFactor) return { ok: false, reason: "totp_invalid" };
    if (secondFactor === "recovery") {
      const left = await countUnusedRecoveryCodes(db, user.id);
      // In each of the person's organizations: their admins see it in the audit log.
      await db.transaction((tx) =>
        recordPersonAudit(tx, { userId: user.id, email: user.email, name: user.name }, ip, {
          action: "totp.recovery_used",
          objectType: "member",
          objectId: user.id,
          changes: { recoveryCodesLeft: left },
        }),
      );
    }
  }
  await recordSuccess(db, email, ip);
  return { ok: true, user, secondFactor };
}

