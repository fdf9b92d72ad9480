// GET /api/sdk/v1/manifest (CONTRACT §6): what a host should run now, with an ETag so an unchanged manifest
// costs the SDK a 304. The entries come from the host's cached snapshot (./snapshot.ts); the response shape and
// HTTP caching live here.
import { createHash } from "node:crypto";
import { NextResponse } from "next/server";
import { z } from "zod";
import { PLATFORMS } from "@/db/schema";
import { parseQuery } from "@/lib/validation";
import { isStrictSemver } from "@/lib/packages/manifest";
import { entriesFor, getManifestCache, type ManifestEntry } from "./snapshot";
import { MANIFEST_SIGNATURE_HEADER, signatureHeader, type SigningKey } from "./manifest-keys";
import type { SdkCaller } from "./verify";

export type { ManifestEntry };
export { invalidateManifest, touchManifests } from "./snapshot";

export type Manifest = { hostId: string; generatedAt: string; miniPrograms: ManifestEntry[] };

export const manifestQuerySchema = z.object({
  user: z.string().min(1).max(128).optional(),
  platform: z.enum(PLATFORMS).optional(),
  sdkVersion: z.string().max(64).refine(isStrictSemver, "Use a semantic version such as 2.1.0").optional(),
});
export type ManifestQuery = z.output<typeof manifestQuerySchema>;

export function parseManifestQuery(url: URL): ManifestQuery {
  // A device that sends `user=` has a bug to hear about, not a user to be guessed: empty is refused here.
  return parseQuery(url.searchParams, manifestQuerySchema, "Bad manifest parameters", { emptyIsAbsent: false });
}

/** What this host runs now for this user, platform and SDK version. */
export async function manifestEntries(caller: SdkCaller, query: ManifestQuery): Promise<ManifestEntry[]> {
  // Packages carry no platform of their own: a host's assignments are the same on each of its platforms, so
  // `platform` filters nothing by itself; targeting rules (CONTRACT §8) may make a candidate depend on it.
  const snap = await getManifestCache().snapshot(caller.db, caller.host);
  return entriesFor(snap, query);
}

/**
 * The tag covers what the SDK acts on (host and entries), not `generatedAt`: otherwise every answer would
 * differ and no request could ever be a 304. Weak, since two answers with one tag differ in that field.
 */
export function manifestEtag(hostId: string, entries: ManifestEntry[]): string {
  const digest = createHash("sha256").update(JSON.stringify({ hostId, miniPrograms: entries })).digest("hex");
  return `W/"${digest.slice(0, 32)}"`;
}

/** RFC 9110 If-None-Match: a list of tags or `*`, compared weakly. */
export function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (!header) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  const wanted = opaque(etag);
  return header.split(",").some((t) => t.trim() === "*" || opaque(t) === wanted);
}

/**
 * A 304 when the SDK's tag still holds; otherwise the body, serialized once, with its Ed25519 signature over
 * exactly those bytes (CONTRACT §13). The body is not cached (`generatedAt` differs on every answer), so each 200
 * is signed anew: about 30 µs for a small manifest, 50 µs at 20 entries and 160 µs at 200 on one loaded core
 * (bench/manifest-signature.ts), small beside the request's own cost.
 */
export function manifestResponse(req: Request, manifest: Manifest, key: SigningKey): Response {
  const etag = manifestEtag(manifest.hostId, manifest.miniPrograms);
  // Private: the answer depends on the signed caller; no-cache: always revalidate, which the ETag makes cheap.
  const headers: Record<string, string> = { ETag: etag, "Cache-Control": "private, no-cache" };
  if (ifNoneMatchHits(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  const body = Buffer.from(JSON.stringify(manifest), "utf8");
  headers["Content-Type"] = "application/json";
  headers[MANIFEST_SIGNATURE_HEADER] = signatureHeader(key, body);
  return new NextResponse(body, { status: 200, headers });
}
