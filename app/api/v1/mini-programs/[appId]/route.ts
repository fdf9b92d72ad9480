import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteMiniProgram, getMiniProgram, updateMiniProgram, updateMiniProgramInput } from "@/lib/services/mini-programs";

export const dynamic = "force-dynamic";

type P = { appId: string };

export const GET = apiRoute<P>({ method: "GET", path: "/api/v1/mini-programs/{appId}", permission: "catalog.read" }, (ctx, _req, p) =>
  getMiniProgram(ctx, p.appId),
);

export const PATCH = apiRoute<P>({ method: "PATCH", path: "/api/v1/mini-programs/{appId}", permission: "miniPrograms.write" }, async (ctx, req, p) =>
  updateMiniProgram(ctx, p.appId, await readJson(req, updateMiniProgramInput)),
);

export const DELETE = apiRoute<P>({ method: "DELETE", path: "/api/v1/mini-programs/{appId}", permission: "miniPrograms.lifecycle" }, (ctx, _req, p) =>
  deleteMiniProgram(ctx, p.appId),
);
