// The dashboards' data, for the signed-in browser: the same service as /api/v1/analytics/overview, behind the
// session instead of a token. Authorizes itself: the page's check is not enough.
import { NextResponse, type NextRequest } from "next/server";
import { errorResponse } from "@/lib/api/handler";
import { getActionContext } from "@/lib/auth/session";
import { authorize } from "@/lib/authz/context";
import { getCustomEventStats, getErrorGroups, getPageStats } from "@/lib/analytics/keys-service";
import { parseAnomalyQuery, parseKeyedQuery, parseOverviewQuery } from "@/lib/analytics/params";
import { getFilterOptions, getOverview, getOverviewTotals, getLatestAdoption, getVersionAdoption } from "@/lib/analytics/service";
import { AppError } from "@/lib/errors";
import { getAnomalies } from "@/lib/insights/anomaly-service";
import { getPreviousPeriod, getVersionComparison, parseVersionCompareQuery } from "@/lib/analytics/comparison";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, { params }: { params: Promise<{ org: string }> }) {
  try {
    const { org } = await params;
    const ctx = await getActionContext(org);
    authorize(ctx, "analytics.view");
    const sp = req.nextUrl.searchParams;
    const view = sp.get("view") ?? "overview";
    let body: unknown;
    if (view === "options") {
      body = await getFilterOptions(ctx);
    } else if (view === "anomalies") {
      // The markers on the charts (CONTRACT §11): per mini-program × host, so no platform or version filter.
      body = await getAnomalies(ctx, parseAnomalyQuery(sp));
    } else if (view === "versions") {
      // Two versions side by side (issue 18): the same service and parameters as /api/v1/analytics/versions/compare.
      body = await getVersionComparison(ctx, parseVersionCompareQuery(sp).query);
    } else if (view === "errors") {
      body = await getErrorGroups(ctx, parseKeyedQuery(sp));
    } else if (view === "pages") {
      body = await getPageStats(ctx, parseKeyedQuery(sp));
    } else if (view === "events") {
      body = await getCustomEventStats(ctx, parseKeyedQuery(sp));
    } else {
      const q = parseOverviewQuery(sp);
      if (view === "overview") body = await getOverview(ctx, q);
      else if (view === "totals") body = await getOverviewTotals(ctx, q);
      // The previous period's totals and days (the cards' deltas, the charts' overlay), as ?compare=previous answers them.
      else if (view === "previous") body = await getPreviousPeriod(ctx, q);
      else if (view === "adoption") {
        if (!q.appId) throw new AppError("invalid_input", "Version adoption needs appId");
        // The series for the chart, and the last complete day's figures from the API's own service (CONTRACT §13) for
        // the card's summary, so the card and GET /api/v1/analytics/adoption never disagree.
        const [series, latest] = await Promise.all([
          getVersionAdoption(ctx, { ...q, appId: q.appId }),
          getLatestAdoption(ctx, q.hostId ? { appId: q.appId, hostId: q.hostId } : { appId: q.appId }),
        ]);
        body = { ...series, latest };
      } else throw new AppError("invalid_input", "Unknown view");
    }
    return NextResponse.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    return errorResponse(e);
  }
}
