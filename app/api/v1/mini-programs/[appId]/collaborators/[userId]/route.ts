import { apiRoute } from "@/lib/api/handler";
import { removeCollaborator } from "@/lib/services/mini-programs";

export const dynamic = "force-dynamic";

type P = { appId: string; userId: string };

export const DELETE = apiRoute<P>(
  { method: "DELETE", path: "/api/v1/mini-programs/{appId}/collaborators/{userId}", permission: "collaborators.manage" },
  (ctx, _req, p) => removeCollaborator(ctx, p.appId, { userId: p.userId }),
);
