// Signing in through an organization's identity provider (CONTRACT §9, issue 15 item 2), in-process against a real
// OpenID provider (oidc-provider on loopback) and the real Auth.js handlers: the first sign-in creates the person and
// their membership with the default role, the second matches them; every refused answer (another audience, an
// expired or forged token, a bad state, a replayed code, an unverified email, an email outside the organization's
// domains) lands on the sign-in page with its reason and creates nothing: no user, no membership, no session, no
// audit entry. Password sign-in when the organization enforces single sign-on: refused for members, not owners.
import { and, count, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditLog, memberships, sessions, ssoConnections, users } from "@/db/schema";
import { LOCALE_COOKIE, THEME_COOKIE } from "@/lib/i18n/config";
import { loginAtIdp, startTestIdp, type TestIdp } from "@/test/oidc-idp";
import { useSeededDb } from "@/test/seeded";

const jar = vi.hoisted(() => {
  process.env.AUTH_SECRET ??= "sso-flow-test-secret-0123456789abcdef";
  return { cookies: new Map<string, string>(), headers: new Headers() };
});

vi.mock("next/headers", () => ({
  headers: async () => jar.headers,
  cookies: async () => ({
    get: (name: string) => (jar.cookies.has(name) ? { name, value: jar.cookies.get(name)! } : undefined),
    getAll: () => [...jar.cookies].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.cookies.has(name),
    set: (name: string, value: string) => void (value ? jar.cookies.set(name, value) : jar.cookies.delete(name)),
    delete: (o: string | { name: string }) => void jar.cookies.delete(typeof o === "string" ? o : o.name),
  }),
}));

const { startSsoSignIn, finishSsoSignIn, SSO_ERRORS } = await import("./flow");
const { passwordRefusedBy } = await import("./lookup");
const { putSsoSettings } = await import("@/lib/services/sso");
const { handlers } = await import("@/lib/auth");

const s = useSeededDb();
let idp: TestIdp;
const CALLBACK = "http://console.test/sign-in/sso/callback";

beforeAll(async () => {
  idp = await startTestIdp({ redirectUris: [CALLBACK] });
  jar.headers = new Headers({ host: "console.test", "x-forwarded-proto": "http", "user-agent": "flow-test" });
  await putSsoSettings(await s.as("owner"), { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, domains: ["demo-sso.test"], defaultRole: "developer", enforced: false }, CALLBACK);
});
afterAll(() => idp?.close());
beforeEach(() => {
  jar.cookies.clear();
  idp.tamper = null;
});

const SESSION = /authjs\.session-token$/;
const sessionCookie = () => [...jar.cookies.keys()].find((k) => SESSION.test(k));

async function world() {
  const orgId = s.seed.orgs.demo!;
  const count_ = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
  return {
    users: await count_(s.db.select({ n: count() }).from(users)),
    members: await count_(s.db.select({ n: count() }).from(memberships).where(eq(memberships.orgId, orgId))),
    sessions: await count_(s.db.select({ n: count() }).from(sessions)),
    audit: await count_(s.db.select({ n: count() }).from(auditLog).where(eq(auditLog.orgId, orgId))),
  };
}

/** A browser's whole round: the email step, the provider's login, and the callback. */
async function signInThroughIdp(typed: string, opts: { loginAs?: string; editCallback?: (u: URL) => void } = {}) {
  const started = await startSsoSignIn(typed, null);
  expect(started).not.toBeNull();
  const back = await loginAtIdp(started!.url, opts.loginAs ?? typed);
  expect(back.origin + back.pathname).toBe(CALLBACK);
  opts.editCallback?.(back);
  return { to: await finishSsoSignIn(back.search), back };
}

describe("the authorization request", () => {
  it("uses the code flow with PKCE (S256), state, nonce and the registered redirect URI, and keeps its secrets in an encrypted cookie", async () => {
    const started = await startSsoSignIn("Someone@Demo-SSO.test", "/o/demo/hosts");
    const url = new URL(started!.url);
    expect(url.origin).toBe(idp.issuer);
    const p = Object.fromEntries(url.searchParams);
    expect(p).toMatchObject({ response_type: "code", client_id: idp.clientId, redirect_uri: CALLBACK, scope: "openid email profile", code_challenge_method: "S256", login_hint: "someone@demo-sso.test" });
    expect(p.state!.length).toBeGreaterThanOrEqual(32);
    expect(p.nonce!.length).toBeGreaterThanOrEqual(32);
    expect(p.code_challenge).toMatch(/^[\w-]{43}$/);
    const cookie = jar.cookies.get("atrium.sso-flow")!;
    expect(cookie).toMatch(/^v1:/);
    for (const secret of [p.state!, p.nonce!]) expect(cookie).not.toContain(secret);
  });

  it("answers null for a domain no organization signs in", async () => {
    expect(await startSsoSignIn("analyst@demo.test", null)).toBeNull();
    expect(jar.cookies.size).toBe(0);
  });
});

