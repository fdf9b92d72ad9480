// Sessions as a browser has them, in-process: the real Auth.js handlers sign in and set the cookie, and the
// real session lookup reads it on the next request. Sign-out, a disabled user, a removed member and a lowered
// role act on that next request; throttling slows sign-in without locking the real user out; the cookie is
// HttpOnly and SameSite, and Secure with the __Secure- prefix when the console is served over https.
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { memberships, organizations, sessions, users } from "@/db/schema";
import { encryptSecret } from "@/lib/crypto/secrets";
import { newTotpSecret, totpCode } from "./totp";
import { newId } from "@/lib/ids";
import { useSeededDb } from "@/test/seeded";
import { stampClientIp } from "@/lib/request-ip";

const jar = vi.hoisted(() => {
  // Auth.js reads its secret when the module is built.
  process.env.AUTH_SECRET ??= "session-test-secret-0123456789abcdef";
  return { headers: new Headers(), set: [] as { name: string; value: string; options?: { maxAge?: number; expires?: Date } }[] };
});

vi.mock("next/headers", () => ({
  headers: async () => jar.headers,
  cookies: async () => ({
    get: (name: string) => {
      const m = (jar.headers.get("cookie") ?? "").match(new RegExp(`(?:^|; )${name.replace(/[.]/g, "\\.")}=([^;]*)`));
      return m ? { name, value: m[1] } : undefined;
    },
    getAll: () => [],
    has: () => false,
    set: (name: string, value: string, options?: { maxAge?: number; expires?: Date }) => void jar.set.push({ name, value, options }),
    delete: () => {},
  }),
}));

const { handlers } = await import("./index");
const { getActionContext } = await import("./session");
const { signOutAction } = await import("@/lib/actions/session");
const { createWebhookAction } = await import("@/app/o/[org]/settings/webhooks/actions");

const s = useSeededDb();

beforeAll(async () => {
  // Webhook creation is only the probe of "may act as admin"; nothing is delivered.
  (await import("@/lib/webhooks/dispatcher")).setWebhookDispatcherAuto(false);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

type SetCookie = { name: string; value: string; attrs: string[] };

function parseSetCookies(res: Response): SetCookie[] {
  return res.headers.getSetCookie().map((line) => {
    const [pair, ...attrs] = line.split(";").map((p) => p.trim());
    const i = pair!.indexOf("=");
    return { name: pair!.slice(0, i), value: pair!.slice(i + 1), attrs: attrs.map((a) => a.toLowerCase()) };
  });
}

let ipSeq = 0;
const freshIp = () => `198.51.100.${(++ipSeq % 250) + 1}`;

/** Signs in through Auth.js's own endpoints (CSRF token, then the credentials callback), as a browser does. */
/** The client address as this server's HTTP layer stamps it (lib/request-ip.ts). */
function fromAddress(ip: string): Record<string, string> {
  const h = new Headers();
  stampClientIp(h, ip);
  return Object.fromEntries(h);
}

async function signInVia(origin: string, email: string, password: string, ip = freshIp(), extra: Record<string, string> = {}) {
  const csrfRes = await handlers.GET(new NextRequest(`${origin}/api/auth/csrf`, { headers: fromAddress(ip) }));
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = parseSetCookies(csrfRes).find((c) => c.name.endsWith("authjs.csrf-token"))!;
  const res = await handlers.POST(
    new NextRequest(`${origin}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `${csrfCookie.name}=${csrfCookie.value}`,
        ...fromAddress(ip),
      },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${origin}/o`, ...extra }),
    }),
  );
  const session = parseSetCookies(res).find((c) => c.name.endsWith("authjs.session-token") && c.value);
  return { res, session, location: res.headers.get("location") ?? "" };
}

