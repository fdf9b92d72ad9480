import { apiRoute, readJson } from "@/lib/api/handler";
import { rejectInput, rejectVersion } from "@/lib/services/reviews";

export const dynamic = "force-dynamic";

/** Body: `{"reasons": ["security_risk", ...], "comment": "..."}`, reasons from the catalog of CONTRACT §5. */
export const POST = apiRoute<{ versionId: string }>({ method: "POST", path: "/api/v1/versions/{versionId}/reject", permission: "review.decide" }, async (ctx, req, p) =>
  rejectVersion(ctx, p.versionId, await readJson(req, rejectInput)),
);
