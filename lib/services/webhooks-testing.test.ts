// Webhooks you can test (issue 16): a test event, redelivery and the delivery log, against a real HTTP receiver
// on loopback that verifies the signature the way the README tells integrators to.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { and, eq } from "drizzle-orm";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { signatureHeader, verifySignature } from "@/lib/webhooks/signing";
import { inProcessFetch } from "@/test/api-router";
import { useSeededDb } from "@/test/seeded";
import { createWebhookEndpoint, createWebhookInput, listEndpointDeliveries, redeliverWebhook, sendTestEvent, setWebhookEndpointActive } from "./webhooks";

const s = useSeededDb();
const api = inProcessFetch();

type Received = { headers: http.IncomingHttpHeaders; body: string; verified: boolean };
const received: Received[] = [];
let answer: { status: number; body: string; delayMs?: number } = { status: 200, body: "ok" };
let secret = "";
let server: http.Server;
let url = "";

beforeAll(async () => {
  setWebhookDispatcherAuto(false);
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body, verified: verifySignature(req.headers["atrium-signature"] as string, body, secret) });
      setTimeout(() => res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/atrium`;
});
afterAll(async () => {
  setWebhookDispatcherAuto(true);
  await new Promise((r) => server.close(r));
});

async function endpoint() {
  const created = await createWebhookEndpoint(await s.as("admin"), createWebhookInput.parse({ url, events: ["version.approved"] }));
  secret = created.secret;
  return created.endpoint.id;
}

describe("send a test event", () => {
  it("delivers a signed webhook.test event now and records status, latency and the answer's first bytes", async () => {
    const id = await endpoint();
    answer = { status: 200, body: "thanks, got it", delayMs: 30 };
    const d = await sendTestEvent(await s.as("admin"), id);
    expect(d).toMatchObject({ event: "webhook.test", status: "succeeded", attempts: 1, lastStatusCode: 200, lastResponseSnippet: "thanks, got it" });
    expect(d.lastDurationMs).toBeGreaterThanOrEqual(25);
    const got = received.at(-1)!;
    expect(got.verified).toBe(true);
    expect(got.headers["atrium-event"]).toBe("webhook.test");
    expect(got.headers["atrium-delivery"]).toBe(d.id);
    expect(JSON.parse(got.body)).toMatchObject({ type: "webhook.test", data: { endpointId: id } });
    const [audit] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, "webhook.test"), eq(auditLog.objectId, id)));
    expect(audit).toBeDefined();
  });

  it("records a failing answer once, without retrying it, keeping the body's first 1 KiB", async () => {
    const id = await endpoint();
    answer = { status: 500, body: "x".repeat(5000) };
    const d = await sendTestEvent(await s.as("admin"), id);
    expect(d).toMatchObject({ status: "failed", attempts: 1, lastStatusCode: 500, nextAttemptAt: null });
    expect(d.lastResponseSnippet).toHaveLength(1024);
  });

  it("refuses a disabled endpoint (409), another organization's (404), and a reviewer (403)", async () => {
    const id = await endpoint();
    await setWebhookEndpointActive(await s.as("admin"), id, false);
    await expect(sendTestEvent(await s.as("admin"), id)).rejects.toMatchObject({ code: "conflict" });
    await expect(sendTestEvent(await s.otherAdmin(), id)).rejects.toMatchObject({ code: "not_found" });
    await expect(sendTestEvent(await s.as("reviewer"), id)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("redeliver and the delivery log, over /api/v1", () => {
  it("sends a delivery's event again (same event id, signed afresh) and lists both in the endpoint's log", async () => {
    const id = await endpoint();
    answer = { status: 503, body: "down for maintenance" };
    const first = await api(`http://atrium.test/api/v1/webhooks/${id}/test`, { method: "POST", headers: { authorization: "Bearer t_admin_demo" } });
    expect(first.status).toBe(201);
    const failed = await first.json();
    expect(failed).toMatchObject({ status: "failed", lastStatusCode: 503, lastResponseSnippet: "down for maintenance" });
    const firstEventId = JSON.parse(received.at(-1)!.body).id;

    answer = { status: 204, body: "" };
    const again = await api(`http://atrium.test/api/v1/webhooks/${id}/deliveries/${failed.id}/redeliver`, { method: "POST", headers: { authorization: "Bearer t_admin_demo" } });
    expect(again.status).toBe(201);
    const ok = await again.json();
    expect(ok).toMatchObject({ status: "succeeded", lastStatusCode: 204, redeliveryOf: failed.id });
    expect(ok.id).not.toBe(failed.id);
    expect(received.at(-1)!.verified).toBe(true);
    expect(JSON.parse(received.at(-1)!.body).id).toBe(firstEventId);

    const log = await api(`http://atrium.test/api/v1/webhooks/${id}/deliveries?limit=10`, { headers: { authorization: "Bearer t_admin_demo" } });
    expect(log.status).toBe(200);
    const { items } = await log.json();
    expect(items.map((d: { id: string }) => d.id)).toEqual([ok.id, failed.id]);
    expect(items[0].lastDurationMs).toBeTypeOf("number");
  });

  it("answers 404 for a delivery of another endpoint, and for another organization's endpoint", async () => {
    const a = await endpoint();
    const b = await endpoint();
    answer = { status: 200, body: "ok" };
    const d = await sendTestEvent(await s.as("admin"), a);
    await expect(redeliverWebhook(await s.as("admin"), b, d.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(listEndpointDeliveries(await s.otherAdmin(), a, { limit: 5 })).rejects.toMatchObject({ code: "not_found" });
    const res = await api(`http://atrium.test/api/v1/webhooks/${a}/deliveries`, { headers: { authorization: "Bearer t_admin_other" } });
    expect(res.status).toBe(404);
  });

  it("lists the organization's endpoints", async () => {
    const res = await api("http://atrium.test/api/v1/webhooks", { headers: { authorization: "Bearer t_admin_demo" } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items[0]).not.toHaveProperty("secretEnc");
    expect((await api("http://atrium.test/api/v1/webhooks", { headers: { authorization: "Bearer t_developer_demo" } })).status).toBe(403);
  });
});

describe("the README's verification example", () => {
  it("accepts what the dispatcher signs, and refuses a changed body, another secret or an old timestamp", async () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
    const code = readme.slice(readme.indexOf("Verifying a delivery")).match(/```js\n([\s\S]*?)```/)![1]!;
    expect(code.trim().split("\n").length).toBeLessThanOrEqual(10);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "atrium-readme-")), "verify.mjs");
    fs.writeFileSync(file, code);
    const { verifyAtrium } = (await import(/* @vite-ignore */ file)) as { verifyAtrium: (h: string, body: string, secret: string) => boolean };
    const body = JSON.stringify({ id: "evt_1", type: "webhook.test" });
    const now = Math.floor(Date.now() / 1000);
    expect(verifyAtrium(signatureHeader("whsec_a", now, body), body, "whsec_a")).toBe(true);
    expect(verifyAtrium(signatureHeader("whsec_a", now, body), `${body} `, "whsec_a")).toBe(false);
    expect(verifyAtrium(signatureHeader("whsec_b", now, body), body, "whsec_a")).toBe(false);
    expect(verifyAtrium(signatureHeader("whsec_a", now - 600, body), body, "whsec_a")).toBe(false);
  });
});
