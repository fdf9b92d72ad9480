import { apiRoute, created } from "@/lib/api/handler";
import { redeliverWebhook } from "@/lib/services/webhooks";

export const dynamic = "force-dynamic";

type P = { id: string; deliveryId: string };

/** Sends the delivery's event again as a new delivery, now; 201 with it and the attempt's outcome. */
export const POST = apiRoute<P>(
  { method: "POST", path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", permission: "settings.manage" },
  async (ctx, _req, p) => created(await redeliverWebhook(ctx, p.id, p.deliveryId)),
);
