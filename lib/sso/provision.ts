// A verified person from an organization's identity provider, made a console user and member (CONTRACT §9): a known
// email is matched, an unknown one is created, and someone who is not a member yet joins with the default role
// (just in time). Audited in the organization with the provider's subject. Runs only after every check of the
// provider's answer passed, so a refused sign-in creates nothing.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, users, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { newId } from "@/lib/ids";
import { emitMemberAdded } from "@/lib/services/members";
import type { SsoTarget } from "./lookup";

export type VerifiedIdentity = { issuer: string; subject: string; email: string; name: string | null };
export type Provisioned = { userId: string; email: string; created: boolean; joined: Role | null };

export class AccountDisabled extends Error {}

export async function provisionSsoUser(db: Db, target: SsoTarget, who: VerifiedIdentity, ip: string | null): Promise<Provisioned> {
  const email = who.email.toLowerCase();
  const [known] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  if (known?.disabledAt) throw new AccountDisabled();
  // Someone created here has no password anyone knows: the hash of random bytes, so a password never signs them in
  // and the sign-in page takes as long for them as for anyone (no way to tell the account apart).
  const unusable = known ? null : await hashPassword(randomBytes(32).toString("base64url"));
  return db.transaction(async (tx) => {
    let created = false;
    if (!known) {
      const [inserted] = await tx
        .insert(users)
        .values({ id: newId("usr"), email, name: (who.name?.trim() || email.split("@")[0]!).slice(0, 200), passwordHash: unusable! })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id });
      created = !!inserted;
    }
    // A second first sign-in racing this one may have created the row: read it back either way.
    const [user] = await tx.select().from(users).where(eq(users.email, email)).limit(1);
    if (!user || user.disabledAt) throw new AccountDisabled();
    const [joined] = await tx
      .insert(memberships)
      .values({ orgId: target.org.id, userId: user.id, role: target.connection.defaultRole })
      .onConflictDoNothing()
      .returning({ role: memberships.role });
    const [membership] = await tx.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.orgId, target.org.id), eq(memberships.userId, user.id)));
    await recordAudit(
      tx,
      { org: target.org, actor: { type: "user", userId: user.id, email: user.email, name: user.name, sessionId: "" }, ip },
      {
        action: "sso.sign_in",
        objectType: "member",
        objectId: user.id,
        changes: { issuer: who.issuer, subject: who.subject, email: user.email, created, joined: joined?.role ?? null, role: membership?.role ?? null },
      },
    );
    // Joining just in time is a member added, like accepting an invitation (issue 20).
    if (joined) await emitMemberAdded(tx, target.org.id, user.id, user.email);
    return { userId: user.id, email: user.email, created, joined: joined?.role ?? null };
  });
}
