import { apiRoute, readJson } from "@/lib/api/handler";
import { approvePermissionRequest, decidePermissionRequestInput } from "@/lib/services/permission-requests";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** Approves a pending request and widens the host's policy in the same transaction; decided already: 409. */
export const POST = apiRoute<Params>({ method: "POST", path: "/api/v1/requests/{id}/approve", permission: "hosts.manage" }, async (ctx, req, { id }) =>
  approvePermissionRequest(ctx, id, await readJson(req, decidePermissionRequestInput)),
);
