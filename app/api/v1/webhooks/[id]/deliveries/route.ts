import { apiRoute, parseListParams } from "@/lib/api/handler";
import { listEndpointDeliveries } from "@/lib/services/webhooks";

export const dynamic = "force-dynamic";

/** The endpoint's delivery log, newest first: status, attempts, latency and the answer's first bytes. */
export const GET = apiRoute<{ id: string }>({ method: "GET", path: "/api/v1/webhooks/{id}/deliveries", permission: "settings.manage" }, (ctx, req, { id }) =>
  listEndpointDeliveries(ctx, id, parseListParams(req)),
);
