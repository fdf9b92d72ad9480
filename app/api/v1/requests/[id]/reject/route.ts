import { apiRoute, readJson } from "@/lib/api/handler";
import { decidePermissionRequestInput, rejectPermissionRequest } from "@/lib/services/permission-requests";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** Rejects a pending request with `{"comment"}`; decided already: 409. */
export const POST = apiRoute<Params>({ method: "POST", path: "/api/v1/requests/{id}/reject", permission: "hosts.manage" }, async (ctx, req, { id }) =>
  rejectPermissionRequest(ctx, id, await readJson(req, decidePermissionRequestInput)),
);
