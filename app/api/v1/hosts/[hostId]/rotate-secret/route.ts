import { apiRoute } from "@/lib/api/handler";
import { rotateSecret } from "@/lib/services/hosts";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ hostId: string }>(
  { method: "POST", path: "/api/v1/hosts/{hostId}/rotate-secret", permission: "hosts.manage" },
  (ctx, _req, { hostId }) => rotateSecret(ctx, hostId),
);
