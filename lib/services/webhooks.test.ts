// Webhooks end to end against a real HTTP receiver on 127.0.0.1: endpoints, signed deliveries, retries with
// backoff on an injected clock, giving up, resending, disabling, tenancy, and the URL and address policy.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, webhookDeliveries, webhookEndpoints, type Role } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { MAX_ATTEMPTS, RETRY_DELAYS_MS, runDueDeliveries, setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { parseSignatureHeader, signatureHeader, verifySignature } from "@/lib/webhooks/signing";
import { sendWebhookRequest } from "@/lib/webhooks/transport";
import { checkWebhookUrl, isNonPublicAddress, webhookUrlPolicy } from "@/lib/webhooks/url-policy";
import { useSeededDb } from "@/test/seeded";
import { createMiniProgram, createMiniProgramInput } from "./mini-programs";
import { approveVersion, rejectInput, rejectVersion, revokeVersion } from "./reviews";
import { submitVersion, uploadVersion, type VersionJson } from "./versions";
import {
  createWebhookEndpoint,
  createWebhookInput,
  deleteWebhookEndpoint,
  enqueueWebhook,
  listWebhookDeliveries,
  listWebhookEndpoints,
  resendWebhookDelivery,
  setWebhookEndpointActive,
} from "./webhooks";

withTempBlobStore();
const s = useSeededDb();
// The tests drive the dispatcher with their own clock.
setWebhookDispatcherAuto(false);

// ---- a local receiver ----

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string };
const received: Received[] = [];
/** Status codes to answer, in order; 200 once they run out. */
let answers: number[] = [];
let hang = false;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    if (hang) return;
    const status = answers.shift() ?? 200;
    res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "receiver says no");
  });
});
let base = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  answers = [];
  hang = false;
});

// ---- helpers ----

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const LAB = "com.example.webhook-lab";
let patch = 0;
async function inReview() {
  const dev = await s.as("developer");
  const { version } = await uploadVersion(dev, LAB, buildMiniProgramPackage({ appId: LAB, version: `2.0.${++patch}` }));
  await submitVersion(dev, version.id);
  return version;
}

/** A fresh endpoint subscribed to `events`; earlier tests' endpoints and work are cleared so counts stay exact. */
async function endpoint(path: string, events: string[] = ["version.approved", "version.rejected", "version.revoked", "version.submitted"]) {
  await s.db.update(webhookEndpoints).set({ active: false }).where(eq(webhookEndpoints.orgId, s.seed.orgs.demo!));
  await s.db.delete(webhookDeliveries).where(eq(webhookDeliveries.orgId, s.seed.orgs.demo!));
  return createWebhookEndpoint(await s.as("admin"), createWebhookInput.parse({ url: `${base}${path}`, events }));
}

const deliveriesOf = (endpointId: string) =>
  s.db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, s.seed.orgs.demo!), eq(webhookDeliveries.endpointId, endpointId)));

/** The dispatcher's clock: stepped explicitly, and never behind the real time at which rows were made due. */
let clock = 0;
const at = (ms: number) => new Date((clock = Math.max(clock, Date.now() + 1_000) + ms));

beforeAll(async () => {
  await createMiniProgram(await s.as("developer"), createMiniProgramInput.parse({ appId: LAB, name: "Webhook lab" }));
});

