import { manifestEntries, manifestResponse, parseManifestQuery } from "@/lib/sdk-server/manifest";
import { sdkRoute } from "@/lib/sdk-server/verify";

export const dynamic = "force-dynamic";

export const GET = sdkRoute(async (caller, req) => {
  const query = parseManifestQuery(new URL(req.url));
  const miniPrograms = await manifestEntries(caller, query);
  return manifestResponse(req, { hostId: caller.host.id, generatedAt: new Date(caller.now).toISOString(), miniPrograms });
});
