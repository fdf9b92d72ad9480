// Display names of an organization's host apps and mini-programs, for breakdown rows and filters.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { hostApps, miniPrograms } from "@/db/schema";

export type Names = { hosts: Map<string, string>; miniPrograms: Map<string, string> };

export async function getNames(db: DbOrTx, orgId: string): Promise<Names> {
  const [hosts, mps] = await Promise.all([
    db.select({ id: hostApps.id, name: hostApps.name }).from(hostApps).where(eq(hostApps.orgId, orgId)),
    db.select({ appId: miniPrograms.appId, name: miniPrograms.name }).from(miniPrograms).where(eq(miniPrograms.orgId, orgId)),
  ]);
  return { hosts: new Map(hosts.map((h) => [h.id, h.name])), miniPrograms: new Map(mps.map((m) => [m.appId, m.name])) };
}
