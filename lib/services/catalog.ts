// Read side of host apps and mini-programs used by the foundation (lists, overview numbers).
// The host-app and mini-program issues own the write side in their own services.
import { and, asc, count, eq, sql } from "drizzle-orm";
import { hostApps, miniPrograms, versions } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { miniProgramScope, versionScope } from "./mini-programs";

// Mini-programs live in ./mini-programs; re-exported for the callers that read them from here.
export { listMiniPrograms, miniProgramScope, miniProgramToJson } from "./mini-programs";

// Host apps live in ./hosts; re-exported for the callers that read them from here.
export { hostToJson, listHosts } from "./hosts";

export async function overviewNumbers(ctx: OrgContext) {
  authorize(ctx, "catalog.read");
  const [hosts] = await ctx.db
    .select({ total: count(), active: sql<number>`count(*) filter (where ${hostApps.status} = 'active')`.mapWith(Number) })
    .from(hostApps)
    .where(eq(hostApps.orgId, ctx.org.id));
  const [mps] = await ctx.db.select({ total: count() }).from(miniPrograms).where(and(eq(miniPrograms.orgId, ctx.org.id), miniProgramScope(ctx)));
  const byStatus = await ctx.db
    .select({ status: versions.status, n: count() })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), versionScope(ctx)))
    .groupBy(versions.status);
  const [oldest] = await ctx.db
    .select({ id: versions.id, appId: versions.appId, version: versions.version, submittedAt: versions.submittedAt })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.status, "in_review"), versionScope(ctx)))
    .orderBy(asc(versions.submittedAt))
    .limit(1);
  return {
    hosts: hosts?.total ?? 0,
    activeHosts: hosts?.active ?? 0,
    miniPrograms: mps?.total ?? 0,
    versionsByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])) as Record<string, number>,
    oldestInReview: oldest ?? null,
  };
}
