import { apiRoute, created } from "@/lib/api/handler";
import { sendTestEvent } from "@/lib/services/webhooks";

export const dynamic = "force-dynamic";

/** Sends a signed `webhook.test` event now; 201 with the delivery and the attempt's outcome. */
export const POST = apiRoute<{ id: string }>({ method: "POST", path: "/api/v1/webhooks/{id}/test", permission: "settings.manage" }, async (ctx, _req, { id }) =>
  created(await sendTestEvent(ctx, id)),
);
