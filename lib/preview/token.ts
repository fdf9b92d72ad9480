// The capability a reviewer's preview runs under. The preview frame is sandboxed without allow-same-origin, so its
// requests come from an opaque origin and carry no console cookie; instead each URL holds this token: the
// organization, the version, and the person and session that opened it, sealed (AES-256-GCM, lib/crypto/secrets)
// so it can be neither read nor forged, and short-lived. Every request re-checks the session and the membership.
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";

/** How long a preview stays open before the reviewer must open it again. */
export const PREVIEW_TTL_MS = 30 * 60_000;

export type PreviewClaims = { orgId: string; versionId: string; userId: string; sessionId: string; expiresAt: number };

type Sealed = { o: string; v: string; u: string; s: string; e: number; k: "preview" };

/** The token as one URL path segment: the sealed form's `:` separators become `.` (both safe, `.` needs no escape). */
export function mintPreviewToken(claims: Omit<PreviewClaims, "expiresAt">, now: number = Date.now()): { token: string; expiresAt: number } {
  const expiresAt = now + PREVIEW_TTL_MS;
  const body: Sealed = { o: claims.orgId, v: claims.versionId, u: claims.userId, s: claims.sessionId, e: expiresAt, k: "preview" };
  return { token: encryptSecret(JSON.stringify(body)).replaceAll(":", "."), expiresAt };
}

/** The claims, or null when the token is malformed, forged, sealed under another key, or expired. */
export function readPreviewToken(token: string, now: number = Date.now()): PreviewClaims | null {
  if (token.length > 1024 || !/^v1(\.[A-Za-z0-9_-]+){3}$/.test(token)) return null;
  let body: unknown;
  try {
    body = JSON.parse(decryptSecret(token.replaceAll(".", ":")));
  } catch {
    return null;
  }
  const b = body as Partial<Sealed> | null;
  if (!b || b.k !== "preview" || typeof b.o !== "string" || typeof b.v !== "string" || typeof b.u !== "string" || typeof b.s !== "string" || typeof b.e !== "number") return null;
  if (b.e <= now) return null;
  return { orgId: b.o, versionId: b.v, userId: b.u, sessionId: b.s, expiresAt: b.e };
}