describe("endpoints", () => {
  it("an admin adds one: the whsec_ secret is shown once and stored encrypted; audited", async () => {
    const { endpoint: e, secret } = await createWebhookEndpoint(
      await s.as("admin"),
      createWebhookInput.parse({ url: `${base}/first`, description: "CI", events: ["version.rejected", "version.approved", "version.approved"] }),
    );
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(e).toMatchObject({ url: `${base}/first`, description: "CI", events: ["version.approved", "version.rejected"], active: true, createdBy: "admin@demo.test" });
    const [row] = await s.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, e.id));
    expect(row!.secretEnc).not.toContain(secret.slice(6));
    expect(JSON.stringify(await listWebhookEndpoints(await s.as("owner")))).not.toContain(secret);
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "webhook.create"), eq(auditLog.objectId, e.id)));
    expect(JSON.stringify(entry!.changes)).not.toContain(secret);
  });

  it.each<[Role, string]>([
    ["owner", "ok"],
    ["admin", "ok"],
    ["reviewer", "forbidden"],
    ["developer", "forbidden"],
    ["analyst", "forbidden"],
  ])("%s managing webhooks: %s", async (role, outcome) => {
    const ctx = await s.as(role);
    expect(await codeOf(createWebhookEndpoint(ctx, createWebhookInput.parse({ url: `${base}/r-${role}`, events: ["version.approved"] })))).toBe(outcome);
    expect(await codeOf(listWebhookEndpoints(ctx))).toBe(outcome);
    expect(await codeOf(listWebhookDeliveries(ctx, { limit: 10 }))).toBe(outcome);
  });

  it("refuses bad URLs and empty event lists", async () => {
    const admin = await s.as("admin");
    expect(createWebhookInput.safeParse({ url: "https://example.com/h", events: [] }).success).toBe(false);
    expect(createWebhookInput.safeParse({ url: "https://example.com/h", events: ["version.exploded"] }).success).toBe(false);
    for (const url of ["http://example.com/hook", "ftp://example.com/", "https://user:pw@example.com/", "not a url", "https://example.com/#frag"]) {
      expect(await codeOf(createWebhookEndpoint(admin, createWebhookInput.parse({ url, events: ["version.approved"] }))), url).toBe("invalid_input");
    }
  });

  it("another organization's endpoints and deliveries are not found", async () => {
    const { endpoint: e } = await endpoint("/tenancy");
    const other = await s.otherAdmin();
    expect(await listWebhookEndpoints(other)).toEqual([]);
    expect(await codeOf(deleteWebhookEndpoint(other, e.id))).toBe("not_found");
    expect(await codeOf(setWebhookEndpointActive(other, e.id, false))).toBe("not_found");
    await approveVersion(await s.as("reviewer"), (await inReview()).id);
    const [d] = await deliveriesOf(e.id);
    expect(await codeOf(resendWebhookDelivery(other, d!.id))).toBe("not_found");
    expect((await listWebhookDeliveries(other, { limit: 50 })).items).toEqual([]);
  });
});

