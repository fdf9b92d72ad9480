import { apiRoute, parseListParams } from "@/lib/api/handler";
import { listAssignmentEvents } from "@/lib/services/assignments";

export const dynamic = "force-dynamic";

/** The assignment's timeline, newest first. */
export const GET = apiRoute<{ id: string }>({ method: "GET", path: "/api/v1/assignments/{id}/events", permission: "catalog.read" }, (ctx, req, { id }) =>
  listAssignmentEvents(ctx, id, parseListParams(req)),
);
