// The mini-programs an actor may see analytics of: all of the organization's, or a developer's own.
import { and, eq } from "drizzle-orm";
import { miniPrograms } from "@/db/schema";
import { isCollaboratorScoped, type OrgContext } from "@/lib/authz/context";
import { miniProgramScope } from "@/lib/services/mini-programs";

/** null when the actor sees every mini-program of the organization. */
export async function getScopedAppIds(ctx: OrgContext): Promise<string[] | null> {
  if (!isCollaboratorScoped(ctx)) return null;
  const rows = await ctx.db
    .select({ appId: miniPrograms.appId })
    .from(miniPrograms)
    .where(and(eq(miniPrograms.orgId, ctx.org.id), miniProgramScope(ctx)));
  return rows.map((r) => r.appId).sort();
}
