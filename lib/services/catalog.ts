// Read side of host apps and mini-programs used by the foundation (lists, overview numbers).
// The host-app and mini-program issues own the write side in their own services.
import { and, asc, count, eq, gt, inArray, sql } from "drizzle-orm";
import { collaborators, hostApps, miniPrograms, versions, type HostApp, type MiniProgram } from "@/db/schema";
import { authorize, isCollaboratorScoped, type OrgContext } from "@/lib/authz/context";
import { decodeCursor, toPage } from "./pagination";

export function hostToJson(h: HostApp) {
  return {
    id: h.id,
    name: h.name,
    description: h.description,
    status: h.status,
    sdkKey: h.sdkKey,
    platforms: h.platforms,
    policy: h.policy,
    createdAt: h.createdAt.toISOString(),
    updatedAt: h.updatedAt.toISOString(),
  };
}

export function miniProgramToJson(m: MiniProgram) {
  return { id: m.id, appId: m.appId, name: m.name, category: m.category, description: m.description, createdAt: m.createdAt.toISOString() };
}

export async function listHosts(ctx: OrgContext, page: { limit: number; cursor?: string }) {
  authorize(ctx, "catalog.read");
  const after = decodeCursor(page.cursor);
  const rows = await ctx.db
    .select()
    .from(hostApps)
    .where(and(eq(hostApps.orgId, ctx.org.id), after ? gt(hostApps.id, after) : undefined))
    .orderBy(asc(hostApps.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.id);
  return { items: p.items.map(hostToJson), nextCursor: p.nextCursor };
}

/** The condition that limits developers to mini-programs they collaborate on. */
export function miniProgramScope(ctx: OrgContext) {
  if (!isCollaboratorScoped(ctx)) return undefined;
  return inArray(
    miniPrograms.id,
    ctx.db
      .select({ id: collaborators.miniProgramId })
      .from(collaborators)
      .where(and(eq(collaborators.orgId, ctx.org.id), eq(collaborators.userId, ctx.actor.userId))),
  );
}

export async function listMiniPrograms(ctx: OrgContext, page: { limit: number; cursor?: string }) {
  authorize(ctx, "catalog.read");
  const after = decodeCursor(page.cursor);
  const rows = await ctx.db
    .select()
    .from(miniPrograms)
    .where(and(eq(miniPrograms.orgId, ctx.org.id), miniProgramScope(ctx), after ? gt(miniPrograms.id, after) : undefined))
    .orderBy(asc(miniPrograms.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.id);
  return { items: p.items.map(miniProgramToJson), nextCursor: p.nextCursor };
}

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
    .where(eq(versions.orgId, ctx.org.id))
    .groupBy(versions.status);
  const [oldest] = await ctx.db
    .select({ id: versions.id, appId: versions.appId, version: versions.version, submittedAt: versions.submittedAt })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.status, "in_review")))
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
