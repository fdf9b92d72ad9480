import { apiRoute, readJson } from "@/lib/api/handler";
import { promoteAssignment, revisionInput } from "@/lib/services/assignments";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>({ method: "POST", path: "/api/v1/assignments/{id}/promote", permission: "assignments.manage" }, async (ctx, req, { id }) =>
  promoteAssignment(ctx, id, await readJson(req, revisionInput)),
);
