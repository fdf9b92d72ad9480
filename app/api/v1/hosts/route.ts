import type { NextRequest } from "next/server";
import { apiRoute, created, parseListParams, readJson } from "@/lib/api/handler";
import { zodFieldErrors } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { createHost, createHostInput, hostListFilterSchema, listHosts } from "@/lib/services/hosts";

export const dynamic = "force-dynamic";

function parseFilter(req: NextRequest) {
  const sp = req.nextUrl.searchParams;
  const parsed = hostListFilterSchema.safeParse({
    q: sp.get("q") || undefined,
    platform: sp.get("platform") || undefined,
    status: sp.get("status") || undefined,
  });
  if (!parsed.success) throw new AppError("invalid_input", "Bad filter parameters", { fields: zodFieldErrors(parsed.error) });
  return parsed.data;
}

export const GET = apiRoute({ method: "GET", path: "/api/v1/hosts", permission: "catalog.read" }, (ctx, req) =>
  listHosts(ctx, parseListParams(req), parseFilter(req)),
);

export const POST = apiRoute({ method: "POST", path: "/api/v1/hosts", permission: "hosts.manage" }, async (ctx, req) =>
  created(await createHost(ctx, await readJson(req, createHostInput))),
);
