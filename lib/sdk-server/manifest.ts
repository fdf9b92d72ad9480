// GET /api/sdk/v1/manifest (CONTRACT §6): what a host should run now, with an ETag so an unchanged manifest
// costs the SDK a 304. The entries come from the host's cached snapshot (./snapshot.ts); the response shape and
// HTTP caching live here.
import { createHash } from "node:crypto";
import { NextResponse } from "next/server";
import { z } from "zod";
import { onTestDatabaseSwap } from "@/db";
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

// Each entry is an object of the host's cached snapshot, the same for every request until the snapshot is rebuilt:
// its JSON is written once, and a manifest's tag and body are put together from those pieces.
const entryJson = new WeakMap<ManifestEntry, string>();
function jsonOf(entry: ManifestEntry): string {
  let json = entryJson.get(entry);
  if (json === undefined) entryJson.set(entry, (json = JSON.stringify(entry)));
  return json;
}

/**
 * The tag covers what the SDK acts on (host and entries), not `generatedAt`: otherwise every answer would
 * differ and no request could ever be a 304. Weak, since two answers with one tag differ in that field.
 */
export function manifestEtag(hostId: string, entries: ManifestEntry[]): string {
  return etagOf(hostId, entries.map(jsonOf).join(","));
}

// The tag of a list of entries, kept by the identities of its entry objects: hosts' devices ask for the same few
// lists over and over (one per combination of rollout buckets), and each list's JSON is about 18 KB at 50 entries,
// so joining and hashing it on every request was most of what a manifest allocated beyond the framework's own
// (bench/profile-manifest.ts). An entry object never changes (a rebuilt snapshot makes new ones, with new numbers),
// so a kept tag never goes stale; the oldest are dropped beyond TAGS_KEPT.
const entryNumbers = new WeakMap<ManifestEntry, number>();
let lastEntryNumber = 0;
const TAGS_KEPT = 4096;
const tagsByList = new Map<string, string>();
function listTag(hostId: string, entries: ManifestEntry[]): string {
  let key = hostId;
  for (const e of entries) {
    let n = entryNumbers.get(e);
    if (n === undefined) entryNumbers.set(e, (n = ++lastEntryNumber));
    key += `\u0000${n}`;
  }
  let tag = tagsByList.get(key);
  if (tag === undefined) {
    tag = manifestEtag(hostId, entries);
    if (tagsByList.size >= TAGS_KEPT) tagsByList.delete(tagsByList.keys().next().value!);
    tagsByList.set(key, tag);
  }
  return tag;
}

/** `entries`: the entries' JSON, joined by commas. */
function etagOf(hostId: string, entries: string): string {
  const digest = createHash("sha256").update(`${JSON.stringify(hostId)}[${entries}]`).digest("hex");
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
 * A 304 when the SDK's tag still holds; otherwise the body with its Ed25519 signature over exactly those bytes
 * (CONTRACT §13). `generatedAt` is a whole second (the route's), so every answer with one tag in one second is the
 * same bytes: the signed body is kept for the rest of that second and served again to the host's other devices
 * (signing is 70 µs of a 50-entry manifest, serializing it 40; bench/profile-manifest.ts). The kept bodies are keyed
 * by tag, second and signing key: a change to what the host runs changes the tag, a rotated key the key id, and a
 * disabled host never gets here (the request is refused first).
 */
export function manifestResponse(req: Request, manifest: Manifest, key: SigningKey): Response {
  const etag = listTag(manifest.hostId, manifest.miniPrograms);
  // Private: the answer depends on the signed caller; no-cache: always revalidate, which the ETag makes cheap.
  const headers: Record<string, string> = { ETag: etag, "Cache-Control": "private, no-cache" };
  if (ifNoneMatchHits(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  const signed = signedBody(`${etag} ${manifest.generatedAt} ${key.keyId}`, manifest.generatedAt, () => {
    // The bytes JSON.stringify(manifest) would give, from the entries' JSON written once.
    const body = Buffer.from(
      `{"hostId":${JSON.stringify(manifest.hostId)},"generatedAt":${JSON.stringify(manifest.generatedAt)},"miniPrograms":[${manifest.miniPrograms.map(jsonOf).join(",")}]}`,
      "utf8",
    );
    return { body, signature: signatureHeader(key, body) };
  });
  headers["Content-Type"] = "application/json";
  headers[MANIFEST_SIGNATURE_HEADER] = signed.signature;
  return new NextResponse(signed.body, { status: 200, headers });
}

/** The signed bodies of the current second (whole seconds: `generatedAt`), at most this many bytes of them. */
type Signed = { body: Buffer<ArrayBuffer>; signature: string };
const SIGNED_BYTES_PER_SECOND = 16 * 1024 * 1024;
let signedSecond = "";
let signedBytes = 0;
const signedBodies = new Map<string, Signed>();
onTestDatabaseSwap(() => {
  signedBodies.clear();
  signedSecond = "";
  signedBytes = 0;
});
function signedBody(id: string, second: string, make: () => Signed) {
  if (second !== signedSecond) {
    signedBodies.clear();
    signedSecond = second;
    signedBytes = 0;
  }
  let signed = signedBodies.get(id);
  if (!signed) {
    signed = make();
    if (signedBytes + signed.body.length <= SIGNED_BYTES_PER_SECOND) {
      signedBodies.set(id, signed);
      signedBytes += signed.body.length;
    }
  }
  return signed;
}
