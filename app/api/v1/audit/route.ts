import { apiRoute, parseListParams } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { auditFilterSchema, listAudit } from "@/lib/services/audit";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/audit", permission: "audit.view" }, (ctx, req) => {
  const q = req.nextUrl.searchParams;
  const filter = auditFilterSchema.safeParse({
    actor: q.get("actor") ?? undefined,
    action: q.get("action") ?? undefined,
    objectType: q.get("objectType") ?? undefined,
    objectId: q.get("objectId") ?? undefined,
    from: q.get("from") ?? undefined,
    to: q.get("to") ?? undefined,
  });
  if (!filter.success) throw new AppError("invalid_input", "Bad audit filter", { issues: filter.error.issues.map((i) => i.message) });
  return listAudit(ctx, filter.data, parseListParams(req));
});
