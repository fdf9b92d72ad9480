import { apiRoute } from "@/lib/api/handler";
import { getRecommendations } from "@/lib/insights/recommendations";

export const dynamic = "force-dynamic";

type Params = { hostId: string };

export const GET = apiRoute<Params>({ method: "GET", path: "/api/v1/hosts/{hostId}/recommendations", permission: "analytics.view" }, (ctx, _req, { hostId }) =>
  getRecommendations(ctx, hostId),
);
