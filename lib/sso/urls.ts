// The console's own addresses in the OpenID Connect flow. The redirect URI is what an administrator registers at the
// identity provider, so it is the same wherever it is computed: from AUTH_URL when set (the public address behind a
// proxy), else from the address the request reached.
import { originFromHeaders } from "@/lib/auth/redirect";

export const SSO_CALLBACK_PATH = "/sign-in/sso/callback";

/** `fallback`: the request URL's origin, for a request that carries no Host header (an in-process call). */
export function consoleOrigin(h: Headers, fallback?: string, env: Record<string, string | undefined> = process.env): string {
  const configured = env.AUTH_URL?.trim();
  if (configured && /^https?:\/\//i.test(configured)) {
    try {
      return new URL(configured).origin;
    } catch {
      // A malformed AUTH_URL falls back to the request's own address.
    }
  }
  if (fallback && !h.has("host") && !h.has("x-forwarded-host")) return new URL(fallback).origin;
  return originFromHeaders(h);
}

export function ssoRedirectUri(h: Headers, fallback?: string): string {
  return `${consoleOrigin(h, fallback)}${SSO_CALLBACK_PATH}`;
}
