import { apiRoute } from "@/lib/api/handler";
import { errorGroupsCsv } from "@/lib/analytics/csv";
import { getErrorGroups } from "@/lib/analytics/keys-service";
import { parseKeyedQuery } from "@/lib/analytics/params";
import { respond } from "@/lib/analytics/respond";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/analytics/errors", permission: "analytics.view" }, async (ctx, req) => {
  const q = parseKeyedQuery(req.nextUrl.searchParams);
  return respond(req, await getErrorGroups(ctx, q), `errors-${q.appId}-${q.from}-${q.to}`, errorGroupsCsv);
});
