import { apiRoute } from "@/lib/api/handler";
import { customEventsCsv } from "@/lib/analytics/csv";
import { getCustomEventStats } from "@/lib/analytics/keys-service";
import { parseKeyedQuery } from "@/lib/analytics/params";
import { respond } from "@/lib/analytics/respond";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/analytics/events", permission: "analytics.view" }, async (ctx, req) => {
  const q = parseKeyedQuery(req.nextUrl.searchParams);
  return respond(req, await getCustomEventStats(ctx, q), `events-${q.appId}-${q.from}-${q.to}`, customEventsCsv);
});
