import { apiRoute, parseListParams } from "@/lib/api/handler";
import { listHosts } from "@/lib/services/catalog";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/hosts", permission: "catalog.read" }, (ctx, req) => listHosts(ctx, parseListParams(req)));
