import { apiRoute, created, parseListParams, readJson } from "@/lib/api/handler";
import { parseQuery } from "@/lib/validation";
import { createRelease, createReleaseInput, listReleases, releaseListFilter } from "@/lib/services/releases";

export const dynamic = "force-dynamic";

/** Newest first; `appId` and `status` filter. */
export const GET = apiRoute({ method: "GET", path: "/api/v1/releases", permission: "catalog.read" }, (ctx, req) =>
  listReleases(ctx, { ...parseListParams(req), ...parseQuery(req.nextUrl.searchParams, releaseListFilter, "Bad filter parameters") }),
);

/**
 * `{"appId", "versionId", "rings": [{"name", "hostIds", "schedule"?, "guardrail"?}]}`: 201 with the release, its
 * first ring already rolling. Every host of every ring is checked first (422 with each reason); a mini-program with
 * a running release answers 409.
 */
export const POST = apiRoute({ method: "POST", path: "/api/v1/releases", permission: "assignments.manage" }, async (ctx, req) =>
  created(await createRelease(ctx, await readJson(req, createReleaseInput))),
);
