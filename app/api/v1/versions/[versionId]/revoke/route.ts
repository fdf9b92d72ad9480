import { apiRoute, readJson } from "@/lib/api/handler";
import { revokeInput, revokeVersion } from "@/lib/services/reviews";

export const dynamic = "force-dynamic";

/** Body: `{"reason": "..."}`. */
export const POST = apiRoute<{ versionId: string }>({ method: "POST", path: "/api/v1/versions/{versionId}/revoke", permission: "versions.revoke" }, async (ctx, req, p) =>
  revokeVersion(ctx, p.versionId, await readJson(req, revokeInput)),
);
