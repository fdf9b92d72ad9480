import { apiRoute } from "@/lib/api/handler";
import { getRelease } from "@/lib/services/releases";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** The release with its rings, each host's live state, and the version's figures on each host. */
export const GET = apiRoute<Params>({ method: "GET", path: "/api/v1/releases/{id}", permission: "catalog.read" }, (ctx, _req, { id }) => getRelease(ctx, id));
