// Whether a host app belongs to the organization: a filter on a foreign host answers like a missing one.
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { hostApps } from "@/db/schema";

export async function hostExists(db: DbOrTx, orgId: string, hostId: string): Promise<boolean> {
  const rows = await db
    .select({ id: hostApps.id })
    .from(hostApps)
    .where(and(eq(hostApps.orgId, orgId), eq(hostApps.id, hostId)))
    .limit(1);
  return rows.length > 0;
}
