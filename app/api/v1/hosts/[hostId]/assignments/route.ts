import { apiRoute, created, parseListParams, readJson } from "@/lib/api/handler";
import { assignInput, assignVersion, listHostAssignments } from "@/lib/services/assignments";

export const dynamic = "force-dynamic";

type Params = { hostId: string };

export const GET = apiRoute<Params>({ method: "GET", path: "/api/v1/hosts/{hostId}/assignments", permission: "catalog.read" }, (ctx, req, { hostId }) =>
  listHostAssignments(ctx, hostId, parseListParams(req)),
);

export const POST = apiRoute<Params>({ method: "POST", path: "/api/v1/hosts/{hostId}/assignments", permission: "assignments.manage" }, async (ctx, req, { hostId }) =>
  created(await assignVersion(ctx, hostId, await readJson(req, assignInput))),
);
