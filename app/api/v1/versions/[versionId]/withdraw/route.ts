import { apiRoute } from "@/lib/api/handler";
import { withdrawVersion } from "@/lib/services/versions";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ versionId: string }>({ method: "POST", path: "/api/v1/versions/{versionId}/withdraw", permission: "miniPrograms.write" }, (ctx, _req, p) =>
  withdrawVersion(ctx, p.versionId),
);
