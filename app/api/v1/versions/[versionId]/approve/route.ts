import { apiRoute, readJson } from "@/lib/api/handler";
import { approveInput, approveVersion } from "@/lib/services/reviews";

export const dynamic = "force-dynamic";

/** Body optional: `{"comment": "..."}`. */
export const POST = apiRoute<{ versionId: string }>({ method: "POST", path: "/api/v1/versions/{versionId}/approve", permission: "review.decide" }, async (ctx, req, p) =>
  approveVersion(ctx, p.versionId, await readJson(req, approveInput)),
);
