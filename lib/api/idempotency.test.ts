// Idempotency-Key on /api/v1 POSTs (CONTRACT §10), through the real route handlers, on PGlite and PostgreSQL.
import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, idempotencyKeys, miniPrograms, versions } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { inProcessFetch } from "@/test/api-router";
import { useSeededDb } from "@/test/seeded";

withTempBlobStore();
const s = useSeededDb();
const api = inProcessFetch();
beforeAll(() => setWebhookDispatcherAuto(false));

let n = 0;
const uniq = () => `${Date.now().toString(36)}${++n}`;

function post(path: string, body: unknown, opts: { key?: string; token?: string; raw?: Uint8Array<ArrayBuffer>; type?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? "t_admin_demo"}`, "content-type": opts.type ?? "application/json" };
  if (opts.key !== undefined) headers["idempotency-key"] = opts.key;
  return api(`http://atrium.test${path}`, { method: "POST", headers, body: opts.raw ?? JSON.stringify(body) });
}

const countMiniPrograms = async (appId: string) =>
  (await s.db.select({ n: count() }).from(miniPrograms).where(and(eq(miniPrograms.orgId, s.seed.orgs.demo!), eq(miniPrograms.appId, appId))))[0]!.n;
const countAudit = async () => (await s.db.select({ n: count() }).from(auditLog))[0]!.n;

