// /api/v1/sso (CONTRACT §9) against a real OpenID provider (oidc-provider on loopback): the settings round-trip, the
// secret that is never answered and is stored encrypted, and each bad input of issue 15 answered 422 with its
// reason and nothing saved: an unreachable or invalid issuer, a domain another organization claims (also when two
// organizations race for it), a client secret over 4 KiB, an unknown default role.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, count, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, sessions, ssoConnections, ssoDomains } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secrets";
import { newId } from "@/lib/ids";
import { apiCaller, type Answer } from "@/test/api";
import { startTestIdp, type TestIdp } from "@/test/oidc-idp";
import { useSeededDb } from "@/test/seeded";

const s = useSeededDb();
const api = apiCaller("t_owner_demo");
let idp: TestIdp;
let junk: http.Server;
let junkUrl = "";

beforeAll(async () => {
  idp = await startTestIdp({ redirectUris: ["http://atrium.test/sign-in/sso/callback"] });
  // Answers 200 to everything, with a discovery document for another issuer at the well-known path.
  junk = http.createServer((req, res) => {
    if (req.url?.endsWith("/.well-known/openid-configuration") && req.url.startsWith("/wrong-issuer")) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ issuer: "https://someone-else.test", authorization_endpoint: "x", token_endpoint: "y", jwks_uri: "z" }));
    } else res.writeHead(200, { "content-type": "text/html" }).end("<html>not an identity provider</html>");
  });
  await new Promise<void>((r) => junk.listen(0, "127.0.0.1", r));
  junkUrl = `http://127.0.0.1:${(junk.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await idp?.close();
  await new Promise((r) => junk.close(r));
});

const valid = (extra: Record<string, unknown> = {}) => ({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, domains: ["demo-sso.test"], defaultRole: "developer", ...extra });

async function state(orgId = s.seed.orgs.demo!) {
  const [row] = await s.db.select().from(ssoConnections).where(eq(ssoConnections.orgId, orgId));
  const domains = (await s.db.select({ d: ssoDomains.domain }).from(ssoDomains).where(eq(ssoDomains.orgId, orgId))).map((r) => r.d).sort();
  const [audit] = await s.db.select({ n: count() }).from(auditLog).where(eq(auditLog.orgId, orgId));
  return { row, domains, audit: audit!.n };
}

function expect422(a: Answer, field: string, text: RegExp) {
  expect(a.status, JSON.stringify(a.body)).toBe(422);
  expect(a.body.error?.code).toBe("invalid_input");
  const messages = Object.entries(a.body.error?.details?.fields ?? {})
    .filter(([k]) => k === field || k.startsWith(`${field}.`))
    .flatMap(([, v]) => v);
  expect(messages.join(" "), JSON.stringify(a.body.error)).toMatch(text);
}

describe("GET, PUT, DELETE /api/v1/sso", () => {
  it("answers the settings off at first, with the redirect URI to register", async () => {
    const a = await api("GET", "/api/v1/sso");
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ enabled: false, issuer: null, domains: [], clientSecretSet: false, redirectUri: "http://atrium.test/sign-in/sso/callback" });
  });

  it("saves after reading the discovery document, and never answers the secret, which is stored encrypted", async () => {
    const a = await api("PUT", "/api/v1/sso", { body: valid({ domains: ["Demo-SSO.test.", "demo-sso.test", "sso2.demo.test"] }) });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toMatchObject({ enabled: true, issuer: idp.issuer, clientId: idp.clientId, clientSecretSet: true, domains: ["demo-sso.test", "sso2.demo.test"], defaultRole: "developer", enforced: false });
    expect(a.body).not.toHaveProperty("clientSecret");
    const read = await api("GET", "/api/v1/sso", { token: "t_admin_demo" });
    expect(read.status).toBe(200);
    for (const answer of [a, read]) expect(JSON.stringify(answer.body)).not.toContain(idp.clientSecret);
    const { row, domains } = await state();
    expect(row!.clientSecretEnc).not.toContain(idp.clientSecret);
    expect(decryptSecret(row!.clientSecretEnc)).toBe(idp.clientSecret);
    expect(domains).toEqual(["demo-sso.test", "sso2.demo.test"]);
    // The audit entry says what changed, never the secret.
    const entries = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "sso.enable")));
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries[0]!.changes)).not.toContain(idp.clientSecret);
  });

  it("keeps the stored secret when a change leaves it out, and says in the audit log when it is replaced", async () => {
    expect((await api("PUT", "/api/v1/sso", { body: valid({ clientSecret: undefined, defaultRole: "analyst" }) })).body).toMatchObject({ defaultRole: "analyst", clientSecretSet: true });
    expect(decryptSecret((await state()).row!.clientSecretEnc)).toBe(idp.clientSecret);
    const [last] = await s.db.select().from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "sso.update")));
    expect(last!.changes).toEqual({ defaultRole: { from: "developer", to: "analyst" }, domains: { from: ["demo-sso.test", "sso2.demo.test"], to: ["demo-sso.test"] } });
  });

  describe("refuses bad input with 422 and the reason, saving nothing", () => {
    const cases: [string, () => Record<string, unknown>, string, RegExp][] = [
      ["an unreachable issuer", () => valid({ issuer: "http://127.0.0.1:9" }), "issuer", /could not be reached/],
      ["an issuer that is not an identity provider", () => valid({ issuer: junkUrl }), "issuer", /valid OpenID Connect discovery document/],
      ["an issuer whose document names another issuer", () => valid({ issuer: `${junkUrl}/wrong-issuer` }), "issuer", /another issuer/],
      ["an issuer that is not https", () => valid({ issuer: "http://login.example.com" }), "issuer", /https/],
      ["an issuer that is not a URL", () => valid({ issuer: "login at example" }), "issuer", /URL/],
      ["a client secret over 4 KiB", () => valid({ clientSecret: "s".repeat(4097) }), "clientSecret", /over 4 KiB/],
      ["a client secret over 4 KiB in UTF-8 bytes", () => valid({ clientSecret: "é".repeat(2049) }), "clientSecret", /over 4 KiB/],
      ["an unknown default role", () => valid({ defaultRole: "superuser" }), "defaultRole", /admin, reviewer, developer or analyst/],
      ["owner as the default role", () => valid({ defaultRole: "owner" }), "defaultRole", /admin, reviewer, developer or analyst/],
      ["a domain that is not a domain", () => valid({ domains: ["demo-sso.test", "not a domain"] }), "domains", /not an email domain/],
      ["an address literal as a domain", () => valid({ domains: ["127.0.0.1"] }), "domains", /not an email domain/],
      ["no domains", () => valid({ domains: [] }), "domains", /at least one/],
    ];
    it.each(cases)("%s", async (_name, body, field, text) => {
      const before = await state();
      expect422(await api("PUT", "/api/v1/sso", { body: body() }), field, text);
      expect(await state()).toEqual(before);
    });

    it("a secret of exactly 4 KiB is accepted", async () => {
      const a = await api("PUT", "/api/v1/sso", { body: valid({ clientSecret: "s".repeat(4096), domains: ["demo-sso.test"] }) });
      expect(a.status).toBe(200);
      await api("PUT", "/api/v1/sso", { body: valid() });
    });
  });

  it("a first save needs the client secret", async () => {
    const before = await state(s.seed.orgs.other!);
    expect422(await api("PUT", "/api/v1/sso", { token: "t_admin_other", body: valid({ clientSecret: undefined, domains: ["other-sso.test"] }) }), "clientSecret", /client secret/);
    expect(await state(s.seed.orgs.other!)).toEqual(before);
  });

  it("refuses a domain another organization claims, and saves nothing", async () => {
    expect((await api("PUT", "/api/v1/sso", { token: "t_admin_other", body: valid({ domains: ["other-sso.test"] }) })).status).toBe(200);
    const before = await state();
    const a = await api("PUT", "/api/v1/sso", { body: valid({ domains: ["demo-sso.test", "OTHER-sso.test"], enforced: true }) });
    expect422(a, "domains", /other-sso\.test is claimed by another organization/);
    expect(a.body.error?.details).toMatchObject({ reason: "domain_claimed", domains: ["other-sso.test"] });
    expect(await state()).toEqual(before);
    // Other Corp's settings are its own: Demo's answer never shows them, and theirs never shows Demo's.
    const theirs = await api("GET", "/api/v1/sso", { token: "t_admin_other" });
    expect(theirs.body.domains).toEqual(["other-sso.test"]);
  });

  it("when two organizations race for one domain, exactly one gets it", async () => {
    const race = await Promise.all([
      api("PUT", "/api/v1/sso", { body: valid({ domains: ["demo-sso.test", "contested.test"] }) }),
      api("PUT", "/api/v1/sso", { token: "t_admin_other", body: valid({ domains: ["other-sso.test", "contested.test"] }) }),
    ]);
    expect(race.map((a) => a.status).sort()).toEqual([200, 422]);
    const owners = await s.db.select().from(ssoDomains).where(eq(ssoDomains.domain, "contested.test"));
    expect(owners).toHaveLength(1);
    const loser = race.find((a) => a.status === 422)!;
    expect(loser.body.error?.details).toMatchObject({ reason: "domain_claimed" });
    // Back to one claim each.
    await api("PUT", "/api/v1/sso", { body: valid() });
    await api("PUT", "/api/v1/sso", { token: "t_admin_other", body: valid({ domains: ["other-sso.test"] }) });
  });

  it("turning enforcement on ends the password sessions of the members it covers; owners keep theirs", async () => {
    const { users } = s.seed;
    const open = async (email: string, method: "password" | "sso" = "password") => {
      const id = newId("ses");
      await s.db.insert(sessions).values({ id, userId: users[email]!, expiresAt: new Date(Date.now() + 3600_000), method });
      return id;
    };
    const dev = await open("developer@demo.test");
    const devSso = await open("developer@demo.test", "sso");
    const owner = await open("owner@demo.test");
    const other = await open("admin@other.test");
    const a = await api("PUT", "/api/v1/sso", { body: valid({ enforced: true }) });
    expect(a.body).toMatchObject({ enforced: true });
    const live = async (id: string) => (await s.db.select().from(sessions).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))).length === 1;
    expect({ dev: await live(dev), devSso: await live(devSso), owner: await live(owner), other: await live(other) }).toEqual({ dev: false, devSso: true, owner: true, other: true });
    const [entry] = await s.db.select().from(auditLog).where(eq(auditLog.orgId, s.seed.orgs.demo!)).orderBy(auditLog.id).limit(1).offset((await state()).audit - 1);
    expect(entry!.changes).toMatchObject({ enforced: { from: false, to: true }, passwordSessionsEnded: expect.any(Number) });
  });

  it("only owners and admins may read or change it", async () => {
    for (const token of ["t_reviewer_demo", "t_developer_demo", "t_analyst_demo"]) {
      expect((await api("GET", "/api/v1/sso", { token })).status).toBe(403);
      expect((await api("PUT", "/api/v1/sso", { token, body: valid() })).status).toBe(403);
      expect((await api("DELETE", "/api/v1/sso", { token })).status).toBe(403);
    }
    expect((await api("GET", "/api/v1/sso", { token: null })).status).toBe(401);
  });

  it("DELETE turns it off and releases the domains for another organization", async () => {
    const a = await api("DELETE", "/api/v1/sso");
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ enabled: false, domains: [], clientSecretSet: false });
    expect(await state()).toMatchObject({ row: undefined, domains: [] });
    expect((await api("DELETE", "/api/v1/sso")).status).toBe(200);
    const claimed = await api("PUT", "/api/v1/sso", { token: "t_admin_other", body: valid({ domains: ["other-sso.test", "demo-sso.test"] }) });
    expect(claimed.status).toBe(200);
    const actions = (await s.db.select({ a: auditLog.action }).from(auditLog).where(and(eq(auditLog.orgId, s.seed.orgs.demo!), eq(auditLog.action, "sso.disable")))).length;
    expect(actions).toBe(1);
  });
});
