// Where to go after sign-in. `next` comes from the address bar, so it is parsed as a browser would parse it,
// against the console's own origin, and kept only when it lands there: a string test misses what browsers
// forgive (`/\t/evil.test/` loses its TAB and becomes `//evil.test/`), and CR/LF must never reach a header.
export const DEFAULT_AFTER_SIGN_IN = "/o";

export function safeRedirectPath(next: unknown, consoleOrigin: string): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return DEFAULT_AFTER_SIGN_IN;
  let base: URL;
  try {
    base = new URL(consoleOrigin);
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  const landed = sameOriginPath(next, base);
  // What we answer is parsed again by the browser: it must land on the same origin a second time
  // (`/.//evil.test` parses to the path `//evil.test`, which a browser reads as another host).
  return landed !== null && sameOriginPath(landed, base) === landed ? landed : DEFAULT_AFTER_SIGN_IN;
}

function sameOriginPath(s: string, base: URL): string | null {
  let url: URL;
  try {
    url = new URL(s, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin) return null;
  return url.pathname + url.search + url.hash;
}

/** The console's origin as this request reached it (Next.js always sets x-forwarded-proto and -host). */
export function originFromHeaders(h: Headers): string {
  const host = (h.get("x-forwarded-host") ?? h.get("host") ?? "localhost").split(",")[0]!.trim();
  const proto = (h.get("x-forwarded-proto") ?? "http").split(",")[0]!.trim() === "https" ? "https" : "http";
  return `${proto}://${host}`;
}
