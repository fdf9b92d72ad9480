import { apiRoute, parseListParams } from "@/lib/api/handler";
import { auditFilterSchema, listAudit } from "@/lib/services/audit";
import { parseQuery } from "@/lib/validation";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/audit", permission: "audit.view" }, (ctx, req) =>
  listAudit(ctx, parseQuery(req.nextUrl.searchParams, auditFilterSchema, "Bad audit filter"), parseListParams(req)),
);
