// The OpenAPI document (CONTRACT §10): valid OpenAPI 3.1 by an independent validator, describing every route on
// disk, and true to the real answers: every documented operation is called against a seeded database and each
// answer's status and body are checked against the document with ajv (JSON Schema 2020-12, formats on).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { signRequest } from "@/lib/sdk/signing";
import { createSdkVerifier, setSdkVerifierForTests } from "@/lib/sdk-server/verify";
import { createWebhookEndpoint, createWebhookInput } from "@/lib/services/webhooks";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { diskRoutes, inProcessFetch } from "@/test/api-router";
import { startTestIdp, type TestIdp } from "@/test/oidc-idp";
import { useSeededDb } from "@/test/seeded";
import { buildOpenApiDocument, type OpenApiDocument } from "./document";

withTempBlobStore();
const s = useSeededDb();
const api = inProcessFetch();
const doc: OpenApiDocument = buildOpenApiDocument();

/** Route files that are not part of the product API: Auth.js's own endpoints, and the load balancer's probe. */
const NOT_IN_DOCUMENT = new Set(["/api/auth/{nextauth}", "/api/health"]);

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 (by @seriousme/openapi-schema-validator)", async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc) as never);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("describes every method of every route on disk under app/api, and nothing that is not there", () => {
    const onDisk = diskRoutes()
      .filter((r) => !NOT_IN_DOCUMENT.has(r.template))
      .flatMap((r) => r.methods.map((m) => `${m} ${r.template}`))
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(onDisk.filter((r) => !documented.includes(r)), "routes on disk missing from the document (add them to lib/api/openapi/routes.ts)").toEqual([]);
    expect(documented.filter((r) => !onDisk.includes(r)), "documented routes with no route.ts").toEqual([]);
  });

  it("gives every /api/v1 POST the Idempotency-Key header, and every operation the one error shape", () => {
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops) as [string, { parameters?: { $ref?: string }[]; responses: Record<string, { $ref?: string }> }][]) {
        if (p.startsWith("/api/v1/") && method === "post") expect(op.parameters, `${method} ${p}`).toContainEqual({ $ref: "#/components/parameters/IdempotencyKey" });
        if (p.startsWith("/api/v1/") && p !== "/api/v1/openapi.json") {
          expect(op.responses["401"], `${method} ${p}`).toEqual({ $ref: "#/components/responses/E401" });
          expect(op.responses["429"], `${method} ${p}`).toEqual({ $ref: "#/components/responses/E429" });
        }
      }
    }
  });

  it("is served at GET /api/v1/openapi.json without credentials", async () => {
    const res = await api("http://atrium.test/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const served = await res.json();
    expect(served.openapi).toBe("3.1.0");
    expect(Object.keys(served.paths)).toEqual(Object.keys(doc.paths));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Every operation, called for real; each answer checked against the document
// ---------------------------------------------------------------------------------------------------------

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: "https://atrium.test/openapi.json" });
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

type Op = { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> };
const covered = new Map<string, number[]>();

function checkAnswer(method: string, template: string, status: number, contentType: string | null, body: unknown) {
  const op = doc.paths[template]?.[method.toLowerCase()] as Op | undefined;
  expect(op, `${method} ${template} is documented`).toBeDefined();
  let response = op!.responses[String(status)];
  expect(response, `${method} ${template} documents status ${status} (${JSON.stringify(body).slice(0, 300)})`).toBeDefined();
  let base = pointer("paths", template, method.toLowerCase(), "responses", String(status));
  if (response!.$ref) {
    const name = response!.$ref.split("/").pop()!;
    response = (doc.components.responses as Record<string, Op["responses"][string]>)[name]!;
    base = pointer("components", "responses", name);
  }
  (covered.get(`${method} ${template}`) ?? covered.set(`${method} ${template}`, []).get(`${method} ${template}`)!).push(status);
  if (!response!.content) return;
  const types = Object.keys(response!.content);
  // An answer in one of the documented alternatives (text/csv for ?format=csv) is checked against that one.
  const type = types.find((t) => contentType?.includes(t)) ?? types[0];
  expect(contentType ?? "", `${method} ${template} ${status} content type`).toContain(type!);
  if (type !== "application/json") return;
  const validate = ajv.compile({ $ref: `https://atrium.test/openapi.json#/${base}/content/${pointer("application/json")}/schema` });
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${method} ${template} ${status} answer matches the document`).toEqual([]);
}

async function call(method: string, template: string, opts: { params?: Record<string, string>; query?: string; body?: unknown; zip?: Uint8Array<ArrayBuffer>; token?: string; headers?: Record<string, string> } = {}) {
  const path = template.replace(/\{([^}]+)\}/g, (_m, n: string) => encodeURIComponent(opts.params?.[n] ?? "missing"));
  const url = `http://atrium.test${path}${opts.query ? `?${opts.query}` : ""}`;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let body: BodyInit | undefined;
  if (template.startsWith("/api/v1/") && template !== "/api/v1/openapi.json") headers.authorization = `Bearer ${opts.token ?? "t_admin_demo"}`;
  if (opts.zip) {
    body = opts.zip;
    headers["content-type"] = "application/zip";
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  if (template.startsWith("/api/sdk/")) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const u = new URL(url);
    headers["x-mp-key"] = s.seed.firstHost!.sdkKey;
    headers["x-mp-timestamp"] = timestamp;
    headers["x-mp-signature"] = signRequest({ secret: s.seed.firstHost!.sdkSecret, method, pathWithQuery: u.pathname + u.search, body: typeof body === "string" ? body : "", timestamp });
  }
  const res = await api(url, { method, headers, body });
  const type = res.headers.get("content-type");
  const data = type?.includes("application/json") ? await res.json() : await res.arrayBuffer();
  checkAnswer(method, template, res.status, type, data);
  return { status: res.status, data: data as never as Record<string, unknown> & { items: Record<string, unknown>[] }, headers: res.headers };
}

let receiver: http.Server;
let receiverUrl = "";
let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({ redirectUris: ["http://atrium.test/sign-in/sso/callback"] });
  setWebhookDispatcherAuto(false);
  setSdkVerifierForTests(createSdkVerifier({ ratePerSecond: 0 }));
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("received"));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  setSdkVerifierForTests(undefined);
  setWebhookDispatcherAuto(true);
  await new Promise((r) => receiver.close(r));
  await idp.close();
});

