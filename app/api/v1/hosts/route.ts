import { apiRoute, created, parseListParams, readJson } from "@/lib/api/handler";
import { parseQuery } from "@/lib/validation";
import { createHost, createHostInput, hostListFilterSchema, listHosts } from "@/lib/services/hosts";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/hosts", permission: "catalog.read" }, (ctx, req) =>
  listHosts(ctx, parseListParams(req), parseQuery(req.nextUrl.searchParams, hostListFilterSchema, "Bad filter parameters")),
);

export const POST = apiRoute({ method: "POST", path: "/api/v1/hosts", permission: "hosts.manage" }, async (ctx, req) =>
  created(await createHost(ctx, await readJson(req, createHostInput))),
);
