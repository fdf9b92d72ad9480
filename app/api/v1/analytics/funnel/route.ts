import { apiRoute, readJson } from "@/lib/api/handler";
import { funnelCsv } from "@/lib/analytics/csv";
import { getFunnel } from "@/lib/analytics/keys-service";
import { funnelInputSchema, parseFunnelInput } from "@/lib/analytics/params";
import { respond } from "@/lib/analytics/respond";

export const dynamic = "force-dynamic";

// POST, not GET: the steps are a list of objects whose values (pages, event names) may be long; a body carries them
// plainly. It changes nothing, so it needs no Idempotency-Key and writes no audit entry.
export const POST = apiRoute({ method: "POST", path: "/api/v1/analytics/funnel", permission: "analytics.view" }, async (ctx, req) => {
  const q = parseFunnelInput(await readJson(req, funnelInputSchema));
  return respond(req, await getFunnel(ctx, q), `funnel-${q.appId}-${q.from}-${q.to}`, funnelCsv);
});