describe("signing in through the provider", () => {
  it("the first sign-in creates the person, a member with the default role, and a session; the audit log names the provider's subject", async () => {
    const before = await world();
    const { to } = await signInThroughIdp("grace.hopper@demo-sso.test");
    expect(to).toBe("/o/demo");
    expect(sessionCookie()).toBeDefined();
    const [u] = await s.db.select().from(users).where(eq(users.email, "grace.hopper@demo-sso.test"));
    expect(u).toMatchObject({ name: "Grace Hopper", disabledAt: null });
    const [m] = await s.db.select().from(memberships).where(and(eq(memberships.orgId, s.seed.orgs.demo!), eq(memberships.userId, u!.id)));
    expect(m!.role).toBe("developer");
    const [ses] = await s.db.select().from(sessions).where(eq(sessions.userId, u!.id));
    expect(ses).toMatchObject({ method: "sso", ssoOrgId: s.seed.orgs.demo, userAgent: "flow-test", revokedAt: null });
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "sso.sign_in")));
    expect(entry).toMatchObject({ actorType: "user", actorId: u!.id, objectType: "member", objectId: u!.id });
    expect(entry!.changes).toMatchObject({ subject: idp.subjectOf("grace.hopper@demo-sso.test"), issuer: idp.issuer, created: true, joined: "developer" });
    expect(await world()).toEqual({ users: before.users + 1, members: before.members + 1, sessions: before.sessions + 1, audit: before.audit + 1 });

    // The cookie Auth.js set is a working console session.
    const res = await handlers.GET(new NextRequest("http://console.test/api/auth/session", { headers: { cookie: `${sessionCookie()}=${jar.cookies.get(sessionCookie()!)}` } }));
    expect(((await res.json()) as { sid?: string }).sid).toBe(ses!.id);
  });

  it("the second sign-in matches the person by their verified email: no new account or membership", async () => {
    const before = await world();
    const { to } = await signInThroughIdp("grace.hopper@demo-sso.test", { editCallback: () => {} });
    expect(to).toBe("/o/demo");
    expect(await world()).toEqual({ ...before, sessions: before.sessions + 1, audit: before.audit + 1 });
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "sso.sign_in"))).orderBy(auditLog.id).offset(1);
    expect(entry!.changes).toMatchObject({ created: false, joined: null, role: "developer" });
  });

  it("applies the language and theme the person saved on their account page, as a password sign-in does", async () => {
    await s.db.update(users).set({ locale: "zh-CN", theme: "dark" }).where(eq(users.email, "grace.hopper@demo-sso.test"));
    jar.cookies.delete(LOCALE_COOKIE);
    jar.cookies.delete(THEME_COOKIE);
    await signInThroughIdp("grace.hopper@demo-sso.test");
    expect(jar.cookies.get(LOCALE_COOKIE)).toBe("zh-CN");
    expect(jar.cookies.get(THEME_COOKIE)).toBe("dark");
  });

  it("a person the console knows from another organization joins this one with the default role", async () => {
    const before = await world();
    await s.db.update(users).set({ email: "admin@demo-sso.test" }).where(eq(users.id, s.seed.users["admin@other.test"]!));
    try {
      expect((await signInThroughIdp("admin@demo-sso.test")).to).toBe("/o/demo");
    } finally {
      await s.db.update(users).set({ email: "admin@other.test" }).where(eq(users.id, s.seed.users["admin@other.test"]!));
    }
    expect(await world()).toMatchObject({ users: before.users, members: before.members + 1 });
  });

  it("keeps a `next` on the console, and only there", async () => {
    const started = await startSsoSignIn("grace.hopper@demo-sso.test", "//evil.example/x");
    const back = await loginAtIdp(started!.url, "grace.hopper@demo-sso.test");
    expect(await finishSsoSignIn(back.search)).toBe("/o");
    const again = await startSsoSignIn("grace.hopper@demo-sso.test", "/o/demo/hosts");
    expect(await finishSsoSignIn((await loginAtIdp(again!.url, "grace.hopper@demo-sso.test")).search)).toBe("/o/demo/hosts");
  });
});

