import { apiRoute, readJson } from "@/lib/api/handler";
import { revisionInput, rollbackAssignment } from "@/lib/services/assignments";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>({ method: "POST", path: "/api/v1/assignments/{id}/rollback", permission: "assignments.manage" }, async (ctx, req, { id }) =>
  rollbackAssignment(ctx, id, await readJson(req, revisionInput)),
);
