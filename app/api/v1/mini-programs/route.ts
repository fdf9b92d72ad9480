import { apiRoute, parseListParams } from "@/lib/api/handler";
import { listMiniPrograms } from "@/lib/services/catalog";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/mini-programs", permission: "catalog.read" }, (ctx, req) =>
  listMiniPrograms(ctx, parseListParams(req)),
);
