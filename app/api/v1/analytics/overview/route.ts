import { apiRoute } from "@/lib/api/handler";
import { parseOverviewQuery } from "@/lib/analytics/params";
import { getOverview } from "@/lib/analytics/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/analytics/overview", permission: "analytics.view" }, (ctx, req) =>
  getOverview(ctx, parseOverviewQuery(req.nextUrl.searchParams)),
);
