// Organization-wide locks, for the rules that read a set of rows and then write depending on what they saw
// (at most N webhooks, at least one owner). Taken first in the transaction, so every such change in one
// organization queues behind the same row and no two lock each other's rows in opposite orders.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { organizations } from "@/db/schema";

/**
 * Locks the organization's row until the transaction ends. FOR NO KEY UPDATE: foreign-key checks of inserts
 * elsewhere (FOR KEY SHARE) are not blocked by it.
 */
export async function lockOrganization(tx: DbOrTx, orgId: string): Promise<void> {
  await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).for("no key update");
}
