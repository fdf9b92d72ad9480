// Reading a host app (issue 12 item 18): the one loader of "a host app by id in this organization", with an
// explicit lock mode. Any text is looked up as it is (host ids made elsewhere, such as the benchmark's, stay
// addressable); a wrong one simply finds nothing.
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { hostApps, type HostApp } from "@/db/schema";

/** The host app, or null when there is none of that id in the organization. `lock: "update"` holds the row for a change. */
export async function selectHost(db: DbOrTx, orgId: string, hostId: string, opts: { lock?: "update" | "share" } = {}): Promise<HostApp | null> {
  const q = db
    .select()
    .from(hostApps)
    .where(and(eq(hostApps.orgId, orgId), eq(hostApps.id, hostId)))
    .limit(1);
  const [row] = await (opts.lock ? q.for(opts.lock) : q);
  return row ?? null;
}
