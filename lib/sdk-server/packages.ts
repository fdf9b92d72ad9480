// GET /api/sdk/v1/packages/<sha256> (CONTRACT §6): the bytes of a package, only while it is deliverable to the
// calling host (the stable or candidate version of one of its assignments, approved and within its policy).
// Anything else, including a package another host runs, answers 404 exactly like one that does not exist.
import { getBlobStore, isSha256, type BlobStore } from "@/lib/blobs";
import { notFound } from "@/lib/errors";
import { ifNoneMatchHits } from "./manifest";
import { getManifestCache } from "./snapshot";
import type { SdkCaller } from "./verify";

export async function packageResponse(caller: SdkCaller, req: Request, sha256: string, store: BlobStore = getBlobStore()): Promise<Response> {
  // The blob store accepts only lower-case hex; an upper-case spelling is the same package.
  const hash = sha256.toLowerCase();
  if (!isSha256(hash)) throw notFound("Package");
  const snap = await getManifestCache().snapshot(caller.db, caller.host);
  const size = snap.packages.get(hash);
  if (size === undefined) throw notFound("Package");
  // The content never changes under its hash, so the device may keep it for good; the tag is the hash itself.
  // Never `public`: whether a package may be delivered is decided per host and per request (a revoked or
  // unassigned package answers 404), and a shared cache would hand it to anyone who asks. README: CDNs.
  const headers: Record<string, string> = {
    ETag: `"${hash}"`,
    "Cache-Control": "private, max-age=31536000, immutable",
  };
  if (ifNoneMatchHits(req.headers.get("if-none-match"), headers.ETag!)) return new Response(null, { status: 304, headers });
  const stream = await store.get(hash);
  if (!stream) {
    console.error(`[atrium] package ${hash} is deliverable to host ${caller.host.id} but missing from the blob store`);
    throw notFound("Package");
  }
  return new Response(stream, {
    status: 200,
    headers: { ...headers, "Content-Type": "application/zip", "Content-Length": String(size), "X-Content-Type-Options": "nosniff" },
  });
}