describe("refused answers: the sign-in page with the reason, and nothing created", () => {
  const cases: [string, () => Promise<string>, (typeof SSO_ERRORS)[number]][] = [
    ["an ID token for another audience", async () => ((idp.tamper = "audience"), (await signInThroughIdp("aud@demo-sso.test")).to), "audience"],
    ["an expired ID token", async () => ((idp.tamper = "expired"), (await signInThroughIdp("late@demo-sso.test")).to), "token_expired"],
    ["an ID token signed with a key the provider does not publish", async () => ((idp.tamper = "signature"), (await signInThroughIdp("forged@demo-sso.test")).to), "signature"],
    ["an unverified email", async () => (await signInThroughIdp("unverified.ann@demo-sso.test")).to, "email_unverified"],
    ["an email outside the organization's domains", async () => (await signInThroughIdp("mallory@demo-sso.test", { loginAs: "mallory@elsewhere.test" })).to, "domain_mismatch"],
    ["a bad state", async () => (await signInThroughIdp("state@demo-sso.test", { editCallback: (u) => u.searchParams.set("state", "not-the-state") })).to, "state"],
    [
      "a callback in a browser that started no sign-in",
      async () => {
        const started = await startSsoSignIn("nocookie@demo-sso.test", null);
        const back = await loginAtIdp(started!.url, "nocookie@demo-sso.test");
        jar.cookies.clear();
        return finishSsoSignIn(back.search);
      },
      "flow_expired",
    ],
    [
      "a replayed code (a new sign-in, with the code of one already used)",
      async () => {
        const first = await signInThroughIdp("replay@demo-sso.test");
        expect(first.to).toBe("/o/demo");
        const before = await world();
        jar.cookies.clear();
        const again = await startSsoSignIn("replay@demo-sso.test", null);
        const fresh = await loginAtIdp(again!.url, "replay@demo-sso.test");
        fresh.searchParams.set("code", first.back.searchParams.get("code")!);
        const to = await finishSsoSignIn(fresh.search);
        expect(await world()).toEqual(before);
        return to;
      },
      "code_rejected",
    ],
    [
      "the provider's own refusal",
      async () => {
        const started = await startSsoSignIn("denied@demo-sso.test", null);
        const state = new URL(started!.url).searchParams.get("state")!;
        return finishSsoSignIn(`?error=access_denied&error_description=no&state=${state}&iss=${encodeURIComponent(idp.issuer)}`);
      },
      "refused",
    ],
  ];
  it.each(cases)("%s", async (_name, run, code) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const replay = _name.startsWith("a replayed");
      const before = await world();
      const to = await run();
      expect(to).toBe(`/sign-in?sso_error=${code}`);
      expect(sessionCookie()).toBeUndefined();
      if (!replay) expect(await world()).toEqual(before);
      // One line for the operator, without a stack.
      expect(warn.mock.calls.at(-1)?.join(" ")).toMatch(new RegExp(`single sign-on refused( \\(demo\\))?: ${code}:`));
    } finally {
      warn.mockRestore();
    }
  });

  it("every reason has its explanation in both catalogs", async () => {
    const { LOCALES } = await import("@/lib/i18n/config");
    const { loadMessages } = await import("@/lib/i18n/messages");
    for (const l of LOCALES) {
      const m = (await loadMessages(l)).auth as { ssoErrors: Record<string, string> };
      expect(SSO_ERRORS.filter((c) => !m.ssoErrors[c])).toEqual([]);
    }
  });

  it("the ticket the callback hands to Auth.js cannot be posted from outside", async () => {
    const before = await world();
    const csrf = await handlers.GET(new NextRequest("http://console.test/api/auth/csrf"));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers.getSetCookie().find((c) => c.includes("csrf-token"))!.split(";")[0]!;
    const res = await handlers.POST(
      new NextRequest("http://console.test/api/auth/callback/sso", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        body: new URLSearchParams({ csrfToken, ticket: "A".repeat(43), callbackUrl: "http://console.test/o" }),
      }),
    );
    expect(res.headers.getSetCookie().some((c) => /session-token=[^;]/.test(c))).toBe(false);
    expect(await world()).toEqual(before);
  });
});

describe("enforced single sign-on", () => {
  it("refuses passwords to the organization's members, never to its owners", async () => {
    const demo = s.seed.orgs.demo!;
    await s.db.update(ssoConnections).set({ enforced: true }).where(eq(ssoConnections.orgId, demo));
    try {
      expect(await passwordRefusedBy(s.db, s.seed.users["developer@demo.test"]!)).toMatchObject({ id: demo });
      expect(await passwordRefusedBy(s.db, s.seed.users["admin@demo.test"]!)).toMatchObject({ id: demo });
      expect(await passwordRefusedBy(s.db, s.seed.users["owner@demo.test"]!)).toBeNull();
      const [outsider] = await s.db.insert(users).values({ id: `usr_${"0".repeat(26)}`, email: "only-other@other.test", name: "Only other", passwordHash: "x" }).returning();
      await s.db.insert(memberships).values({ orgId: s.seed.orgs.other!, userId: outsider!.id, role: "analyst" });
      expect(await passwordRefusedBy(s.db, outsider!.id)).toBeNull();
    } finally {
      await s.db.update(ssoConnections).set({ enforced: false }).where(eq(ssoConnections.orgId, demo));
    }
    expect(await passwordRefusedBy(s.db, s.seed.users["developer@demo.test"]!)).toBeNull();
  });
});
