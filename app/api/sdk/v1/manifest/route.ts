import { manifestEntries, manifestResponse, parseManifestQuery } from "@/lib/sdk-server/manifest";
import { activeSigningKey } from "@/lib/sdk-server/manifest-keys";
import { sdkRoute } from "@/lib/sdk-server/verify";

export const dynamic = "force-dynamic";

export const GET = sdkRoute(async (caller, req) => {
  const query = parseManifestQuery(new URL(req.url));
  const [miniPrograms, key] = await Promise.all([manifestEntries(caller, query), activeSigningKey(caller.db, caller.host.orgId)]);
  // A whole second: answers with the same entries within one second are the same signed bytes (manifestResponse).
  const generatedAt = new Date(Math.floor(caller.now / 1000) * 1000).toISOString();
  return manifestResponse(req, { hostId: caller.host.id, generatedAt, miniPrograms }, key);
});
