import { apiRoute, created, parseListParams, readJson } from "@/lib/api/handler";
import { parseQuery } from "@/lib/validation";
import { createMiniProgram, createMiniProgramInput, listMiniPrograms, listMiniProgramsFilter } from "@/lib/services/mini-programs";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/mini-programs", permission: "catalog.read" }, (ctx, req) =>
  listMiniPrograms(ctx, parseListParams(req), parseQuery(req.nextUrl.searchParams, listMiniProgramsFilter, "Bad filter")),
);

export const POST = apiRoute({ method: "POST", path: "/api/v1/mini-programs", permission: "miniPrograms.write" }, async (ctx, req) =>
  created(await createMiniProgram(ctx, await readJson(req, createMiniProgramInput))),
);
