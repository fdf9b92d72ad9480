import { apiRoute, readJson } from "@/lib/api/handler";
import { cancelRelease, cancelReleaseInput } from "@/lib/services/releases";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** Stops a running release: no further ring starts; hosts keep what they run. Not running: 409. */
export const POST = apiRoute<Params>({ method: "POST", path: "/api/v1/releases/{id}/cancel", permission: "assignments.manage" }, async (ctx, req, { id }) =>
  cancelRelease(ctx, id, await readJson(req, cancelReleaseInput)),
);
