import { apiRoute } from "@/lib/api/handler";
import { csvResponse, getVersionComparison, parseVersionCompareQuery, versionComparisonCsv } from "@/lib/analytics/comparison";

export const dynamic = "force-dynamic";

// Two versions of one mini-program side by side over a range (issue 18, item 5); `format=csv` for the same as CSV.
export const GET = apiRoute({ method: "GET", path: "/api/v1/analytics/versions/compare", permission: "analytics.view" }, async (ctx, req) => {
  const p = parseVersionCompareQuery(req.nextUrl.searchParams);
  const c = await getVersionComparison(ctx, p.query);
  if (p.format === "json") return c;
  return csvResponse(`versions-${c.appId}-${c.a.version}-vs-${c.b.version}-${c.from}-${c.to}.csv`, versionComparisonCsv(c));
});
