import { apiRoute } from "@/lib/api/handler";
import { getVersion } from "@/lib/services/versions";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ versionId: string }>({ method: "GET", path: "/api/v1/versions/{versionId}", permission: "catalog.read" }, (ctx, _req, p) =>
  getVersion(ctx, p.versionId),
);
