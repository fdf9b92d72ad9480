// GET /api/sdk/v1/keys (CONTRACT §13): the public keys that verify this organization's manifests.
import { listManifestKeys } from "@/lib/sdk-server/manifest-keys";
import { sdkRoute } from "@/lib/sdk-server/verify";

export const dynamic = "force-dynamic";

export const GET = sdkRoute(async (caller) => {
  const keys = await listManifestKeys(caller.db, caller.host.orgId, new Date(caller.now));
  return { keys: keys.map(({ keyId, alg, publicKey, status }) => ({ keyId, alg, publicKey, status })) };
});