describe("Idempotency-Key", () => {
  it("answers the first response again for the same key and body, and changes nothing more", async () => {
    const appId = `com.idem.a${uniq()}`;
    const key = `key-${uniq()}`;
    const first = await post("/api/v1/mini-programs", { appId, name: "Idem" }, { key });
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const audits = await countAudit();
    const again = await post("/api/v1/mini-programs", { appId, name: "Idem" }, { key });
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(firstBody);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("content-type")).toContain("application/json");
    expect(await countMiniPrograms(appId)).toBe(1);
    expect(await countAudit()).toBe(audits);
  });

  it("without a key, the same request runs twice (the second is a conflict)", async () => {
    const appId = `com.idem.b${uniq()}`;
    expect((await post("/api/v1/mini-programs", { appId, name: "Twice" })).status).toBe(201);
    expect((await post("/api/v1/mini-programs", { appId, name: "Twice" })).status).toBe(409);
  });

  it("refuses the same key with another body, or on another route, with 409 conflict", async () => {
    const key = `key-${uniq()}`;
    const appId = `com.idem.c${uniq()}`;
    expect((await post("/api/v1/mini-programs", { appId, name: "One" }, { key })).status).toBe(201);
    const other = await post("/api/v1/mini-programs", { appId: `${appId}x`, name: "One" }, { key });
    expect(other.status).toBe(409);
    expect((await other.json()).error.code).toBe("conflict");
    expect(await countMiniPrograms(`${appId}x`)).toBe(0);
    const otherRoute = await post(`/api/v1/hosts`, { name: "H", platforms: [{ platform: "ios", identifier: "com.x.y" }] }, { key });
    expect(otherRoute.status).toBe(409);
  });

  it.each([
    ["empty", ""],
    ["256 characters", "k".repeat(256)],
    ["a non-ASCII character", "cl\u00e9"],
    ["a control character", "a\u0001b"],
  ])("answers 422 invalid_input for a key that is %s, and writes nothing", async (_label, key) => {
    const appId = `com.idem.d${uniq()}`;
    const res = await post("/api/v1/mini-programs", { appId, name: "Bad key" }, { key });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.fields["Idempotency-Key"]).toBeDefined();
    expect(await countMiniPrograms(appId)).toBe(0);
  });

  it("takes a key of exactly 255 characters", async () => {
    const key = `${uniq()}-`.padEnd(255, "x");
    expect((await post("/api/v1/mini-programs", { appId: `com.idem.e${uniq()}`, name: "Long key" }, { key })).status).toBe(201);
  });

  it("keeps keys per token: another token's same key runs its own request", async () => {
    const key = `key-${uniq()}`;
    const a = await post("/api/v1/mini-programs", { appId: `com.idem.f${uniq()}`, name: "A" }, { key, token: "t_admin_demo" });
    const b = await post("/api/v1/mini-programs", { appId: `com.idem.g${uniq()}`, name: "B" }, { key, token: "t_owner_demo" });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
  });

  it("replays an error answer too (a state change refused once stays refused for that key)", async () => {
    const key = `key-${uniq()}`;
    const bad = await post("/api/v1/mini-programs", { appId: "not an app id", name: "" }, { key });
    expect(bad.status).toBe(422);
    const again = await post("/api/v1/mini-programs", { appId: "not an app id", name: "" }, { key });
    expect(again.status).toBe(422);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("forgets a key after 24 hours", async () => {
    const key = `key-${uniq()}`;
    const appId = `com.idem.h${uniq()}`;
    expect((await post("/api/v1/mini-programs", { appId, name: "Old" }, { key })).status).toBe(201);
    await s.db.update(idempotencyKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(idempotencyKeys.key, key));
    const later = await post("/api/v1/mini-programs", { appId, name: "Old" }, { key });
    // Runs afresh: the mini-program exists now, so this time it is a conflict, not a replay.
    expect(later.status).toBe(409);
    expect(later.headers.get("idempotent-replayed")).toBeNull();
  });

  it("runs one of two racing requests with one key; the other waits for its answer or gets 409", async () => {
    for (let round = 0; round < 3; round++) {
      const key = `race-${uniq()}`;
      const appId = `com.idem.r${uniq()}`;
      const [a, b] = await Promise.all([0, 1].map(() => post("/api/v1/mini-programs", { appId, name: "Race" }, { key })));
      const statuses = [a!.status, b!.status].sort();
      expect([[201, 201], [201, 409]]).toContainEqual(statuses);
      if (statuses[1] === 201) expect(await a!.text()).toBe(await b!.text());
      expect(await countMiniPrograms(appId)).toBe(1);
    }
  });

  it("covers the package upload, fingerprinting the raw bytes", async () => {
    const key = `upload-${uniq()}`;
    const zip = new Uint8Array(buildMiniProgramPackage({ appId: "com.demo.expenses", version: "7.7.7" }));
    const path = "/api/v1/mini-programs/com.demo.expenses/versions";
    const first = await post(path, null, { key, raw: zip, type: "application/zip" });
    expect(first.status).toBe(201);
    const created = await first.json();
    const again = await post(path, null, { key, raw: zip, type: "application/zip" });
    expect(again.status).toBe(201);
    expect((await again.json()).version.id).toBe(created.version.id);
    const rows = await s.db.select({ id: versions.id }).from(versions).where(and(eq(versions.orgId, s.seed.orgs.demo!), eq(versions.version, "7.7.7")));
    expect(rows).toHaveLength(1);
    const other = new Uint8Array(buildMiniProgramPackage({ appId: "com.demo.expenses", version: "7.7.8" }));
    expect((await post(path, null, { key, raw: other, type: "application/zip" })).status).toBe(409);
  });

  it("covers a POST without a body (submit), and does not apply to GET", async () => {
    const key = `submit-${uniq()}`;
    const zip = new Uint8Array(buildMiniProgramPackage({ appId: "com.demo.expenses", version: "7.8.0" }));
    const up = await (await post("/api/v1/mini-programs/com.demo.expenses/versions", null, { raw: zip, type: "application/zip" })).json();
    const submit = (k: string) =>
      api(`http://atrium.test/api/v1/versions/${up.version.id}/submit`, { method: "POST", headers: { authorization: "Bearer t_admin_demo", "idempotency-key": k } });
    const first = await submit(key);
    expect(first.status).toBe(200);
    const again = await submit(key);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    // A new key runs the transition again: now it is not allowed from in_review.
    expect((await submit(`${key}-2`)).status).toBe(409);
    const get = await api(`http://atrium.test/api/v1/versions/${up.version.id}`, { headers: { authorization: "Bearer t_admin_demo", "idempotency-key": "" } });
    expect(get.status).toBe(200);
  });
});
