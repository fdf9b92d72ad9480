// The audit log: append-only. Every state change writes one entry in the same transaction as the change.
import type { DbOrTx } from "@/db";
import { eq } from "drizzle-orm";
import { auditLog, memberships, organizations } from "@/db/schema";
import { newId } from "@/lib/ids";
import type { OrgContext } from "@/lib/authz/context";

export type AuditInput = {
  action: string;
  objectType: string;
  objectId?: string | null;
  changes?: Record<string, unknown>;
};

export async function recordAudit(tx: DbOrTx, ctx: Pick<OrgContext, "org" | "actor" | "ip">, entry: AuditInput): Promise<void> {
  await tx.insert(auditLog).values({
    orgId: ctx.org.id,
    id: newId("aud"),
    actorType: ctx.actor.type,
    actorId: ctx.actor.type === "token" ? ctx.actor.tokenId : ctx.actor.userId,
    actorLabel: ctx.actor.type === "token" ? `${ctx.actor.email} (API token)` : ctx.actor.email,
    action: entry.action,
    objectType: entry.objectType,
    objectId: entry.objectId ?? null,
    ip: ctx.ip,
    changes: entry.changes ?? null,
  });
}

/**
 * A change to a person's own account that every organization they belong to should see (two-factor turned on or
 * off, a recovery code spent): one entry in each, the person as the actor.
 */
export async function recordPersonAudit(tx: DbOrTx, person: { userId: string; email: string; name: string }, ip: string | null, entry: AuditInput): Promise<void> {
  const orgs = await tx
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, person.userId));
  for (const org of orgs) await recordAudit(tx, { org, actor: { type: "user", ...person, sessionId: "" }, ip }, entry);
}

/** For actions with no signed-in actor in an organization (the seed, the SDK). */
export async function recordSystemAudit(
  tx: DbOrTx,
  orgId: string,
  entry: AuditInput & { actorType?: "system" | "sdk"; actorId?: string; actorLabel?: string; ip?: string | null },
): Promise<void> {
  await tx.insert(auditLog).values({
    orgId,
    id: newId("aud"),
    actorType: entry.actorType ?? "system",
    actorId: entry.actorId ?? null,
    actorLabel: entry.actorLabel ?? "system",
    action: entry.action,
    objectType: entry.objectType,
    objectId: entry.objectId ?? null,
    ip: entry.ip ?? null,
    changes: entry.changes ?? null,
  });
}
