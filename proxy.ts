// Runs before pages: a fresh CSP nonce per request, security headers, and a convenience redirect to sign-in.
// The redirect is never the access check: every page, action and route handler authorizes itself.
import { NextResponse, type NextRequest } from "next/server";
import { isSameOrigin } from "@/lib/same-origin";

const isProd = process.env.NODE_ENV === "production";

export function buildCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isProd ? "" : " 'unsafe-eval'"}`,
    // React and Recharts set style attributes; scripts are the injection risk CSP is here for.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(isProd ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(res: NextResponse, csp?: string): NextResponse {
  if (csp) res.headers.set("Content-Security-Policy", csp);
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  res.headers.set("X-Frame-Options", "DENY");
  res.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  res.headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (isProd) res.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  return res;
}

/** A listing image (lib/services/listing.ts): bytes only, so nothing in it may run or load anything. */
const LISTING_IMAGE = /^\/o\/[^/]+\/mini-programs\/[^/]+\/listing\/[^/]+$/;
export const LISTING_IMAGE_CSP = "default-src 'none'; sandbox";

const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/**
 * A POST that Next.js may treat as a server action (its `Next-Action` header, or a form body for a no-JS form).
 * Next's own Origin check throws for a foreign or `null` Origin, which answers 500; ours answers first.
 */
function isPossibleServerAction(request: NextRequest): boolean {
  if (request.method !== "POST") return false;
  const type = request.headers.get("content-type") ?? "";
  return request.headers.has("next-action") || type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded");
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (isPossibleServerAction(request)) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? request.nextUrl.host;
    if (!isSameOrigin(request.headers.get("origin"), host)) {
      const body = { error: { code: "forbidden", message: "Cross-site request refused" } };
      return securityHeaders(NextResponse.json(body, { status: 403, headers: { "Cache-Control": "no-store" } }));
    }
  }
  if (pathname.startsWith("/o") && !SESSION_COOKIES.some((c) => request.cookies.has(c))) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = `?next=${encodeURIComponent(pathname + search)}`;
    return securityHeaders(NextResponse.redirect(url));
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = LISTING_IMAGE.test(pathname) ? LISTING_IMAGE_CSP : buildCsp(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // The page's own path, for redirecting a former organization slug with the rest of the path (lib/auth/session.ts);
  // always set here, so a client's header of that name never reaches a page.
  requestHeaders.set("x-atrium-path", pathname + search);
  requestHeaders.set("Content-Security-Policy", csp);
  return securityHeaders(NextResponse.next({ request: { headers: requestHeaders } }), csp);
}

export const config = {
  // The APIs are excluded: they answer JSON only, set their own headers (lib/api/handler.ts), and the SDK
  // API is the hottest path. Page-level route handlers (CSV export, browser upload) still pass through. The
  // package preview sets its own, stricter headers (a sandbox CSP that the console's frame-ancestors 'none' and
  // X-Frame-Options DENY would contradict): lib/services/preview.ts.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|api/|preview/).*)" }],
};
