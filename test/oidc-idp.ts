// A real OpenID provider for the tests (issue 15): oidc-provider, the certified Node implementation, on a loopback
// port, with one confidential client registered for the console's callback. Its development login form takes any
// email (the password is ignored); an email starting with "unverified" comes back with email_verified false.
// `tamper` makes the token endpoint answer an ID token that fails one check, re-signed as a hostile or broken
// provider would send it: for another audience, expired, or signed with a key the provider does not publish.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import Provider from "oidc-provider";

export type Tamper = null | "audience" | "expired" | "signature";

export type TestIdp = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The ID token check the next token answers fail, until set back to null. */
  tamper: Tamper;
  /** Emails with email_verified false, besides those starting with "unverified". */
  unverified: Set<string>;
  /** While true, the provider does not send the browser back: it keeps the redirect in `held` and shows a page. */
  hold: boolean;
  held: URL | null;
  /** Token requests answered so far, by status. */
  tokenAnswers: number[];
  subjectOf(email: string): string;
  close(): Promise<void>;
};

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

function resign(jwt: string, edit: (payload: Record<string, unknown>) => void, key: KeyObject, kid: string): string {
  const [h, p] = jwt.split(".");
  const header = JSON.parse(Buffer.from(h!, "base64url").toString()) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
  edit(payload);
  const input = `${b64url(JSON.stringify({ ...header, kid }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign("sha256", Buffer.from(input), key))}`;
}

export async function startTestIdp(opts: { redirectUris: string[]; clientId?: string; clientSecret?: string; port?: number }): Promise<TestIdp> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = `test-${randomBytes(4).toString("hex")}`;
  const jwk = { ...(privateKey.export({ format: "jwk" }) as Record<string, unknown>), kid, alg: "RS256", use: "sig" };
  // Same kid, another key: what a forged token looks like.
  const forger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = opts.clientId ?? "atrium-console";
  const clientSecret = opts.clientSecret ?? `secret-${randomBytes(12).toString("hex")}`;

  const idp: TestIdp = {
    issuer,
    clientId,
    clientSecret,
    tamper: null,
    hold: false,
    held: null,
    unverified: new Set(),
    tokenAnswers: [],
    subjectOf: (email) => `sub-${createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 20)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
        // Subjects that are not the email, as Entra ID's are: the console must audit the provider's subject.
        subject_type: "pairwise",
      },
    ],
    subjectTypes: ["public", "pairwise"],
    pairwiseIdentifier: async (_ctx: unknown, accountId: string) => idp.subjectOf(accountId),
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString("hex")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // Claims in the ID token itself, as Entra ID, Okta, Keycloak and Google put them.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Set, so the provider does not print a notice for each default; the code lives a minute, as at real providers.
    ttl: { AuthorizationCode: 60, Grant: 3600, Session: 3600, Interaction: 600, IdToken: 600, AccessToken: 600 },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, id: string) {
      const email = id.trim().toLowerCase();
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email,
            email_verified: !(email.startsWith("unverified") || idp.unverified.has(email)),
            name: email.split("@")[0]!.replace(/[._-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
          };
        },
      };
    },
    // A first-party client: no consent screen.
    async loadExistingGrant(ctx: {
      oidc: { result?: { consent?: { grantId?: string } }; session: { accountId: string; grantIdFor(c: string): string | undefined }; client: { clientId: string }; provider: { Grant: GrantClass } };
    }) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });

  provider.use(async (ctx, next) => {
    await next();
    const location = ctx.response.get("location");
    if (idp.hold && location && opts.redirectUris.some((u) => location.startsWith(`${u}?`))) {
      idp.held = new URL(location);
      ctx.status = 200;
      ctx.response.remove("location");
      ctx.type = "html";
      ctx.body = "<p>Held by the test before returning to the console.</p>";
      return;
    }
    if (ctx.path !== "/token" || ctx.method !== "POST") return;
    idp.tokenAnswers.push(ctx.status);
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.status !== 200 || !body?.id_token || !idp.tamper) return;
    const now = Math.floor(Date.now() / 1000);
    if (idp.tamper === "audience") body.id_token = resign(body.id_token, (p) => void (p.aud = "someone-elses-app"), privateKey, kid);
    if (idp.tamper === "expired") body.id_token = resign(body.id_token, (p) => Object.assign(p, { iat: now - 7200, exp: now - 3600 }), privateKey, kid);
    if (idp.tamper === "signature") body.id_token = resign(body.id_token, () => {}, forger, kid);
  });

  server.on("request", provider.callback());
  return idp;
}

type GrantInstance = { addOIDCScope(scope: string): void; save(): Promise<string> };
type GrantClass = { new (init: { clientId: string; accountId: string }): GrantInstance; find(id: string): Promise<GrantInstance | undefined> };

/**
 * Signs `email` in at the provider without a browser: follows the authorization URL through the development login
 * form with the provider's own cookies, and answers the redirect back to the console (with `code` and `state`).
 */
export async function loginAtIdp(authorizationUrl: string, email: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair!.indexOf("=");
      const [name, value] = [pair!.slice(0, i).trim(), pair!.slice(i + 1)];
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
  };
  let url = new URL(authorizationUrl);
  let init: RequestInit = { method: "GET" };
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string> | undefined), cookie: cookieHeader() } });
    keep(res);
    const location = res.headers.get("location");
    if (location) {
      const next = new URL(location, url);
      if (next.origin !== new URL(authorizationUrl).origin) return next;
      url = next;
      init = { method: "GET" };
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html)?.[1];
    if (res.status !== 200 || !action) throw new Error(`the provider answered ${res.status}: ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? "login";
    url = new URL(action.replace(/&amp;/g, "&"), url);
    init = {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(prompt === "login" ? { prompt, login: email, password: "any" } : { prompt }).toString(),
    };
  }
  throw new Error("the provider never sent the browser back");
}
