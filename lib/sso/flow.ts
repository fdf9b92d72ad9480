// Signing in through an organization's identity provider (CONTRACT §9): the authorization code flow with PKCE, state
// and nonce, run by openid-client. The start keeps the flow's secrets in a short-lived cookie, encrypted and
// authenticated with the console's key and bound to this browser; the callback takes the cookie once, lets
// openid-client verify the answer (state, the code exchanged with the verifier, the ID token's signature through
// the provider's JWKS, issuer, audience, expiry, nonce), then checks what only the console knows: a verified email
// at one of the organization's domains. Only then is anyone created or signed in, the same way a password does
// (the "sso" credentials provider of lib/auth/index.ts opens the session row).
import { cookies, headers } from "next/headers";
import * as oidc from "openid-client";
import { getDb } from "@/db";
import type { SsoConnection } from "@/db/schema";
import { signIn } from "@/lib/auth";
import { safeRedirectPath } from "@/lib/auth/redirect";
import { applySavedPreferences } from "@/lib/auth/saved-preferences";
import { issueSsoTicket } from "@/lib/auth/sso-ticket";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { clientIpFromHeaders } from "@/lib/request-ip";
import { emailDomain } from "./domains";
import { findSsoForEmail, findSsoForOrg, type SsoTarget } from "./lookup";
import { classifyProviderError, configurationFor, ProviderError } from "./provider";
import { AccountDisabled, provisionSsoUser } from "./provision";
import { consoleOrigin, ssoRedirectUri } from "./urls";

const FLOW_TTL_S = 10 * 60;
const COOKIE = { secure: "__Host-atrium.sso-flow", plain: "atrium.sso-flow" } as const;
export const SCOPES = "openid email profile";

/** Why a sign-in through the provider was refused: each has a plain explanation on the sign-in page. */
export const SSO_ERRORS = [
  "flow_expired",
  "state",
  "not_configured",
  "unreachable",
  "refused",
  "code_rejected",
  "audience",
  "issuer",
  "nonce",
  "token_expired",
  "signature",
  "token_invalid",
  "email_missing",
  "email_unverified",
  "domain_mismatch",
  "disabled",
  "failed",
] as const;
export type SsoErrorCode = (typeof SSO_ERRORS)[number];

type Flow = { v: 1; orgId: string; version: string; state: string; nonce: string; verifier: string; next: string | null; redirectUri: string; exp: number };

function providerSettings(c: SsoConnection) {
  return { issuer: c.issuer, clientId: c.clientId, clientSecret: decryptSecret(c.clientSecretEnc), version: c.updatedAt.toISOString() };
}

/**
 * Starts signing in `email` through its organization's provider: answers the provider's authorization URL (and sets
 * the flow cookie), or null when no organization signs in this email's domain. Throws ProviderError when the
 * provider's discovery document cannot be read now.
 */
export async function startSsoSignIn(email: string, next: unknown): Promise<{ url: string; org: SsoTarget["org"] } | null> {
  const h = await headers();
  const target = await findSsoForEmail(await getDb(), email);
  if (!target) return null;
  const config = await configurationFor(target.org.id, providerSettings(target.connection));
  const redirectUri = ssoRedirectUri(h);
  const verifier = oidc.randomPKCECodeVerifier();
  const flow: Flow = {
    v: 1,
    orgId: target.org.id,
    version: target.connection.updatedAt.toISOString(),
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier,
    next: typeof next === "string" && next ? safeRedirectPath(next, consoleOrigin(h)) : null,
    redirectUri,
    exp: Date.now() + FLOW_TTL_S * 1000,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: SCOPES,
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
    // Entra ID, Okta, Keycloak and Google fill in the email the person already typed.
    login_hint: email.trim().toLowerCase(),
  });
  const secure = redirectUri.startsWith("https:");
  // Lax: the provider sends the browser back with a top-level GET, which carries it; nothing else does.
  (await cookies()).set(secure ? COOKIE.secure : COOKIE.plain, encryptSecret(JSON.stringify(flow)), { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: FLOW_TTL_S });
  return { url: url.href, org: target.org };
}

