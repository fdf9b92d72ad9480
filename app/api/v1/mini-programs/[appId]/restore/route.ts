import { apiRoute } from "@/lib/api/handler";
import { restoreMiniProgram } from "@/lib/services/mini-programs";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ appId: string }>({ method: "POST", path: "/api/v1/mini-programs/{appId}/restore", permission: "miniPrograms.lifecycle" }, (ctx, _req, p) =>
  restoreMiniProgram(ctx, p.appId),
);
