import { packageResponse } from "@/lib/sdk-server/packages";
import { sdkRoute } from "@/lib/sdk-server/verify";

export const dynamic = "force-dynamic";

export const GET = sdkRoute<{ sha256: string }>((caller, req, { sha256 }) => packageResponse(caller, req, sha256));
