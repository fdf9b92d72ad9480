import { apiRoute, created, parseListParams, readJson } from "@/lib/api/handler";
import { parseQuery } from "@/lib/validation";
import { createPermissionRequest, createPermissionRequestInput, listHostRequests, permissionRequestFilter } from "@/lib/services/permission-requests";

export const dynamic = "force-dynamic";

type Params = { hostId: string };

/** CONTRACT §12: the host's permission requests, newest first; `?status=pending|approved|rejected`. */
export const GET = apiRoute<Params>({ method: "GET", path: "/api/v1/hosts/{hostId}/requests", permission: "catalog.read" }, (ctx, req, { hostId }) =>
  listHostRequests(ctx, hostId, parseListParams(req), parseQuery(req.nextUrl.searchParams, permissionRequestFilter, "Bad filter parameters")),
);

/** Asks the host for permissions and domains its policy lacks (developers: on mini-programs they collaborate on). */
export const POST = apiRoute<Params>({ method: "POST", path: "/api/v1/hosts/{hostId}/requests", permission: "miniPrograms.write" }, async (ctx, req, { hostId }) =>
  created(await createPermissionRequest(ctx, hostId, await readJson(req, createPermissionRequestInput))),
);
