import { apiRoute, readJson } from "@/lib/api/handler";
import { getHost, updateHost, updateHostInput } from "@/lib/services/hosts";

export const dynamic = "force-dynamic";

type Params = { hostId: string };

export const GET = apiRoute<Params>({ method: "GET", path: "/api/v1/hosts/{hostId}", permission: "catalog.read" }, (ctx, _req, { hostId }) =>
  getHost(ctx, hostId),
);

export const PATCH = apiRoute<Params>({ method: "PATCH", path: "/api/v1/hosts/{hostId}", permission: "hosts.manage" }, async (ctx, req, { hostId }) =>
  updateHost(ctx, hostId, await readJson(req, updateHostInput)),
);
