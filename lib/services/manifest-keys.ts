// Manifest signing keys as the console and the organization settings see them (CONTRACT §13): list the public keys,
// rotate with an overlap. Signing itself lives with the manifest (lib/sdk-server/manifest-keys.ts).
import { and, eq, lte } from "drizzle-orm";
import { manifestSigningKeys } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { recordAudit } from "@/lib/audit";
import { conflict } from "@/lib/errors";
import { newId } from "@/lib/ids";
import {
  RETIRING_KEY_TTL_MS,
  ensureActiveKey,
  forgetActiveKey,
  generateManifestKey,
  listManifestKeys,
  type PublicManifestKey,
} from "@/lib/sdk-server/manifest-keys";

export type { PublicManifestKey };

/** Public keys are public, but only members read them here (the SDK reads them at /api/sdk/v1/keys). */
export async function listSigningKeys(ctx: OrgContext, now = new Date()): Promise<PublicManifestKey[]> {
  authorize(ctx, "catalog.read");
  return listManifestKeys(ctx.db, ctx.org.id, now);
}

/**
 * A new active key; the one that was active signs nothing more and stays listed as `retiring` for 24 hours, so a
 * manifest it signed (held by a device or a cache) still verifies. Keys retired longer ago are deleted.
 */
export async function rotateSigningKey(ctx: OrgContext, now = new Date()): Promise<PublicManifestKey[]> {
  authorize(ctx, "settings.manage");
  const made = generateManifestKey();
  const id = newId("mk", now.getTime());
  const retiringUntil = new Date(now.getTime() + RETIRING_KEY_TTL_MS);
  const result = await ctx.db.transaction(async (tx) => {
    const current = await ensureActiveKey(tx, ctx.org.id);
    // Conditional on the key as read: of two racing rotations one retires it, the other is a conflict.
    const retired = await tx
      .update(manifestSigningKeys)
      .set({ status: "retiring", retiringUntil })
      .where(and(eq(manifestSigningKeys.orgId, ctx.org.id), eq(manifestSigningKeys.id, current.id), eq(manifestSigningKeys.status, "active")))
      .returning({ id: manifestSigningKeys.id });
    if (!retired.length) throw conflict("The signing key was rotated by someone else at the same time; reload and try again");
    await tx
      .delete(manifestSigningKeys)
      .where(and(eq(manifestSigningKeys.orgId, ctx.org.id), eq(manifestSigningKeys.status, "retiring"), lte(manifestSigningKeys.retiringUntil, now)));
    await tx.insert(manifestSigningKeys).values({ orgId: ctx.org.id, id, status: "active", createdAt: now, ...made });
    await recordAudit(tx, ctx, {
      action: "manifest_key.rotate",
      objectType: "manifest_key",
      objectId: id,
      changes: { from: current.id, to: id, retiringUntil: retiringUntil.toISOString() },
    });
    return listManifestKeys(tx, ctx.org.id, now);
  });
  forgetActiveKey(ctx.org.id);
  return result;
}
