import { manifestEntries, manifestResponse, parseManifestQuery } from "@/lib/sdk-server/manifest";
import { activeSigningKey } from "@/lib/sdk-server/manifest-keys";
import { sdkRoute } from "@/lib/sdk-server/verify";

export const dynamic = "force-dynamic";

export const GET = sdkRoute(async (caller, req) => {
  const query = parseManifestQuery(new URL(req.url));
  const [miniPrograms, key] = await Promise.all([manifestEntries(caller, query), activeSigningKey(caller.db, caller.host.orgId)]);
  return manifestResponse(req, { hostId: caller.host.id, generatedAt: new Date(caller.now).toISOString(), miniPrograms }, key);
});
