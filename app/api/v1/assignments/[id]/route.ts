import { apiRoute, readJson } from "@/lib/api/handler";
import { getAssignment, revisionInput, unassign, updateAssignment, updateAssignmentInput } from "@/lib/services/assignments";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = apiRoute<Params>({ method: "GET", path: "/api/v1/assignments/{id}", permission: "catalog.read" }, (ctx, _req, { id }) =>
  getAssignment(ctx, id),
);

/**
 * CONTRACT §3's `{"candidateVersionId", "rolloutPercent", "paused"}`, plus `"stableVersionId"`: replaces the stable
 * version directly with any approved version of the mini-program that fits the host's policy (422 with each reason
 * otherwise); the old stable becomes the previous stable. A kept candidate must stay newer than the new stable (409;
 * send `"candidateVersionId": null` with it to drop the candidate). `"revision"` guards against concurrent changes (409).
 */
export const PATCH = apiRoute<Params>({ method: "PATCH", path: "/api/v1/assignments/{id}", permission: "assignments.manage" }, async (ctx, req, { id }) =>
  updateAssignment(ctx, id, await readJson(req, updateAssignmentInput)),
);

/** Answers 200 with the assignment as it was, marked `deleted`; an optional `{"revision"}` body guards a race. */
export const DELETE = apiRoute<Params>({ method: "DELETE", path: "/api/v1/assignments/{id}", permission: "assignments.manage" }, async (ctx, req, { id }) =>
  unassign(ctx, id, await readJson(req, revisionInput)),
);
