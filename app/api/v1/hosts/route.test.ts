// /api/v1/hosts as an automation script sees it (CONTRACT §3): status codes, shapes, the one error shape.
import { beforeAll, describe, expect, it } from "vitest";
import { seedHostFixture, type HostFixture } from "@/lib/sdk-server/testing";
// Renamed: a `use…` name makes React's hooks lint rule mistake this vitest helper for a hook.
import { answer, apiRequest, type RequestInit } from "@/test/api";
import { useTestDb as withTestDb } from "@/test/db";
import { GET as list, POST as create } from "./route";
import { GET as read, PATCH as patch } from "./[hostId]/route";
import { POST as rotate } from "./[hostId]/rotate-secret/route";

const box = withTestDb();
let fx: HostFixture;

beforeAll(async () => {
  fx = await seedHostFixture(box.handle.db);
});

type Who = keyof HostFixture["tokens"];
const req = (who: Who, path: string, init: RequestInit = {}) => apiRequest(fx.tokens[who], path, init);

const none = { params: Promise.resolve({}) };
const at = (hostId: string) => ({ params: Promise.resolve({ hostId }) });

const send = answer;

let n = 0;
function newHostBody(extra: Record<string, unknown> = {}) {
  n++;
  return { name: `API host ${n}`, platforms: [{ platform: "ios", identifier: `com.api.app${n}` }, { platform: "android", identifier: `com.api.app${n}` }], ...extra };
}

describe("POST /api/v1/hosts", () => {
  it("answers 201 with the host, its SDK key and the secret once", async () => {
    const { status, body } = await send(create(req("admin", "/api/v1/hosts", { method: "POST", body: newHostBody({ policy: { minSdkVersion: "2.0.0" } }) }), none));
    expect(status).toBe(201);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^hst_/),
      status: "active",
      sdkKey: expect.stringMatching(/^ak_/),
      sdkSecret: expect.stringMatching(/^sk_/),
      platforms: [{ platform: "ios" }, { platform: "android" }],
      policy: { allowedPermissions: expect.arrayContaining(["location", "payment"]), allowedDomains: null, minSdkVersion: "2.0.0" },
    });
    const again = await send(read(req("admin", `/api/v1/hosts/${body.id}`), at(String(body.id))));
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty("sdkSecret");
  });

  it("answers 422 invalid_input with the fields that need attention", async () => {
    const { status, body } = await send(
      create(req("admin", "/api/v1/hosts", { method: "POST", body: { name: "", platforms: [{ platform: "web", identifier: "http://insecure.test" }] } }), none),
    );
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "invalid_input", details: { fields: { name: [expect.any(String)], "platforms.0.identifier": [expect.stringMatching(/origin/)] } } });
  });

  it.each<[Who, number]>([
    ["owner", 201],
    ["admin", 201],
    ["reviewer", 403],
    ["developer", 403],
    ["analyst", 403],
    ["adminDevScope", 403],
  ])("as %s → %s", async (who, expected) => {
    const { status, body } = await send(create(req(who, "/api/v1/hosts", { method: "POST", body: newHostBody() }), none));
    expect(status).toBe(expected);
    if (expected === 403) expect(body.error?.code).toBe("forbidden");
  });

  it("answers 401 without a valid token", async () => {
    const r = await create(apiRequest(null, "/api/v1/hosts", { method: "POST", body: "{}" }), none);
    expect(r.status).toBe(401);
  });
});

describe("GET /api/v1/hosts", () => {
  it("lists the organization's hosts as {items, nextCursor}, with filters", async () => {
    const made = await send(create(req("admin", "/api/v1/hosts", { method: "POST", body: newHostBody({ name: "Filterable Kiosk", platforms: [{ platform: "web", identifier: "https://kiosk.api.test" }] }) }), none));
    const all = await send(list(req("analyst", "/api/v1/hosts?limit=200"), none));
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ items: expect.any(Array), nextCursor: null });
    const filtered = await send(list(req("analyst", "/api/v1/hosts?q=kiosk&platform=web&status=active"), none));
    expect((filtered.body.items as { id: string }[]).map((h) => h.id)).toEqual([made.body.id]);
    const theirs = await send(list(req("otherAdmin", "/api/v1/hosts?limit=200"), none));
    expect((theirs.body.items as { id: string }[]).some((h) => h.id === made.body.id)).toBe(false);
  });

  it("refuses an unknown platform filter with 422", async () => {
    expect((await list(req("admin", "/api/v1/hosts?platform=symbian"), none)).status).toBe(422);
  });
});

