import { apiRoute, created, readJson } from "@/lib/api/handler";
import { addCollaborator, collaboratorInput, listCollaborators } from "@/lib/services/mini-programs";

export const dynamic = "force-dynamic";

type P = { appId: string };

export const GET = apiRoute<P>({ method: "GET", path: "/api/v1/mini-programs/{appId}/collaborators", permission: "catalog.read" }, async (ctx, _req, p) => ({
  items: await listCollaborators(ctx, p.appId),
  nextCursor: null,
}));

export const POST = apiRoute<P>({ method: "POST", path: "/api/v1/mini-programs/{appId}/collaborators", permission: "collaborators.manage" }, async (ctx, req, p) =>
  created(await addCollaborator(ctx, p.appId, await readJson(req, collaboratorInput))),
);
