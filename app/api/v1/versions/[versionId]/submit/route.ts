import { apiRoute } from "@/lib/api/handler";
import { submitVersion } from "@/lib/services/versions";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ versionId: string }>({ method: "POST", path: "/api/v1/versions/{versionId}/submit", permission: "miniPrograms.write" }, (ctx, _req, p) =>
  submitVersion(ctx, p.versionId),
);
