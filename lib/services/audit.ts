// Reading the audit log: filters, newest first, cursor pages, CSV.
import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { auditLog } from "@/db/schema";
import { isDay } from "@/lib/analytics/dates";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { toCsv } from "@/lib/csv";
import { decodeCursor, toPage } from "./pagination";

export const auditFilterSchema = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  objectType: z.string().trim().max(60).optional(),
  objectId: z.string().trim().max(100).optional(),
  // A real calendar day: "2024-13-01" would reach the query as an invalid date, "2024-02-30" roll over into March.
  from: z.string().refine(isDay, "Use a calendar day as YYYY-MM-DD").optional(),
  to: z.string().refine(isDay, "Use a calendar day as YYYY-MM-DD").optional(),
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function conditions(ctx: OrgContext, f: AuditFilter): SQL[] {
  const c: SQL[] = [eq(auditLog.orgId, ctx.org.id)];
  if (f.actor) c.push(or(ilike(auditLog.actorLabel, `%${escapeLike(f.actor)}%`), eq(auditLog.actorId, f.actor))!);
  if (f.action) c.push(f.action.endsWith(".") ? ilike(auditLog.action, `${escapeLike(f.action)}%`) : eq(auditLog.action, f.action));
  if (f.objectType) c.push(eq(auditLog.objectType, f.objectType));
  if (f.objectId) c.push(eq(auditLog.objectId, f.objectId));
  if (f.from) c.push(gte(auditLog.at, new Date(`${f.from}T00:00:00Z`)));
  if (f.to) c.push(lte(auditLog.at, new Date(`${f.to}T23:59:59.999Z`)));
  return c;
}

export async function listAudit(ctx: OrgContext, filter: AuditFilter, page: { limit: number; cursor?: string }) {
  authorize(ctx, "audit.view");
  const after = decodeCursor(page.cursor);
  const c = conditions(ctx, filter);
  if (after) c.push(lt(auditLog.id, after));
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(and(...c))
    .orderBy(desc(auditLog.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.id);
  return { items: p.items.map(toAuditJson), nextCursor: p.nextCursor };
}

export function toAuditJson(r: typeof auditLog.$inferSelect) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: { type: r.actorType, id: r.actorId, label: r.actorLabel },
    action: r.action,
    objectType: r.objectType,
    objectId: r.objectId,
    ip: r.ip,
    changes: r.changes,
  };
}

/** Streams the filtered log as CSV pages of 1,000, so an export never holds the whole log in memory. */
export async function* auditCsv(ctx: OrgContext, filter: AuditFilter): AsyncGenerator<string> {
  authorize(ctx, "audit.view");
  yield toCsv(["at", "actor_type", "actor", "action", "object_type", "object_id", "ip", "changes"], []);
  let cursor: string | undefined;
  for (;;) {
    const c = conditions(ctx, filter);
    if (cursor) c.push(lt(auditLog.id, cursor));
    const rows = await ctx.db.select().from(auditLog).where(and(...c)).orderBy(desc(auditLog.id)).limit(1000);
    if (rows.length === 0) return;
    yield toCsv([], rows.map((r) => [r.at.toISOString(), r.actorType, r.actorLabel, r.action, r.objectType, r.objectId, r.ip, r.changes]));
    cursor = rows[rows.length - 1]!.id;
    if (rows.length < 1000) return;
  }
}
