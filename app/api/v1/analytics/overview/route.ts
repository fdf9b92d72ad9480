import { apiRoute } from "@/lib/api/handler";
import { csvResponse, getOverviewWithPrevious, overviewCsv, parseOverviewApiQuery } from "@/lib/analytics/comparison";
import { getOverview } from "@/lib/analytics/service";

export const dynamic = "force-dynamic";

// `compare=previous` adds the previous period; `format=csv` answers one table as CSV (issue 18, items 5 and 6).
export const GET = apiRoute({ method: "GET", path: "/api/v1/analytics/overview", permission: "analytics.view" }, async (ctx, req) => {
  const p = parseOverviewApiQuery(req.nextUrl.searchParams);
  const o = p.compare === "previous" ? await getOverviewWithPrevious(ctx, p.query) : await getOverview(ctx, p.query);
  if (p.format === "json") return o;
  const suffix = p.compare === "previous" ? "-vs-previous" : "";
  return csvResponse(`analytics-${p.query.from}-${p.query.to}-${p.table}${suffix}.csv`, overviewCsv(o, p.table));
});
