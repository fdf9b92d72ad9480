import { apiRoute } from "@/lib/api/handler";
import { archiveMiniProgram } from "@/lib/services/mini-programs";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ appId: string }>({ method: "POST", path: "/api/v1/mini-programs/{appId}/archive", permission: "miniPrograms.lifecycle" }, (ctx, _req, p) =>
  archiveMiniProgram(ctx, p.appId),
);
