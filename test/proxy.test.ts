// proxy.ts in-process: Next's internal request headers change nothing (CVE-2025-29927 was a middleware skipped
// because of one), a signed-out visitor of a console page is still sent to sign in, and every page answer
// carries the security headers, with a fresh CSP nonce per request and HSTS only in production.
import { NextRequest } from "next/server";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { config, proxy } from "@/proxy";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** Headers Next.js uses between its own layers; a client may send any of them. */
const INTERNAL_HEADERS: Record<string, string>[] = [
  { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
  { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
  { "x-middleware-subrequest": "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware" },
  { "x-middleware-subrequest": "pages/_middleware" },
  { "x-middleware-prefetch": "1" },
  { "x-nextjs-data": "1" },
  { "x-invoke-path": "/o/demo", "x-invoke-query": "{}", "x-invoke-output": "/o/demo" },
  { "x-middleware-invoke": "1" },
  { "x-middleware-rewrite": "/o/demo" },
  { "x-middleware-next": "1" },
  { "x-now-route-matches": "1" },
  { rsc: "1", "next-router-prefetch": "1", "next-router-state-tree": "%5B%22%22%5D" },
  { "next-action": "0123456789abcdef0123456789abcdef01234567" },
];

const page = (path: string, headers: Record<string, string> = {}) => new NextRequest(`http://console.test${path}`, { headers });
const nonceOf = (csp: string | null) => csp?.match(/'nonce-([^']+)'/)?.[1];

describe("a signed-out visitor of a console page", () => {
  it("is sent to sign in, with the page to come back to", () => {
    const res = proxy(page("/o/demo/members?tab=invitations"));
    expect(res.status).toBe(307);
    const to = new URL(res.headers.get("location")!);
    expect(to.pathname).toBe("/sign-in");
    expect(to.searchParams.get("next")).toBe("/o/demo/members?tab=invitations");
  });

  it.each(INTERNAL_HEADERS.map((h) => [Object.keys(h).join(", "), h] as const))("is still sent to sign in when the request carries %s", (_, headers) => {
    const res = proxy(page("/o/demo/audit", headers));
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get("location")!).pathname).toBe("/sign-in");
    // Nothing of the request's internal headers is echoed into the answer.
    for (const name of Object.keys(headers)) expect(res.headers.get(name)).toBeNull();
  });

  it("is matched by the proxy whatever internal headers it sends (the matcher has no header conditions)", () => {
    for (const headers of INTERNAL_HEADERS) {
      expect(unstable_doesMiddlewareMatch({ config, url: "http://console.test/o/demo", headers })).toBe(true);
    }
  });

  it("the redirect carries the security headers too", () => {
    const res = proxy(page("/o/demo"));
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("security headers on pages", () => {
  it("a Content-Security-Policy with a nonce, frame-ancestors 'none', and the rest", () => {
    const res = proxy(page("/sign-in"));
    const csp = res.headers.get("content-security-policy")!;
    const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(directives["object-src"]).toEqual(["'none'"]);
    expect(directives["base-uri"]).toEqual(["'self'"]);
    expect(directives["form-action"]).toEqual(["'self'"]);
    expect(directives["script-src"]).toEqual(expect.arrayContaining(["'self'", `'nonce-${nonceOf(csp)}'`, "'strict-dynamic'"]));
    expect(directives["script-src"]).not.toContain("'unsafe-inline'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    // Development and test: no HSTS (it would pin http://localhost to https).
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("a fresh nonce per request, handed to the page through the request headers", () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = proxy(page("/o/demo", { cookie: "authjs.session-token=x" }));
      const nonce = nonceOf(res.headers.get("content-security-policy"))!;
      expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
      // NextResponse.next({ request: { headers } }) passes overridden request headers this way.
      expect(res.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(5);
  });

  it("a signed-in page request with internal headers still gets the full set", () => {
    for (const headers of INTERNAL_HEADERS) {
      const res = proxy(page("/o/demo", { ...headers, cookie: "authjs.session-token=x" }));
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("in production: HSTS, upgrade-insecure-requests, and no 'unsafe-eval'", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.resetModules();
    const prod = await import("@/proxy");
    const res = prod.proxy(page("/sign-in"));
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=(\d+); includeSubDomains$/);
    expect(Number(res.headers.get("strict-transport-security")!.match(/max-age=(\d+)/)![1])).toBeGreaterThanOrEqual(31536000);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("upgrade-insecure-requests");
    expect(csp).not.toContain("unsafe-eval");
    expect(prod.proxy(page("/o/demo")).headers.get("strict-transport-security")).not.toBeNull();
  });

  it("covers pages and page-level route handlers, and leaves the JSON APIs and static files to their own headers", () => {
    const matches = (p: string) => unstable_doesMiddlewareMatch({ config, url: `http://console.test${p}` });
    for (const p of ["/", "/sign-in", "/o/demo", "/o/demo/audit/export", "/o/demo/mini-programs/com.demo.coupons/upload", "/invite/abc"]) {
      expect(matches(p), p).toBe(true);
    }
    for (const p of ["/api/v1/hosts", "/api/sdk/v1/manifest", "/_next/static/chunks/app.js"]) expect(matches(p), p).toBe(false);
  });
});

describe("a server action from another origin (issue 12, item 5)", () => {
  const action = (origin: string | null, extra: Record<string, string> = {}) =>
    new NextRequest("http://console.test/o/demo/members", {
      method: "POST",
      headers: {
        host: "console.test",
        "next-action": "0123456789abcdef0123456789abcdef01234567",
        "content-type": "text/plain;charset=UTF-8",
        cookie: "authjs.session-token=x",
        ...(origin === null ? {} : { origin }),
        ...extra,
      },
      body: "[]",
    });

  it.each([
    ["a foreign Origin", "https://evil.test"],
    ["Origin: null", "null"],
    ["a malformed Origin", "http://"],
    ["no Origin", null],
    ["the same host on another port", "http://console.test:8080"],
  ])("answers 403 forbidden in the one error shape for %s", async (_, origin) => {
    const res = proxy(action(origin));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "forbidden", message: "Cross-site request refused" } });
    // Not passed on to Next: nothing of the action runs.
    expect(res.headers.get("x-middleware-next")).toBeNull();
  });

  it("refuses a no-JS form post from another origin too", () => {
    const res = proxy(
      new NextRequest("http://console.test/sign-in", {
        method: "POST",
        headers: { host: "console.test", origin: "https://evil.test", "content-type": "multipart/form-data; boundary=x" },
        body: "--x--",
      }),
    );
    expect(res.status).toBe(403);
  });

  it("passes a same-origin action on", () => {
    const res = proxy(action("http://console.test"));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-middleware-next")).toBe("1");
  });
});
