import { apiRoute } from "@/lib/api/handler";
import { parseAdoptionQuery } from "@/lib/analytics/params";
import { getLatestAdoption } from "@/lib/analytics/service";

export const dynamic = "force-dynamic";

/** CONTRACT §13: distinct users per version over the last complete UTC day, with each version's share. */
export const GET = apiRoute({ method: "GET", path: "/api/v1/analytics/adoption", permission: "analytics.view" }, (ctx, req) =>
  getLatestAdoption(ctx, parseAdoptionQuery(req.nextUrl.searchParams)),
);
