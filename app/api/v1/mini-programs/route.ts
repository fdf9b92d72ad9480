import { apiRoute, created, parseListParams, readJson } from "@/lib/api/handler";
import { zodFieldErrors } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { createMiniProgram, createMiniProgramInput, listMiniPrograms, listMiniProgramsFilter } from "@/lib/services/mini-programs";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/mini-programs", permission: "catalog.read" }, (ctx, req) => {
  const q = req.nextUrl.searchParams;
  const filter = listMiniProgramsFilter.safeParse({ q: q.get("q") || undefined, category: q.get("category") || undefined });
  if (!filter.success) throw new AppError("invalid_input", "Bad filter", { fields: zodFieldErrors(filter.error) });
  return listMiniPrograms(ctx, parseListParams(req), filter.data);
});

export const POST = apiRoute({ method: "POST", path: "/api/v1/mini-programs", permission: "miniPrograms.write" }, async (ctx, req) =>
  created(await createMiniProgram(ctx, await readJson(req, createMiniProgramInput))),
);
