import type { NextRequest } from "next/server";
import { apiRoute, created, parseListParams, readJson } from "@/lib/api/handler";
import { zodFieldErrors } from "@/lib/validation";
import { AppError } from "@/lib/errors";
import { createRelease, createReleaseInput, listReleases, releaseListFilter } from "@/lib/services/releases";

export const dynamic = "force-dynamic";

function parseFilter(req: NextRequest) {
  const sp = req.nextUrl.searchParams;
  const parsed = releaseListFilter.safeParse({ appId: sp.get("appId") || undefined, status: sp.get("status") || undefined });
  if (!parsed.success) throw new AppError("invalid_input", "Bad filter parameters", { fields: zodFieldErrors(parsed.error) });
  return parsed.data;
}

/** Newest first; `appId` and `status` filter. */
export const GET = apiRoute({ method: "GET", path: "/api/v1/releases", permission: "catalog.read" }, (ctx, req) =>
  listReleases(ctx, { ...parseListParams(req), ...parseFilter(req) }),
);

/**
 * `{"appId", "versionId", "rings": [{"name", "hostIds", "schedule"?, "guardrail"?}]}`: 201 with the release, its
 * first ring already rolling. Every host of every ring is checked first (422 with each reason); a mini-program with
 * a running release answers 409.
 */
export const POST = apiRoute({ method: "POST", path: "/api/v1/releases", permission: "assignments.manage" }, async (ctx, req) =>
  created(await createRelease(ctx, await readJson(req, createReleaseInput))),
);