describe("real answers of every documented operation", () => {
  it("match the document", async () => {
    const zip = (appId: string, version: string) => new Uint8Array(buildMiniProgramPackage({ appId, version }));
    // Host apps
    const hosts = await call("GET", "/api/v1/hosts", { query: "limit=5" });
    const hostId = hosts.data.items[0]!.id as string;
    const created = await call("POST", "/api/v1/hosts", { body: { name: "OpenAPI host", platforms: [{ platform: "web", identifier: "https://openapi.example" }] } });
    expect(created.status).toBe(201);
    const newHost = created.data.id as string;
    await call("GET", "/api/v1/hosts/{hostId}", { params: { hostId } });
    await call("GET", "/api/v1/hosts/{hostId}", { params: { hostId: "hst_nope" } });
    await call("PATCH", "/api/v1/hosts/{hostId}", { params: { hostId: newHost }, body: { name: "OpenAPI host 2" } });
    await call("PATCH", "/api/v1/hosts/{hostId}", { params: { hostId: newHost }, body: { name: "" } });
    await call("POST", "/api/v1/hosts/{hostId}/rotate-secret", { params: { hostId: newHost } });
    await call("GET", "/api/v1/hosts", { token: "nope" });
    await call("POST", "/api/v1/hosts", { token: "t_analyst_demo", body: {} });

    // Mini-programs and collaborators
    await call("GET", "/api/v1/mini-programs");
    const appId = "com.openapi.check";
    expect((await call("POST", "/api/v1/mini-programs", { body: { appId, name: "OpenAPI check" } })).status).toBe(201);
    await call("POST", "/api/v1/mini-programs", { body: { appId, name: "OpenAPI check" } });
    await call("GET", "/api/v1/mini-programs/{appId}", { params: { appId } });
    await call("PATCH", "/api/v1/mini-programs/{appId}", { params: { appId }, body: { description: "Checked against the document" } });
    const collab = await call("POST", "/api/v1/mini-programs/{appId}/collaborators", { params: { appId }, body: { email: "developer@demo.test" } });
    await call("GET", "/api/v1/mini-programs/{appId}/collaborators", { params: { appId } });
    await call("DELETE", "/api/v1/mini-programs/{appId}/collaborators/{userId}", { params: { appId, userId: collab.data.userId as string } });
    // Lifecycle (issue 20): a throwaway mini-program archived, restored (and the 409s), then deleted.
    const spare = "com.openapi.lifecycle";
    expect((await call("POST", "/api/v1/mini-programs", { body: { appId: spare, name: "OpenAPI lifecycle" } })).status).toBe(201);
    expect((await call("POST", "/api/v1/mini-programs/{appId}/archive", { params: { appId: spare } })).status).toBe(200);
    expect((await call("POST", "/api/v1/mini-programs/{appId}/archive", { params: { appId: spare } })).status).toBe(409);
    expect((await call("POST", "/api/v1/mini-programs/{appId}/restore", { params: { appId: spare } })).status).toBe(200);
    expect((await call("POST", "/api/v1/mini-programs/{appId}/restore", { params: { appId: spare } })).status).toBe(409);
    expect((await call("DELETE", "/api/v1/mini-programs/{appId}", { params: { appId: spare } })).status).toBe(200);
    expect((await call("DELETE", "/api/v1/mini-programs/{appId}", { params: { appId: spare } })).status).toBe(404);

    // Versions through every transition
    const upload = async (version: string) => {
      const r = await call("POST", "/api/v1/mini-programs/{appId}/versions", { params: { appId }, zip: zip(appId, version) });
      expect(r.status).toBe(201);
      return (r.data.version as { id: string }).id;
    };
    await call("POST", "/api/v1/mini-programs/{appId}/versions", { params: { appId }, zip: new Uint8Array(Buffer.from("not a zip")) });
    const v1 = await upload("1.0.0");
    const v2 = await upload("1.1.0");
    const v3 = await upload("1.2.0");
    await call("GET", "/api/v1/mini-programs/{appId}/versions", { params: { appId } });
    await call("GET", "/api/v1/versions/{versionId}", { params: { versionId: v1 } });
    await call("PATCH", "/api/v1/versions/{versionId}", { params: { versionId: v1 }, body: { notes: "Checked against the document" } });
    await call("PATCH", "/api/v1/versions/{versionId}", { params: { versionId: v1 }, body: { notes: 1 } });
    for (const v of [v1, v2, v3]) await call("POST", "/api/v1/versions/{versionId}/submit", { params: { versionId: v } });
    await call("POST", "/api/v1/versions/{versionId}/submit", { params: { versionId: v1 } });
    await call("POST", "/api/v1/versions/{versionId}/withdraw", { params: { versionId: v1 } });
    await call("POST", "/api/v1/versions/{versionId}/submit", { params: { versionId: v1 } });
    for (const v of [v1, v3]) await call("POST", "/api/v1/versions/{versionId}/approve", { params: { versionId: v }, token: "t_reviewer_demo", body: {} });
    await call("POST", "/api/v1/versions/{versionId}/reject", { params: { versionId: v2 }, token: "t_reviewer_demo", body: { reasons: ["broken_functionality"], comment: "Crashes" } });

    // Assignments
    const assigned = await call("POST", "/api/v1/hosts/{hostId}/assignments", { params: { hostId: newHost }, body: { appId, versionId: v1 } });
    expect(assigned.status).toBe(201);
    const id = assigned.data.id as string;
    await call("GET", "/api/v1/hosts/{hostId}/assignments", { params: { hostId: newHost } });
    await call("GET", "/api/v1/assignments/{id}", { params: { id } });
    await call("PATCH", "/api/v1/assignments/{id}", { params: { id }, body: { candidateVersionId: v3, rolloutPercent: 10 } });
    await call("PATCH", "/api/v1/assignments/{id}", {
      params: { id },
      body: {
        rules: { platforms: ["ios"], sdkVersion: ">=2.0.0", users: ["u1"] },
        trialVersionId: v3,
        testers: ["tester-1"],
        schedule: { steps: [10, 50, 100], everyMinutes: 60, promoteAtEnd: true },
        guardrail: { maxErrorRate: 0.05, minLaunches: 100, windowMinutes: 60 },
      },
    });
    await call("PATCH", "/api/v1/assignments/{id}", { params: { id }, body: { rules: { platforms: ["symbian"] } } });
    await call("POST", "/api/v1/assignments/{id}/promote", { params: { id }, body: {} });
    await call("POST", "/api/v1/assignments/{id}/rollback", { params: { id }, body: {} });
    await call("GET", "/api/v1/assignments/{id}/events", { params: { id } });
    await call("DELETE", "/api/v1/assignments/{id}", { params: { id }, body: { revision: 999_999 } });
    await call("DELETE", "/api/v1/assignments/{id}", { params: { id } });
    // Releases: a second host runs v1; the release of v3 rolls to it in one ring.
    const relHost = await call("POST", "/api/v1/hosts", { body: { name: "Release ring host", platforms: [{ platform: "android", identifier: "com.openapi.ring" }] } });
    const ringHost = relHost.data.id as string;
    await call("POST", "/api/v1/hosts/{hostId}/assignments", { params: { hostId: ringHost }, body: { appId, versionId: v1 } });
    const release = await call("POST", "/api/v1/releases", {
      body: { appId, versionId: v3, rings: [{ name: "beta", hostIds: [ringHost], schedule: { steps: [5, 100], everyMinutes: 30 }, guardrail: { maxErrorRate: 0.1, minLaunches: 50, windowMinutes: 30 } }] },
    });
    expect(release.status).toBe(201);
    await call("POST", "/api/v1/releases", { body: { appId, versionId: v2, rings: [{ name: "x", hostIds: [ringHost] }] } });
    await call("GET", "/api/v1/releases", { query: `appId=${appId}` });
    await call("GET", "/api/v1/releases/{id}", { params: { id: release.data.id as string } });
    await call("GET", "/api/v1/releases/{id}", { params: { id: "rel_nope" } });
    await call("POST", "/api/v1/releases/{id}/cancel", { params: { id: release.data.id as string }, body: {} });
    await call("POST", "/api/v1/releases/{id}/cancel", { params: { id: release.data.id as string }, body: {} });
    // CONTRACT §12: a host that allows nothing, a request for what the package needs, approved and rejected.
    const strict = await call("POST", "/api/v1/hosts", {
      body: { name: "Strict host", platforms: [{ platform: "ios", identifier: "com.openapi.strict" }], policy: { allowedPermissions: [], allowedDomains: [] } },
    });
    const strictHost = strict.data.id as string;
    const ask = (body: unknown) => call("POST", "/api/v1/hosts/{hostId}/requests", { params: { hostId: strictHost }, body });
    const asked = await ask({ appId, permissions: ["location"], domains: ["https://api.demo.test"], reason: "The document asks" });
    expect(asked.status).toBe(201);
    await ask({ appId, permissions: ["telepathy"] });
    const second = await ask({ appId, permissions: ["camera"] });
    await call("GET", "/api/v1/hosts/{hostId}/requests", { params: { hostId: strictHost }, query: "status=pending" });
    await call("POST", "/api/v1/requests/{id}/approve", { params: { id: asked.data.id as string }, body: { comment: "Fine" } });
    await call("POST", "/api/v1/requests/{id}/approve", { params: { id: asked.data.id as string }, body: {} });
    await call("POST", "/api/v1/requests/{id}/reject", { params: { id: second.data.id as string }, body: { comment: "No" } });
    await call("POST", "/api/v1/versions/{versionId}/revoke", { params: { versionId: v1 }, body: { reason: "Checked" } });

    // Analytics and audit
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 7 * 86400_000).toISOString().slice(0, 10);
    await call("GET", "/api/v1/analytics/overview", { query: `from=${weekAgo}&to=${today}` });
    await call("GET", "/api/v1/analytics/overview", { query: "from=yesterday" });
    await call("GET", "/api/v1/analytics/overview", { query: `from=${weekAgo}&to=${today}&compare=previous` });
    await call("GET", "/api/v1/analytics/overview", { query: `from=${weekAgo}&to=${today}&compare=previous&format=csv&table=totals` });
    await call("GET", "/api/v1/analytics/overview", { query: "appId=com.nope.nothing" });
    await call("GET", "/api/v1/analytics/versions/compare", { query: `appId=com.demo.coupons&from=${weekAgo}&to=${today}` });
    await call("GET", "/api/v1/analytics/versions/compare", { query: `appId=com.demo.coupons&format=csv` });
    await call("GET", "/api/v1/analytics/versions/compare", { query: "appId=com.demo.coupons&a=9.9.9&b=1.0.0" });
    await call("GET", "/api/v1/analytics/versions/compare", { query: "appId=com.demo.coupons&a=1.0.0&b=1.0.0" });
    await call("GET", "/api/v1/analytics/anomalies", { query: `from=${weekAgo}&to=${today}` });
    await call("GET", "/api/v1/analytics/anomalies", { query: "from=2020-01-01&to=2026-01-01" });
    await call("GET", "/api/v1/hosts/{hostId}/recommendations", { params: { hostId } });
    await call("GET", "/api/v1/hosts/{hostId}/recommendations", { params: { hostId: "hst_nope" } });
    await call("GET", "/api/v1/analytics/adoption", { query: "appId=com.demo.coupons" });
    await call("GET", "/api/v1/analytics/adoption", { query: "" });
    await call("GET", "/api/v1/analytics/errors", { query: `from=${weekAgo}&to=${today}&appId=com.demo.parking&version=1.0.0` });
    await call("GET", "/api/v1/analytics/errors", { query: `from=${weekAgo}&to=${today}` });
    await call("GET", "/api/v1/analytics/pages", { query: `from=${weekAgo}&to=${today}&appId=com.demo.coupons` });
    await call("GET", "/api/v1/analytics/pages", { query: `from=${weekAgo}&to=${today}&appId=com.nobody.here` });
    await call("GET", "/api/v1/analytics/events", { query: `from=${weekAgo}&to=${today}&appId=com.demo.coupons` });
    await call("POST", "/api/v1/analytics/funnel", { body: { appId: "com.demo.coupons", steps: [{ type: "page", value: "pages/index/index" }, { type: "event", value: "share" }] } });
    await call("POST", "/api/v1/analytics/funnel", { body: { appId: "com.demo.coupons", steps: [] } });
    await call("GET", "/api/v1/audit", { query: "limit=20" });
    await call("GET", "/api/v1/audit", { token: "t_developer_demo" });

    // Webhooks, against a receiver on loopback
    const ctx = await s.as("admin");
    const { endpoint } = await createWebhookEndpoint(ctx, createWebhookInput.parse({ url: receiverUrl, events: ["version.approved"] }));
    await call("GET", "/api/v1/webhooks");
    const test = await call("POST", "/api/v1/webhooks/{id}/test", { params: { id: endpoint.id } });
    expect(test.data).toMatchObject({ status: "succeeded", lastStatusCode: 200, lastResponseSnippet: "received" });
    await call("GET", "/api/v1/webhooks/{id}/deliveries", { params: { id: endpoint.id } });
    await call("POST", "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", { params: { id: endpoint.id, deliveryId: test.data.id as string } });
    await call("POST", "/api/v1/webhooks/{id}/test", { params: { id: "whk_nope" } });

    // Enterprise sign-in, against a real OpenID provider on loopback
    await call("GET", "/api/v1/sso");
    const sso = await call("PUT", "/api/v1/sso", { body: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, domains: ["openapi-sso.test"], defaultRole: "developer" } });
    expect(sso.status).toBe(200);
    await call("PUT", "/api/v1/sso", { body: { issuer: "http://127.0.0.1:9", clientId: "x", clientSecret: "y", domains: ["openapi-sso.test"] } });
    await call("GET", "/api/v1/sso", { token: "t_analyst_demo" });
    await call("DELETE", "/api/v1/sso");

    // The SDK API
    const manifest = await call("GET", "/api/sdk/v1/manifest", { query: "user=u1&platform=ios&sdkVersion=3.0.0" });
    expect(manifest.status).toBe(200);
    await call("GET", "/api/sdk/v1/manifest", { query: "user=u1&platform=ios&sdkVersion=3.0.0", headers: { "if-none-match": manifest.headers.get("etag")! } });
    await call("GET", "/api/sdk/v1/manifest", { query: "platform=nope" });
    await call("GET", "/api/sdk/v1/keys");
    const entry = (manifest.data.miniPrograms as { sha256: string; appId: string; version: string }[])[0]!;
    await call("GET", "/api/sdk/v1/packages/{sha256}", { params: { sha256: entry.sha256 } });
    await call("GET", "/api/sdk/v1/packages/{sha256}", { params: { sha256: "0".repeat(64) } });
    await call("POST", "/api/sdk/v1/events", {
      body: { events: [{ id: "evt-openapi-1", type: "launch", appId: entry.appId, version: entry.version, userId: "u1", ts: Date.now(), platform: "ios" }, { id: "bad id!" }] },
    });

    await call("GET", "/api/v1/openapi.json");

    // Every documented operation was reached with a success.
    const missing: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops)) {
        const statuses = covered.get(`${m.toUpperCase()} ${p}`) ?? [];
        if (!statuses.some((st) => st < 400)) missing.push(`${m.toUpperCase()} ${p} (${statuses.join(", ") || "never called"})`);
      }
    }
    expect(missing, "documented operations never answered with a success in this test: add a call above").toEqual([]);
  }, 120_000);
});