describe("deliveries", () => {
  it("an approval reaches the receiver correctly signed, even after a failed first attempt", async () => {
    const { endpoint: e, secret } = await endpoint("/hooks", ["version.approved"]);
    const v = await inReview();
    await approveVersion(await s.as("reviewer"), v.id, { comment: "Good." });
    const [queued, ...none] = await deliveriesOf(e.id);
    expect(none).toEqual([]);
    expect(queued).toMatchObject({ status: "pending", attempts: 0 });

    answers = [500];
    const t1 = at(0);
    expect(await runDueDeliveries(s.db, { now: t1 })).toMatchObject({ attempted: 1, retrying: 1 });
    const [afterFail] = await s.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, queued!.id));
    expect(afterFail).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    expect(afterFail!.lastError).toContain("HTTP 500");
    expect(afterFail!.nextAttemptAt!.getTime()).toBe(t1.getTime() + RETRY_DELAYS_MS[0]);

    // Not due yet: nothing is sent.
    expect((await runDueDeliveries(s.db, { now: at(RETRY_DELAYS_MS[0] - 1_000) })).attempted).toBe(0);
    const t2 = at(1_000);
    expect(await runDueDeliveries(s.db, { now: t2 })).toMatchObject({ attempted: 1, succeeded: 1 });
    const [done] = await s.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, queued!.id));
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(done!.deliveredAt!.getTime()).toBe(t2.getTime());

    expect(received).toHaveLength(2);
    for (const [i, r] of received.entries()) {
      const now = i === 0 ? t1 : t2;
      expect(r.path).toBe("/hooks");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["atrium-event"]).toBe("version.approved");
      expect(r.headers["atrium-delivery"]).toBe(queued!.id);
      const header = String(r.headers["atrium-signature"]);
      // Verified the way a receiver would, with the secret shown once at creation.
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(parseSignatureHeader(header)!.timestamp).toBe(Math.floor(now.getTime() / 1000));
      expect(verifySignature(header, r.body, secret, { now })).toBe(true);
      expect(verifySignature(header, r.body, "whsec_wrong", { now })).toBe(false);
      expect(verifySignature(header, r.body.replace("approved", "rejected"), secret, { now })).toBe(false);
    }
    const payload = JSON.parse(received[1]!.body) as { id: string; type: string; orgId: string; actor: string; data: { version: VersionJson } };
    expect(payload).toMatchObject({ type: "version.approved", orgId: s.seed.orgs.demo, actor: "reviewer@demo.test", data: { version: { id: v.id, status: "approved", appId: LAB } } });
    expect(payload.id).toMatch(/^evt_/);
    expect(payload.data.version.reviews).toEqual([expect.objectContaining({ decision: "approved", comment: "Good." })]);
    // Both attempts carried the same event.
    expect(received[0]!.body).toBe(received[1]!.body);
  });

  it("rejections, revocations and submissions are delivered to endpoints that subscribed to them only", async () => {
    const { endpoint: e } = await endpoint("/only-rejections", ["version.rejected", "version.revoked"]);
    const a = await inReview();
    const b = await inReview();
    await approveVersion(await s.as("reviewer"), a.id);
    await rejectVersion(await s.as("reviewer"), b.id, rejectInput.parse({ reasons: ["misleading_content"], comment: "Screenshots promise features that are not there." }));
    await revokeVersion(await s.as("admin"), a.id, { reason: "Kill switch drill" });
    expect((await deliveriesOf(e.id)).map((d) => d.event).sort()).toEqual(["version.rejected", "version.revoked"]);
    await runDueDeliveries(s.db, { now: at(0) });
    const bodies = received.map((r) => JSON.parse(r.body) as { type: string; data: { version: { status: string; revokeReason: string | null; reviews: { reasons: string[]; comment: string }[] } } });
    const rejected = bodies.find((x) => x.type === "version.rejected")!;
    expect(rejected.data.version.reviews[0]).toMatchObject({ reasons: ["misleading_content"], comment: "Screenshots promise features that are not there." });
    expect(bodies.find((x) => x.type === "version.revoked")!.data.version).toMatchObject({ status: "revoked", revokeReason: "Kill switch drill" });
  });

  it("a submission is announced as version.submitted, from inside the submit transaction", async () => {
    const { endpoint: e, secret } = await endpoint("/submitted", ["version.submitted"]);
    const v = await inReview();
    const [d] = await deliveriesOf(e.id);
    expect(d).toMatchObject({ event: "version.submitted", status: "pending" });
    const now = at(0);
    await runDueDeliveries(s.db, { now });
    expect(received).toHaveLength(1);
    expect(verifySignature(String(received[0]!.headers["atrium-signature"]), received[0]!.body, secret, { now })).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: "version.submitted", actor: "developer@demo.test", data: { version: { id: v.id, status: "in_review" } } });
  });

  it("gives up after the last retry, stepping through the backoff schedule", async () => {
    const { endpoint: e } = await endpoint("/always-down", ["version.approved"]);
    await approveVersion(await s.as("reviewer"), (await inReview()).id);
    answers = Array.from({ length: MAX_ATTEMPTS + 2 }, () => 503);
    await runDueDeliveries(s.db, { now: at(0) });
    for (const delay of RETRY_DELAYS_MS) await runDueDeliveries(s.db, { now: at(delay) });
    const [d] = await deliveriesOf(e.id);
    expect(d).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, lastStatusCode: 503, nextAttemptAt: null });
    expect(received).toHaveLength(MAX_ATTEMPTS);
    // Nothing further happens, however long one waits.
    expect((await runDueDeliveries(s.db, { now: at(86_400_000) })).attempted).toBe(0);

    // A resend is a new delivery of the same event, audited, and this time the receiver is up.
    answers = [];
    const again = await resendWebhookDelivery(await s.as("admin"), d!.id);
    expect(again).toMatchObject({ status: "pending", attempts: 0, event: "version.approved" });
    await runDueDeliveries(s.db, { now: at(1_000) });
    const list = await listWebhookDeliveries(await s.as("admin"), { limit: 10, endpointId: e.id });
    expect(list.items.map((x) => [x.status, x.attempts, x.lastStatusCode])).toEqual([
      ["succeeded", 1, 200],
      ["failed", MAX_ATTEMPTS, 503],
    ]);
    expect(JSON.parse(received.at(-1)!.body).id).toBe((d!.payload as { id: string }).id);
    const audits = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "webhook.resend"), eq(auditLog.objectId, again.id)));
    expect(audits[0]!.changes).toMatchObject({ resentFrom: d!.id });
  });

  it("records an unreachable receiver without failing the decision", async () => {
    await s.db.update(webhookEndpoints).set({ active: false }).where(eq(webhookEndpoints.orgId, s.seed.orgs.demo!));
    await s.db.delete(webhookDeliveries).where(eq(webhookDeliveries.orgId, s.seed.orgs.demo!));
    const { endpoint: e } = await createWebhookEndpoint(await s.as("admin"), createWebhookInput.parse({ url: "http://127.0.0.1:9/nothing-listens", events: ["version.approved"] }));
    const v = await inReview();
    expect((await approveVersion(await s.as("reviewer"), v.id)).status).toBe("approved");
    await runDueDeliveries(s.db, { now: at(0) });
    const [d] = await deliveriesOf(e.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: "Connection refused" });
  });

  it("a disabled endpoint gets no new deliveries, its pending ones fail, and it cannot be resent to until enabled", async () => {
    const { endpoint: e } = await endpoint("/toggle", ["version.approved"]);
    await approveVersion(await s.as("reviewer"), (await inReview()).id);
    const admin = await s.as("admin");
    await setWebhookEndpointActive(admin, e.id, false);
    expect(await codeOf(setWebhookEndpointActive(admin, e.id, false))).toBe("conflict");
    await approveVersion(await s.as("reviewer"), (await inReview()).id);
    expect(await deliveriesOf(e.id)).toHaveLength(1);
    await runDueDeliveries(s.db, { now: at(0) });
    const [d] = await deliveriesOf(e.id);
    expect(d).toMatchObject({ status: "failed", lastError: "The endpoint is disabled" });
    expect(received).toEqual([]);
    expect(await codeOf(resendWebhookDelivery(admin, d!.id))).toBe("conflict");
    await setWebhookEndpointActive(admin, e.id, true);
    expect(await codeOf(resendWebhookDelivery(admin, d!.id))).toBe("ok");
    const actions = (await s.db.select().from(auditLog).where(eq(auditLog.objectId, e.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["webhook.create", "webhook.disable", "webhook.enable"]));

    await deleteWebhookEndpoint(admin, e.id);
    expect(await deliveriesOf(e.id)).toEqual([]);
    expect(await codeOf(deleteWebhookEndpoint(admin, e.id))).toBe("not_found");
    expect((await s.db.select().from(auditLog).where(and(eq(auditLog.action, "webhook.delete"), eq(auditLog.objectId, e.id))))).toHaveLength(1);
  });

  it("an event rolled back with its transaction is never delivered", async () => {
    const { endpoint: e } = await endpoint("/rollback", ["version.approved"]);
    await s.db
      .transaction(async (tx) => {
        expect(await enqueueWebhook(tx, s.seed.orgs.demo!, "version.approved", { hello: "world" })).toBe(1);
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(await deliveriesOf(e.id)).toEqual([]);
  });

  it("two dispatchers running at once send each delivery once", async () => {
    const { endpoint: e } = await endpoint("/once", ["version.approved"]);
    await approveVersion(await s.as("reviewer"), (await inReview()).id);
    const now = at(0);
    await Promise.all([runDueDeliveries(s.db, { now }), runDueDeliveries(s.db, { now })]);
    expect(received).toHaveLength(1);
    expect((await deliveriesOf(e.id))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
  });
});

describe("transport", () => {
  it("gives up on a receiver that does not answer within the deadline", async () => {
    hang = true;
    const started = Date.now();
    const r = await sendWebhookRequest({ url: `${base}/slow`, body: "{}", headers: {}, timeoutMs: 300, blockPrivate: false });
    expect(r).toEqual({ statusCode: null, error: "No answer within 0.3 s" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("refuses private and loopback addresses when told to, by literal and by resolved name", async () => {
    for (const url of [`${base}/x`, "http://localhost:9/x", "http://[::1]:9/x"]) {
      const r = await sendWebhookRequest({ url, body: "{}", headers: {}, timeoutMs: 2_000, blockPrivate: true });
      expect(r.statusCode, url).toBeNull();
      expect(r.error, url).toMatch(/private or reserved/);
    }
    expect(received).toEqual([]);
  });
});

describe("URL and address policy", () => {
  it.each([
    ["10.1.2.3", true],
    ["172.20.0.1", true],
    ["192.168.1.1", true],
    ["127.0.0.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["::1", true],
    ["fd00::1", true],
    ["fe80::1", true],
    ["::ffff:127.0.0.1", true],
    ["::ffff:7f00:1", true],
    ["8.8.8.8", false],
    ["2606:4700:4700::1111", false],
    ["example.com", true],
  ])("%s non-public: %s", (address, blocked) => {
    expect(isNonPublicAddress(address)).toBe(blocked);
  });

  const prod = webhookUrlPolicy({ NODE_ENV: "production" });
  const dev = webhookUrlPolicy({ NODE_ENV: "development" });
  const prodOverride = webhookUrlPolicy({ NODE_ENV: "production", ATRIUM_ALLOW_HTTP_WEBHOOKS: "1" });
  it.each([
    ["https://hooks.example.com/atrium", prod, true],
    ["http://hooks.example.com/atrium", prod, false],
    ["http://127.0.0.1:8080/h", prod, false],
    ["https://127.0.0.1/h", prod, false],
    ["https://10.0.0.5/h", prod, false],
    ["https://[::1]/h", prod, false],
    ["https://localhost/h", prod, false],
    ["https://intranet/h", prod, false],
    ["http://127.0.0.1:8080/h", dev, true],
    ["http://localhost:8080/h", dev, true],
    ["http://10.0.0.5/h", dev, false],
    ["http://127.0.0.1:8080/h", prodOverride, true],
  ])("%s under %o: %s", (url, policy, ok) => {
    expect(checkWebhookUrl(url, policy).ok).toBe(ok);
  });

  it("signatures: a stale timestamp fails, and any of several v1 values may match", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const t = Math.floor(now.getTime() / 1000);
    const header = signatureHeader("whsec_a", t, "{}");
    expect(verifySignature(header, "{}", "whsec_a", { now })).toBe(true);
    expect(verifySignature(header, "{}", "whsec_a", { now: new Date(now.getTime() + 301_000) })).toBe(false);
    const rolled = `${header},v1=${signatureHeader("whsec_b", t, "{}").split("v1=")[1]}`;
    expect(verifySignature(rolled, "{}", "whsec_b", { now })).toBe(true);
    expect(verifySignature("garbage", "{}", "whsec_a", { now })).toBe(false);
  });
});
