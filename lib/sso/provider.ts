// An organization's OpenID provider as openid-client sees it (CONTRACT §9): discovery, the client's configuration,
// and what went wrong, in words a person can act on. Everything about tokens (PKCE, state, nonce, the ID token's
// signature through the provider's JWKS, issuer, audience, expiry) is openid-client's; nothing here parses a JWT.
import * as oidc from "openid-client";

/** How long a discovered configuration (and the JWKS openid-client caches inside it) is reused. */
const CONFIG_TTL_MS = 15 * 60_000;
const HTTP_TIMEOUT_S = 10;

export type ProviderSettings = { issuer: string; clientId: string; clientSecret: string };

/**
 * Plain http is for an identity provider on this machine only (a Keycloak on localhost while developing, the test
 * provider, or one beside the console on its own host): allowed unless SSO_ALLOW_HTTP_LOOPBACK=0. Only the server
 * and the person's own browser can reach a loopback address, so nothing crosses a network in the clear.
 */
export function httpLoopbackAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return env.SSO_ALLOW_HTTP_LOOPBACK !== "0";
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Why an issuer URL cannot be used, or null. */
export function issuerUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter the issuer as a URL, such as https://login.example.com";
  }
  if (url.username || url.password) return "The issuer URL must not contain a user name or password";
  if (url.search || url.hash) return "The issuer URL has no query or fragment";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) {
    return httpLoopbackAllowed() ? null : "Use https: plain http is turned off here (SSO_ALLOW_HTTP_LOOPBACK=0)";
  }
  return "The issuer must be an https:// URL";
}

function allowsHttp(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === "http:" && isLoopbackHost(url.hostname) && httpLoopbackAllowed();
}

/** A discovery or sign-in failure, with a code the sign-in page explains and a reason for the settings form. */
export class ProviderError extends Error {
  constructor(
    readonly code: ProviderFailure,
    message: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

export const PROVIDER_FAILURES = [
  "unreachable",
  "invalid_discovery",
  "refused",
  "code_rejected",
  "state",
  "audience",
  "issuer",
  "nonce",
  "token_expired",
  "signature",
  "token_invalid",
] as const;
export type ProviderFailure = (typeof PROVIDER_FAILURES)[number];

type Cause = { code?: string; message?: string; cause?: unknown; claim?: string; error?: string };

/** Maps what openid-client (or the network under it) threw to one of the failures above. */
export function classifyProviderError(e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof oidc.AuthorizationResponseError) return new ProviderError("refused", `The identity provider answered ${e.error}${e.error_description ? `: ${e.error_description}` : ""}`);
  if (e instanceof oidc.ResponseBodyError) return new ProviderError("code_rejected", `The identity provider refused the sign-in code (${e.error})`);
  const err = e as Cause;
  const inner = (err.cause ?? {}) as Cause;
  const claim = (inner.cause as Cause | undefined)?.claim;
  switch (err.code) {
    case "OAUTH_JWT_CLAIM_COMPARISON_FAILED":
      if (claim === "aud" || claim === "azp") return new ProviderError("audience", "The ID token was issued for another application (audience)");
      if (claim === "iss") return new ProviderError("issuer", "The ID token names another issuer");
      if (claim === "nonce") return new ProviderError("nonce", "The ID token's nonce does not match this sign-in");
      return new ProviderError("token_invalid", `The ID token failed a check (${inner.message ?? "claim"})`);
    case "OAUTH_JWT_TIMESTAMP_CHECK_FAILED":
      return new ProviderError("token_expired", `The ID token is expired or not yet valid (${claim ?? "time"})`);
    case "OAUTH_KEY_SELECTION_FAILED":
      return new ProviderError("signature", "The ID token is signed with a key the provider does not publish");
    case "OAUTH_INVALID_RESPONSE":
      if (/signature/i.test(inner.message ?? "")) return new ProviderError("signature", "The ID token's signature does not verify against the provider's keys");
      if (/"state"/.test(inner.message ?? "")) return new ProviderError("state", "The answer does not belong to this sign-in (state)");
      return new ProviderError("token_invalid", `The identity provider's answer is not valid (${inner.message ?? "invalid response"})`);
    case "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED":
      return new ProviderError("invalid_discovery", "The discovery document names another issuer than the one entered");
    case "OAUTH_RESPONSE_IS_NOT_JSON":
    case "OAUTH_RESPONSE_IS_NOT_CONFORM":
    case "OAUTH_PARSE_ERROR":
    case "OAUTH_INVALID_SERVER_METADATA":
    case "OAUTH_MISSING_SERVER_METADATA":
      return new ProviderError("invalid_discovery", `The issuer does not answer a valid OpenID Connect discovery document (${err.message ?? "invalid"})`);
    case "OAUTH_HTTP_REQUEST_FORBIDDEN":
    case "OAUTH_REQUEST_PROTOCOL_FORBIDDEN":
      return new ProviderError("invalid_discovery", "The provider's endpoints must be https://");
    case "OAUTH_TIMEOUT":
    case "OAUTH_ABORT":
      return new ProviderError("unreachable", `The identity provider did not answer within ${HTTP_TIMEOUT_S} seconds`);
  }
  if (e instanceof TypeError) return new ProviderError("unreachable", "The identity provider could not be reached");
  return new ProviderError("token_invalid", "The identity provider's answer could not be used");
}

/** Reads the issuer's discovery document and checks it describes what sign-in needs; throws ProviderError. */
export async function discover(settings: ProviderSettings): Promise<oidc.Configuration> {
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(new URL(settings.issuer), settings.clientId, { client_secret: settings.clientSecret }, undefined, {
      timeout: HTTP_TIMEOUT_S,
      execute: allowsHttp(settings.issuer) ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks],
    });
  } catch (e) {
    throw classifyProviderError(e);
  }
  const meta = config.serverMetadata();
  const missing = (["authorization_endpoint", "token_endpoint", "jwks_uri"] as const).filter((k) => typeof meta[k] !== "string");
  if (missing.length) throw new ProviderError("invalid_discovery", `The discovery document lacks ${missing.join(", ")}`);
  if (Array.isArray(meta.response_types_supported) && !meta.response_types_supported.includes("code")) {
    throw new ProviderError("invalid_discovery", "The provider does not offer the authorization code flow");
  }
  // The spec's default is client_secret_basic; a provider that lists only client_secret_post gets that.
  const methods = meta.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
  const auth = methods.includes("client_secret_basic") || !methods.includes("client_secret_post") ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.ClientSecretPost(settings.clientSecret);
  const configured = new oidc.Configuration(meta, settings.clientId, { client_secret: settings.clientSecret }, auth);
  configured.timeout = HTTP_TIMEOUT_S;
  if (allowsHttp(settings.issuer)) oidc.allowInsecureRequests(configured);
  // The ID token's signature is verified against the provider's JWKS (re-read when a new key id appears: rotation).
  oidc.enableNonRepudiationChecks(configured);
  return configured;
}

const cache = new Map<string, { key: string; config: oidc.Configuration; at: number }>();

/** The organization's configuration, discovered once per settings change and then reused (with its JWKS cache). */
export async function configurationFor(orgId: string, settings: ProviderSettings & { version: string }): Promise<oidc.Configuration> {
  const key = `${settings.issuer}\n${settings.clientId}\n${settings.version}`;
  const hit = cache.get(orgId);
  if (hit && hit.key === key && Date.now() - hit.at < CONFIG_TTL_MS) return hit.config;
  const config = await discover(settings);
  cache.set(orgId, { key, config, at: Date.now() });
  return config;
}

export function forgetConfiguration(orgId: string): void {
  cache.delete(orgId);
}
