// Whether a host app belongs to the organization: a filter on a foreign host answers like a missing one.
import type { DbOrTx } from "@/db";
import { selectHost } from "@/db/queries/hosts";

export async function hostExists(db: DbOrTx, orgId: string, hostId: string): Promise<boolean> {
  return (await selectHost(db, orgId, hostId)) !== null;
}