/** The next request from the browser that holds this cookie (Next.js always sets x-forwarded-proto). */
function browserWith(cookie: SetCookie | undefined) {
  jar.headers = new Headers({ origin: "http://console.test", host: "console.test", "x-forwarded-proto": "http", ...(cookie ? { cookie: `${cookie.name}=${cookie.value}` } : {}) });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

const webhook = () => createWebhookAction("demo", { url: `https://hooks.example.com/${Math.random().toString(36).slice(2)}`, events: ["version.approved"] });

async function memberSignedIn(role: "admin" | "analyst") {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@demo.test`;
  const seededHash = (await s.db.select({ h: users.passwordHash }).from(users).where(eq(users.email, "admin@demo.test")))[0]!.h;
  const [u] = await s.db.insert(users).values({ id: newId("usr"), email, name: role, passwordHash: seededHash }).returning();
  await s.db.insert(memberships).values({ orgId: s.seed.orgs.demo!, userId: u!.id, role });
  const { session } = await signInVia("http://console.test", email, "demo-password");
  expect(session).toBeDefined();
  browserWith(session);
  return { userId: u!.id, cookie: session };
}

describe("the server log on expected sign-in outcomes", () => {
  it("stays quiet for a wrong password and for an unknown email: no error, no stack trace", async () => {
    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(" "));
    const spies = [vi.spyOn(console, "error").mockImplementation(capture), vi.spyOn(console, "warn").mockImplementation(capture)];
    try {
      const wrong = await signInVia("http://console.test", "admin@demo.test", "not-the-password");
      expect(wrong.location).toMatch(/error=CredentialsSignin/);
      await signInVia("http://console.test", "nobody@demo.test", "whatever");
    } finally {
      spies.forEach((sp) => sp.mockRestore());
    }
    expect(logged).toEqual([]);
  });

  it("still reports an unexpected failure, with its cause", async () => {
    const { authLogger } = await import("./index");
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const err = Object.assign(new Error("Read more at https://errors.authjs.dev#callbackrouteerror"), { type: "CallbackRouteError", cause: { err: new Error("database is down") } });
      authLogger.error(err);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toContain("CallbackRouteError");
      expect((spy.mock.calls[0]![1] as Error).message).toBe("database is down");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("a session cookie from the real sign-in", () => {
  it("signs the user in, and a wrong password or a missing CSRF token signs nobody in", async () => {
    const ok = await signInVia("http://console.test", "admin@demo.test", "demo-password");
    browserWith(ok.session);
    expect((await getActionContext("demo")).role).toBe("admin");

    const wrong = await signInVia("http://console.test", "admin@demo.test", "not-the-password");
    expect(wrong.session).toBeUndefined();
    expect(wrong.location).toMatch(/error=CredentialsSignin/);

    const noCsrf = await handlers.POST(
      new NextRequest("http://console.test/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: "admin@demo.test", password: "demo-password" }),
      }),
    );
    expect(parseSetCookies(noCsrf).some((c) => c.name.endsWith("authjs.session-token") && c.value)).toBe(false);
  });

  it("sign-out revokes the session row: the same cookie is refused on the next request", async () => {
    const { cookie } = await memberSignedIn("analyst");
    expect((await getActionContext("demo")).role).toBe("analyst");
    await expect(signOutAction()).rejects.toMatchObject({ digest: expect.stringContaining("/sign-in") });
    // The browser was told to drop the cookie…
    expect(jar.set.some((c) => c.name.endsWith("authjs.session-token") && c.value === "")).toBe(true);
    // …and a copy of it kept by an attacker is dead on the server.
    browserWith(cookie);
    expect(await codeOf(getActionContext("demo"))).toBe("unauthenticated");
  });

  it("disabling the user ends their sessions on the next request", async () => {
    const { userId } = await memberSignedIn("admin");
    expect(await codeOf(webhook())).toBe("ok");
    await s.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, userId));
    expect(await codeOf(getActionContext("demo"))).toBe("unauthenticated");
    const r = await webhook();
    expect(r).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });

  it("removing the member answers not found on the next request, as for any other organization", async () => {
    const { userId } = await memberSignedIn("admin");
    expect((await webhook()).ok).toBe(true);
    await s.db.delete(memberships).where(eq(memberships.userId, userId));
    expect(await webhook()).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("lowering the role takes the permission away on the next request", async () => {
    const { userId } = await memberSignedIn("admin");
    expect((await webhook()).ok).toBe(true);
    await s.db.update(memberships).set({ role: "analyst" }).where(eq(memberships.userId, userId));
    expect(await webhook()).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await getActionContext("demo")).role).toBe("analyst");
  });

  it("an expired session row is refused even while the cookie's own lifetime runs", async () => {
    const { userId } = await memberSignedIn("analyst");
    await s.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, userId));
    expect(await codeOf(getActionContext("demo"))).toBe("unauthenticated");
  });
});

describe("the session cookie's flags", () => {
  it("over https (production): __Secure- prefix, HttpOnly, Secure, SameSite=Lax, Path=/", async () => {
    const { session } = await signInVia("https://console.test", "reviewer@demo.test", "demo-password");
    expect(session?.name).toBe("__Secure-authjs.session-token");
    expect(session?.attrs).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]));
  });

  it("with an https AUTH_URL, also when the request reached the server as http (TLS ends at a proxy)", async () => {
    vi.stubEnv("AUTH_URL", "https://console.test");
    const { session } = await signInVia("http://console.test", "reviewer@demo.test", "demo-password");
    expect(session?.name).toBe("__Secure-authjs.session-token");
    expect(session?.attrs).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax"]));
  });

  it("over plain http (local development): still HttpOnly and SameSite=Lax", async () => {
    const { session } = await signInVia("http://console.test", "reviewer@demo.test", "demo-password");
    expect(session?.name).toBe("authjs.session-token");
    expect(session?.attrs).toEqual(expect.arrayContaining(["httponly", "samesite=lax"]));
    expect(session?.attrs).not.toContain("secure");
  });

  it("the CSRF cookie is __Host- over https", async () => {
    const res = await handlers.GET(new NextRequest("https://console.test/api/auth/csrf"));
    const csrf = parseSetCookies(res).find((c) => c.name.endsWith("authjs.csrf-token"));
    expect(csrf?.name).toBe("__Host-authjs.csrf-token");
    expect(csrf?.attrs).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]));
  });
});

describe("sign-in throttling through the real sign-in", () => {
  it("refuses even the right password while an attacker's address is throttled", async () => {
    const ip = "203.0.113.50";
    for (let i = 0; i < 6; i++) await signInVia("http://console.test", "developer@demo.test", `guess-${i}`, ip);
    const r = await signInVia("http://console.test", "developer@demo.test", "demo-password", ip);
    expect(r.session).toBeUndefined();
    expect(decodeURIComponent(r.location)).toMatch(/code=throttled:\d+/);
  });

  it("parallel guesses from one address: only the free attempts reach the password check", async () => {
    const ip = "203.0.113.60";
    // One instant for all of them, so the first delay (1 s) cannot run out while they are still arriving.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date());
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signInVia("http://console.test", "analyst@demo.test", `parallel-${i}`, ip)));
    const codes = results.map((r) => decodeURIComponent(r.location).match(/code=([a-z]+)/)?.[1] ?? "none");
    // Five free failures per account and address; every other guess is refused before its password is read.
    expect(codes.filter((c) => c === "throttled")).toHaveLength(15);
    expect(results.every((r) => r.session === undefined)).toBe(true);
  });

  it("a distributed attack on one account slows the real user for at most 30 s, never locks them out", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date());
    // A new address for every guess, each after the previous delay ran out: under every per-address limit, far
    // over the account's free attempts, and all inside the 15-minute window.
    for (let i = 0; i < 25; i++) {
      if (i > 0) vi.setSystemTime(new Date(Date.now() + 31_000));
      await signInVia("http://console.test", "owner@demo.test", `guess-${i}`, `192.0.2.${i + 1}`);
    }
    const home = "198.18.0.1";
    const now = await signInVia("http://console.test", "owner@demo.test", "demo-password", home);
    expect(now.session).toBeUndefined();
    const wait = Number(decodeURIComponent(now.location).match(/code=throttled:(\d+)/)?.[1]);
    // The account's delay has grown to its cap, and no further.
    expect(wait).toBeGreaterThan(15);
    expect(wait).toBeLessThanOrEqual(30);
    vi.setSystemTime(new Date(Date.now() + (wait + 1) * 1000));
    const later = await signInVia("http://console.test", "owner@demo.test", "demo-password", home);
    expect(later.session).toBeDefined();
  });
});

describe("two-factor authentication (issue 15 item 4)", () => {
  it("a right password alone opens no session when two-factor is on; the password with a current code does", async () => {
    const { userId } = await memberSignedIn("analyst");
    const [u] = await s.db.select().from(users).where(eq(users.id, userId));
    const secret = newTotpSecret();
    await s.db.update(users).set({ totpSecretEnc: encryptSecret(secret) }).where(eq(users.id, userId));
    const before = (await s.db.select().from(sessions).where(eq(sessions.userId, userId))).length;
    const noCode = await signInVia("http://console.test", u!.email, "demo-password");
    expect(noCode.session).toBeUndefined();
    expect(noCode.location).toMatch(/code=totp_required/);
    const wrong = await signInVia("http://console.test", u!.email, "demo-password", freshIp(), { code: "abcde-fghjk" });
    expect(wrong.session).toBeUndefined();
    expect(wrong.location).toMatch(/code=totp_invalid/);
    expect((await s.db.select().from(sessions).where(eq(sessions.userId, userId))).length).toBe(before);
    const ok = await signInVia("http://console.test", u!.email, "demo-password", freshIp(), { code: totpCode(secret) });
    expect(ok.session).toBeDefined();
    browserWith(ok.session);
    expect((await getActionContext("demo")).role).toBe("analyst");
  });

  it("an organization's requirement holds back a password session without two-factor, except to set it up; SSO sessions are exempt", async () => {
    const { userId } = await memberSignedIn("analyst");
    await s.db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, s.seed.orgs.demo!));
    try {
      await expect(getActionContext("demo")).rejects.toMatchObject({ code: "forbidden", details: { reason: "two_factor_required" } });
      expect((await getActionContext("demo", { twoFactorSetup: true })).role).toBe("analyst");
      // Single sign-on: the identity provider asked for its own second factor.
      const sid = newId("ses");
      await s.db.insert(sessions).values({ id: sid, userId, expiresAt: new Date(Date.now() + 3600_000), method: "sso", ssoOrgId: s.seed.orgs.demo! });
      await s.db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.userId, userId));
      await s.db.update(sessions).set({ revokedAt: null }).where(eq(sessions.id, sid));
      const { encode } = await import("next-auth/jwt");
      const value = await encode({ token: { sid }, secret: process.env.AUTH_SECRET!, salt: "authjs.session-token" });
      browserWith({ name: "authjs.session-token", value, attrs: [] });
      expect((await getActionContext("demo")).role).toBe("analyst");
      // With two-factor on, a password session passes again.
      const second = await memberSignedIn("admin");
      await s.db.update(users).set({ totpSecretEnc: encryptSecret(newTotpSecret()) }).where(eq(users.id, second.userId));
      expect((await getActionContext("demo")).role).toBe("admin");
    } finally {
      await s.db.update(organizations).set({ requireTwoFactor: false }).where(eq(organizations.id, s.seed.orgs.demo!));
    }
  });
});
