// Refuses a signed SDK write that was already received (issue 12, item 6). A signature covers the timestamp,
// method, target and body, and is accepted for SIGNATURE_WINDOW_SECONDS either side of the server's clock, so
// an eavesdropper who captured a write could send it again inside that window. The seen set lives in the
// database, so every server process on one PostgreSQL refuses the replay, not only the one that saw it first.
// Reads (GET, HEAD) and event batches (idempotent by event id) do not go through it.
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { sdkSeenSignatures } from "@/db/schema";
import { SIGNATURE_WINDOW_SECONDS } from "@/lib/sdk/signing";

/** True the first time this host presents this signature within its window; false for a replay. */
export async function firstSighting(db: Db, host: { orgId: string; id: string }, signature: string, signedAtSeconds: number, now: number): Promise<boolean> {
  // The signature verifies until its timestamp leaves the window, so it must be remembered at least that long.
  const expiresAt = new Date(Math.max(now, (signedAtSeconds + SIGNATURE_WINDOW_SECONDS) * 1000) + 1000);
  const inserted = await db
    .insert(sdkSeenSignatures)
    .values({ orgId: host.orgId, hostId: host.id, signature: signature.toLowerCase(), expiresAt })
    .onConflictDoNothing()
    .returning({ signature: sdkSeenSignatures.signature });
  // Forget this host's expired entries as we go: the set stays as small as the writes of the last window.
  await db
    .delete(sdkSeenSignatures)
    .where(and(eq(sdkSeenSignatures.orgId, host.orgId), eq(sdkSeenSignatures.hostId, host.id), lt(sdkSeenSignatures.expiresAt, new Date(now))));
  return inserted.length > 0;
}
