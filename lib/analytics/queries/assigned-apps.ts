// The mini-programs assigned to a host: the only ones whose events that host may report (CONTRACT §6).
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { assignments } from "@/db/schema";

export async function getAssignedAppIds(db: DbOrTx, orgId: string, hostId: string): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ appId: assignments.appId })
    .from(assignments)
    .where(and(eq(assignments.orgId, orgId), eq(assignments.hostId, hostId)));
  return new Set(rows.map((r) => r.appId));
}
