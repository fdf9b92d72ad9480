// A reviewer's safe preview of a submitted package (issue 17 item 1). `startPreview` is the console's door: it
// authorizes like reading the version and seals a short-lived capability (lib/preview/token.ts). `servePreview`
// answers the sandboxed frame's requests under that capability: each one re-checks the session, the membership
// and the version's reachability, then serves a page of the package (composed with the `mp` shim) or one of its
// files, read from the stored zip in memory under inspection's limits (never unpacked to disk), with a CSP that
// gives the package's code its own scripts and styles and nothing else: no network, no forms, no frames, and a
// sandbox even when the URL is opened outside the console's frame.
import { and, eq, gt, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { sessions, users } from "@/db/schema";
import { getBlobStore, readBlob, type BlobStore } from "@/lib/blobs";
import { loadOrgContext, requireUserActor, type OrgContext } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { LIMITS } from "@/lib/packages/catalog";
import { openPackageReader } from "@/lib/packages/inspect";
import { unsafePathReason } from "@/lib/packages/paths";
import { composePage, SHIM_CSS, SHIM_CSS_PATH, SHIM_JS, SHIM_PATH } from "@/lib/preview/shim";
import { mintPreviewToken, readPreviewToken } from "@/lib/preview/token";
import { getVersion } from "@/lib/services/versions";

export type PreviewStart = {
  /** The preview's base URL: every page and file of the package is under it. */
  base: string;
  pages: string[];
  permissions: string[];
  domains: string[];
  expiresAt: string;
};

export async function startPreview(ctx: OrgContext, versionId: string, now: number = Date.now()): Promise<PreviewStart> {
  const actor = requireUserActor(ctx);
  const v = await getVersion(ctx, versionId);
  const pages = Array.isArray(v.manifest.pages) ? v.manifest.pages.filter((p): p is string => typeof p === "string") : [];
  if (!v.inspection.ok || pages.length === 0) throw new AppError("conflict", "This package did not pass inspection, so it has no pages to preview");
  const { token, expiresAt } = mintPreviewToken({ orgId: ctx.org.id, versionId: v.id, userId: actor.userId, sessionId: actor.sessionId }, now);
  return { base: `/preview/${token}/`, pages, permissions: v.permissions, domains: v.domains, expiresAt: new Date(expiresAt).toISOString() };
}

/** The frame's policy: its own scripts and styles, images and fonts from the package, and nothing else. */
export const PREVIEW_CSP = [
  "sandbox allow-scripts",
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self'",
  "connect-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "object-src 'none'",
  "manifest-src 'none'",
  "form-action 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join("; ");

const BASE_HEADERS: Record<string, string> = {
  "Content-Security-Policy": PREVIEW_CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "SAMEORIGIN",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "private, no-store",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), bluetooth=(), clipboard-read=(), clipboard-write=()",
};

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  woff: "font/woff",
  woff2: "font/woff2",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
};

/** A page's template and any single file served are at most this large. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

export type PreviewResponse = { status: number; headers: Record<string, string>; body: string | Buffer };

const notServed = (message = "Not in this package"): PreviewResponse => ({ status: 404, headers: { ...BASE_HEADERS, "Content-Type": "text/plain; charset=utf-8" }, body: message });

/** Who opened the preview, if that session is still live and the person still a member who may read the version. */
async function contextOf(db: Db, claims: { orgId: string; userId: string; sessionId: string }, now: Date): Promise<OrgContext | null> {
  const [u] = await db
    .select({ email: users.email, name: users.name })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, claims.sessionId), eq(sessions.userId, claims.userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
    .limit(1);
  if (!u) return null;
  try {
    return await loadOrgContext(db, { id: claims.orgId }, { type: "user", userId: claims.userId, email: u.email, name: u.name, sessionId: claims.sessionId }, null);
  } catch {
    return null;
  }
}

// The last few packages read, so a page's shim, template, stylesheet and script do not read the zip four times.
const recent = new Map<string, Buffer>();
const RECENT_MAX = 4;

async function packageBytes(store: BlobStore, sha256: string): Promise<Buffer | null> {
  const hit = recent.get(sha256);
  if (hit) {
    recent.delete(sha256);
    recent.set(sha256, hit);
    return hit;
  }
  const bytes = await readBlob(store, sha256, LIMITS.maxPackedBytes).catch(() => null);
  if (!bytes) return null;
  recent.set(sha256, bytes);
  while (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value!);
  return bytes;
}

export async function servePreview(
  token: string,
  segments: string[],
  opts: { db?: Db; blobStore?: BlobStore; now?: Date } = {},
): Promise<PreviewResponse> {
  const now = opts.now ?? new Date();
  const claims = readPreviewToken(token, now.getTime());
  if (!claims) return notServed("This preview has ended. Open it again from the console.");
  const path = segments.join("/");
  if (path === SHIM_PATH) return { status: 200, headers: { ...BASE_HEADERS, "Content-Type": TYPES.js! }, body: SHIM_JS };
  if (path === SHIM_CSS_PATH) return { status: 200, headers: { ...BASE_HEADERS, "Content-Type": TYPES.css! }, body: SHIM_CSS };
  if (!path || path.length > 512 || segments.some((s) => s === "" || s === "." || s === "..") || unsafePathReason(path)) return notServed();

  const db = opts.db ?? (await getDb());
  const ctx = await contextOf(db, claims, now);
  if (!ctx) return notServed("This preview has ended. Open it again from the console.");
  let v: Awaited<ReturnType<typeof getVersion>>;
  try {
    v = await getVersion(ctx, claims.versionId);
  } catch {
    return notServed("This preview has ended. Open it again from the console.");
  }
  const files = new Set(v.inspection.files.map((f) => f.path));
  const pages = Array.isArray(v.manifest.pages) ? v.manifest.pages.filter((p): p is string => typeof p === "string") : [];
  const isPage = pages.includes(path);
  if (!isPage && !files.has(path)) return notServed();

  const bytes = await packageBytes(opts.blobStore ?? getBlobStore(), v.sha256);
  const reader = bytes ? await openPackageReader(bytes) : null;
  if (!reader) return { status: 503, headers: { ...BASE_HEADERS, "Content-Type": "text/plain; charset=utf-8" }, body: "The package could not be read" };
  try {
    if (isPage) {
      const html = await reader.read(`${path}.html`, MAX_FILE_BYTES);
      if (!html) return notServed();
      const prefix = `/preview/${token}/`;
      const body = composePage({
        base: prefix,
        page: path,
        html: html.toString("utf8"),
        hasCss: files.has(`${path}.css`),
        hasJs: files.has(`${path}.js`),
        title: `${v.miniProgramName} ${v.version} · ${path}`,
      });
      return { status: 200, headers: { ...BASE_HEADERS, "Content-Type": "text/html; charset=utf-8" }, body };
    }
    const content = await reader.read(path, MAX_FILE_BYTES);
    if (!content) return notServed("This file is too large or damaged to preview");
    const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
    // Anything else (a template on its own, SVG, unknown types) is shown as text: only composed pages run.
    const type = TYPES[ext] ?? "text/plain; charset=utf-8";
    return { status: 200, headers: { ...BASE_HEADERS, "Content-Type": type }, body: content };
  } finally {
    reader.close();
  }
}