class Refused extends Error {
  constructor(
    readonly code: SsoErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The flow this browser started, taken once: the cookie is cleared whatever happens next. */
async function takeFlow(): Promise<Flow> {
  const jar = await cookies();
  const raw = jar.get(COOKIE.secure)?.value ?? jar.get(COOKIE.plain)?.value;
  for (const name of [COOKIE.secure, COOKIE.plain]) if (jar.get(name)) jar.delete({ name, path: "/", ...(name === COOKIE.secure ? { secure: true } : {}) });
  if (!raw) throw new Refused("flow_expired", "no sign-in started in this browser");
  let flow: Flow;
  try {
    flow = JSON.parse(decryptSecret(raw)) as Flow;
  } catch {
    throw new Refused("flow_expired", "the sign-in cookie does not decrypt");
  }
  if (flow.v !== 1 || flow.exp < Date.now()) throw new Refused("flow_expired", "the sign-in took longer than ten minutes");
  return flow;
}

type Claims = { sub: string; email?: unknown; email_verified?: unknown; xms_edov?: unknown; name?: unknown };

/** Entra ID states a verified email domain as `xms_edov` (an optional claim) instead of `email_verified`. */
const isVerified = (c: Pick<Claims, "email_verified" | "xms_edov">) => c.email_verified === true || c.email_verified === "true" || c.xms_edov === true || c.xms_edov === "1";

/**
 * The callback: answers where to send the browser, the console after a sign-in or the sign-in page with the reason.
 * `search` is the query the provider sent back (`code`, `state`, perhaps `iss` or `error`).
 */
export async function finishSsoSignIn(search: string): Promise<string> {
  let target: SsoTarget | null = null;
  try {
    const flow = await takeFlow();
    const params = new URLSearchParams(search);
    // Checked before anything is sent anywhere; openid-client checks it again.
    if (params.get("state") !== flow.state) throw new Refused("state", "the state does not match the sign-in this browser started");
    const db = await getDb();
    target = await findSsoForOrg(db, flow.orgId);
    if (!target || target.connection.updatedAt.toISOString() !== flow.version) throw new Refused("not_configured", "single sign-on changed during the sign-in");
    const config = await configurationFor(target.org.id, providerSettings(target.connection));
    const current = new URL(flow.redirectUri);
    current.search = search;
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims() as Claims | undefined;
    if (!claims) throw new Refused("token_invalid", "no ID token");
    let { email, name } = claims;
    let verified = isVerified(claims);
    if (typeof email !== "string") {
      // Some providers keep the email out of the ID token; their userinfo answer must be about the same subject.
      const info = (await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) as Claims;
      email = info.email;
      verified = isVerified(info);
      name ??= info.name;
    }
    if (typeof email !== "string" || !email.includes("@")) throw new Refused("email_missing", "the provider sent no email");
    if (!verified) throw new Refused("email_unverified", `${email} is not verified at the provider`);
    const domain = emailDomain(email);
    // An organization's provider speaks only for its own domains: never for an account at another domain.
    if (!domain || !target.connection.domains.includes(domain)) throw new Refused("domain_mismatch", `${email} is not at a domain of this organization`);

    const h = await headers();
    const who = { issuer: config.serverMetadata().issuer, subject: claims.sub, email, name: typeof name === "string" ? name : null };
    const person = await provisionSsoUser(db, target, who, clientIpFromHeaders(h));
    const { ticket, record } = issueSsoTicket({ userId: person.userId, orgId: target.org.id, subject: claims.sub });
    const to = flow.next ?? `/o/${target.org.slug}`;
    await signIn("sso", { ticket, redirect: false, redirectTo: to });
    if (!record.outcome.sid) throw new Refused("failed", "the session could not be opened");
    await applySavedPreferences(db, email);
    return to;
  } catch (e) {
    const refused =
      e instanceof Refused
        ? e
        : e instanceof AccountDisabled
          ? new Refused("disabled", "the account is disabled")
          : e instanceof ProviderError || e instanceof oidc.ClientError || e instanceof oidc.ResponseBodyError || e instanceof oidc.AuthorizationResponseError || e instanceof TypeError
            ? fromProvider(classifyProviderError(e))
            : null;
    if (!refused) throw e;
    // An expected outcome, not a fault: one line for the operator, no stack.
    console.warn(`[atrium] single sign-on refused${target ? ` (${target.org.slug})` : ""}: ${refused.code}: ${refused.detail}`);
    return `/sign-in?sso_error=${refused.code}`;
  }
}

function fromProvider(e: ProviderError): Refused {
  const code: SsoErrorCode = e.code === "invalid_discovery" ? "unreachable" : e.code;
  return new Refused(code, e.message);
}
