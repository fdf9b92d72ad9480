import { apiRoute } from "@/lib/api/handler";
import { parseAnomalyQuery } from "@/lib/analytics/params";
import { getAnomalies } from "@/lib/insights/anomaly-service";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/analytics/anomalies", permission: "analytics.view" }, (ctx, req) =>
  getAnomalies(ctx, parseAnomalyQuery(req.nextUrl.searchParams)),
);
