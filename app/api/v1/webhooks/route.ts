import { apiRoute } from "@/lib/api/handler";
import { listWebhookEndpoints } from "@/lib/services/webhooks";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/webhooks", permission: "settings.manage" }, async (ctx) => ({
  items: await listWebhookEndpoints(ctx),
  nextCursor: null,
}));