describe("GET, PATCH /api/v1/hosts/{hostId}", () => {
  it("edits name, platforms, status and policy, answering 200 with the host as it now is", async () => {
    const { body: host } = await send(create(req("admin", "/api/v1/hosts", { method: "POST", body: newHostBody() }), none));
    const id = String(host.id);
    const { status, body } = await send(
      patch(
        req("admin", `/api/v1/hosts/${id}`, {
          method: "PATCH",
          body: { name: "Renamed", status: "disabled", policy: { allowedPermissions: ["location"], allowedDomains: ["https://api.demo.test"] } },
        }),
        at(id),
      ),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, name: "Renamed", status: "disabled", policy: { allowedPermissions: ["location"], allowedDomains: ["https://api.demo.test"], minSdkVersion: null } });
  });

  it("sets and clears the URL scheme, and refuses a bad one with 422 at the field, changing nothing", async () => {
    const { body: host } = await send(create(req("admin", "/api/v1/hosts", { method: "POST", body: newHostBody({ urlScheme: "apiapp" }) }), none));
    const id = String(host.id);
    expect(host.urlScheme).toBe("apiapp");
    const bad = await send(patch(req("admin", `/api/v1/hosts/${id}`, { method: "PATCH", body: { urlScheme: "https" } }), at(id)));
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "invalid_input", details: { fields: { urlScheme: [expect.stringMatching(/scheme/)] } } });
    const malformed = await send(patch(req("admin", `/api/v1/hosts/${id}`, { method: "PATCH", body: { urlScheme: "app://x" } }), at(id)));
    expect(malformed.status).toBe(422);
    expect((await send(read(req("admin", `/api/v1/hosts/${id}`), at(id)))).body.urlScheme).toBe("apiapp");
    const changed = await send(patch(req("admin", `/api/v1/hosts/${id}`, { method: "PATCH", body: { urlScheme: "ApiApp2" } }), at(id)));
    expect(changed).toMatchObject({ status: 200, body: { urlScheme: "apiapp2" } });
    const cleared = await send(patch(req("admin", `/api/v1/hosts/${id}`, { method: "PATCH", body: { urlScheme: null } }), at(id)));
    expect(cleared).toMatchObject({ status: 200, body: { urlScheme: null } });
  });

  it("answers a foreign organization's host exactly like a missing one", async () => {
    const { body: host } = await send(create(req("admin", "/api/v1/hosts", { method: "POST", body: newHostBody() }), none));
    const id = String(host.id);
    const missing = "hst_00000000000000000000000000";
    for (const [who, hostId] of [["otherAdmin", id], ["admin", missing]] as const) {
      const got = await send(read(req(who, `/api/v1/hosts/${hostId}`), at(hostId)));
      const patched = await send(patch(req(who, `/api/v1/hosts/${hostId}`, { method: "PATCH", body: { name: "Mine now" } }), at(hostId)));
      const rotated = await send(rotate(req(who, `/api/v1/hosts/${hostId}/rotate-secret`, { method: "POST" }), at(hostId)));
      for (const r of [got, patched, rotated]) expect({ status: r.status, body: r.body }).toEqual({ status: 404, body: { error: { code: "not_found", message: "Host app not found" } } });
    }
    expect((await send(read(req("admin", `/api/v1/hosts/${id}`), at(id)))).body).toMatchObject({ name: host.name });
  });

  it("refuses a PATCH from a reviewer with 403", async () => {
    const { body: host } = await send(create(req("admin", "/api/v1/hosts", { method: "POST", body: newHostBody() }), none));
    const r = await send(patch(req("reviewer", `/api/v1/hosts/${host.id}`, { method: "PATCH", body: { status: "disabled" } }), at(String(host.id))));
    expect(r.status).toBe(403);
  });
});

describe("POST /api/v1/hosts/{hostId}/rotate-secret", () => {
  it("answers the new secret once and when the old one stops working", async () => {
    const { body: host } = await send(create(req("admin", "/api/v1/hosts", { method: "POST", body: newHostBody() }), none));
    const before = Date.now();
    const { status, body } = await send(rotate(req("owner", `/api/v1/hosts/${host.id}/rotate-secret`, { method: "POST" }), at(String(host.id))));
    expect(status).toBe(200);
    expect(body.sdkSecret).toMatch(/^sk_/);
    expect(body.sdkSecret).not.toBe(host.sdkSecret);
    const expires = Date.parse(String(body.previousSecretExpiresAt));
    expect(expires - before).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);
    expect(expires - before).toBeLessThanOrEqual(24 * 3600_000 + 60_000);
  });
});
