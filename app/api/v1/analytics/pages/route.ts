import { apiRoute } from "@/lib/api/handler";
import { pagesCsv } from "@/lib/analytics/csv";
import { getPageStats } from "@/lib/analytics/keys-service";
import { parseKeyedQuery } from "@/lib/analytics/params";
import { respond } from "@/lib/analytics/respond";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/analytics/pages", permission: "analytics.view" }, async (ctx, req) => {
  const q = parseKeyedQuery(req.nextUrl.searchParams);
  return respond(req, await getPageStats(ctx, q), `pages-${q.appId}-${q.from}-${q.to}`, pagesCsv);
});
