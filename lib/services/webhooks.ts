// Webhook endpoints and their deliveries. Events are enqueued as delivery rows inside the transaction of
// the change they report, so a rolled-back change sends nothing and a committed one is never lost; the
// dispatcher (lib/webhooks/dispatcher.ts) sends them afterwards, so a slow or broken receiver never
// blocks or fails the action.
import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import { lockOrganization } from "@/db/queries/locks";
import { users, WEBHOOK_EVENTS, webhookDeliveries, webhookEndpoints, type WebhookEvent } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { recordAudit } from "@/lib/audit";
import { encryptSecret, generateToken } from "@/lib/crypto/secrets";
import { conflict, invalidInput, notFound } from "@/lib/errors";
import { isId, newId } from "@/lib/ids";
import { attemptDeliveryNow, kickWebhookDispatcher, TEST_EVENT, type DispatchOptions } from "@/lib/webhooks/dispatcher";
import { checkWebhookUrl, MAX_WEBHOOK_URL_LENGTH } from "@/lib/webhooks/url-policy";
import { notifyForEvent } from "./notifications";
import type { VersionJson } from "./versions";
import { decodeCursor, toPage } from "./pagination";

export { WEBHOOK_EVENTS, type WebhookEvent };

/** Endpoints per organization: enough for real integrations, few enough that enqueueing stays cheap. */
export const MAX_ENDPOINTS = 20;

export const createWebhookInput = z.object({
  url: z.string().trim().min(1, "Enter the endpoint's URL").max(MAX_WEBHOOK_URL_LENGTH),
  description: z.string().trim().max(200, "At most 200 characters").default(""),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "Choose at least one event").transform((e) => [...new Set(e)].sort()),
});
export type CreateWebhookInput = z.output<typeof createWebhookInput>;


export type WebhookEndpointJson = {
  id: string;
  url: string;
  description: string;
  events: string[];
  active: boolean;
  createdBy: string | null;
  createdAt: string;
};

export type WebhookDeliveryJson = {
  id: string;
  endpointId: string;
  url: string | null;
  event: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** How long the last attempt took. */
  lastDurationMs: number | null;
  /** The first bytes of the receiver's last answer. */
  lastResponseSnippet: string | null;
  /** The delivery this one sends again. */
  redeliveryOf: string | null;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

export async function createWebhookEndpoint(ctx: OrgContext, input: CreateWebhookInput): Promise<{ endpoint: WebhookEndpointJson; secret: string }> {
  authorize(ctx, "settings.manage");
  const check = checkWebhookUrl(input.url);
  if (!check.ok) throw invalidInput(check.reason, { fields: { url: [check.reason] } });
  const url = check.url.toString();
  const secret = generateToken("whsec_");
  const id = newId("whk");
  const row = await ctx.db.transaction(async (tx) => {
    // Count and insert under the organization's lock: two creates at once cannot both see 19.
    await lockOrganization(tx, ctx.org.id);
    const existing = await tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.orgId, ctx.org.id));
    if (existing.length >= MAX_ENDPOINTS) throw conflict(`An organization can have at most ${MAX_ENDPOINTS} webhook endpoints`);
    const [inserted] = await tx
      .insert(webhookEndpoints)
      .values({ orgId: ctx.org.id, id, url, description: input.description, events: input.events, secretEnc: encryptSecret(secret), createdBy: ctx.actor.userId })
      .returning();
    await recordAudit(tx, ctx, { action: "webhook.create", objectType: "webhook_endpoint", objectId: id, changes: { url, events: input.events } });
    return inserted!;
  });
  return { endpoint: endpointToJson(row, ctx.actor.email), secret };
}

function endpointToJson(e: typeof webhookEndpoints.$inferSelect, createdBy: string | null): WebhookEndpointJson {
  return { id: e.id, url: e.url, description: e.description, events: e.events, active: e.active, createdBy, createdAt: e.createdAt.toISOString() };
}

export async function listWebhookEndpoints(ctx: OrgContext): Promise<WebhookEndpointJson[]> {
  authorize(ctx, "settings.manage");
  const rows = await ctx.db
    .select({ endpoint: webhookEndpoints, email: users.email })
    .from(webhookEndpoints)
    .leftJoin(users, eq(users.id, webhookEndpoints.createdBy))
    .where(eq(webhookEndpoints.orgId, ctx.org.id))
    .orderBy(desc(webhookEndpoints.id));
  return rows.map((r) => endpointToJson(r.endpoint, r.email));
}

/** Enables or disables an endpoint; a disabled one receives nothing, and its pending deliveries fail. */
export async function setWebhookEndpointActive(ctx: OrgContext, endpointId: string, active: boolean): Promise<WebhookEndpointJson> {
  authorize(ctx, "settings.manage");
  if (!isId("whk", endpointId)) throw notFound("Webhook endpoint");
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ active })
      .where(and(eq(webhookEndpoints.orgId, ctx.org.id), eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.active, !active)))
      .returning();
    if (!row) {
      const [cur] = await tx
        .select({ id: webhookEndpoints.id })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.orgId, ctx.org.id), eq(webhookEndpoints.id, endpointId)));
      if (!cur) throw notFound("Webhook endpoint");
      throw conflict(active ? "This endpoint is already enabled" : "This endpoint is already disabled");
    }
    await recordAudit(tx, ctx, { action: active ? "webhook.enable" : "webhook.disable", objectType: "webhook_endpoint", objectId: endpointId, changes: { url: row.url } });
    return endpointToJson(row, null);
  });
}

/** Deletes an endpoint and its delivery history. */
export async function deleteWebhookEndpoint(ctx: OrgContext, endpointId: string): Promise<{ id: string }> {
  authorize(ctx, "settings.manage");
  if (!isId("whk", endpointId)) throw notFound("Webhook endpoint");
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.orgId, ctx.org.id), eq(webhookEndpoints.id, endpointId)))
      .returning();
    if (!row) throw notFound("Webhook endpoint");
    await tx.delete(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, ctx.org.id), eq(webhookDeliveries.endpointId, endpointId)));
    await recordAudit(tx, ctx, { action: "webhook.delete", objectType: "webhook_endpoint", objectId: endpointId, changes: { url: row.url, events: row.events } });
    return { id: endpointId };
  });
}

export async function listWebhookDeliveries(ctx: OrgContext, page: { limit: number; cursor?: string; endpointId?: string }) {
  authorize(ctx, "settings.manage");
  const before = decodeCursor(page.cursor);
  const rows = await ctx.db
    .select({ delivery: webhookDeliveries, url: webhookEndpoints.url })
    .from(webhookDeliveries)
    .leftJoin(webhookEndpoints, and(eq(webhookEndpoints.orgId, webhookDeliveries.orgId), eq(webhookEndpoints.id, webhookDeliveries.endpointId)))
    .where(
      and(
        eq(webhookDeliveries.orgId, ctx.org.id),
        page.endpointId ? eq(webhookDeliveries.endpointId, page.endpointId) : undefined,
        before ? lt(webhookDeliveries.id, before) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.delivery.id);
  return { items: p.items.map((r) => deliveryToJson(r.delivery, r.url)), nextCursor: p.nextCursor };
}

function deliveryToJson(d: typeof webhookDeliveries.$inferSelect, url: string | null): WebhookDeliveryJson {
  return {
    id: d.id,
    endpointId: d.endpointId,
    url,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastDurationMs: d.lastDurationMs,
    lastResponseSnippet: d.lastResponseSnippet,
    redeliveryOf: d.redeliveryOf,
    nextAttemptAt: d.status === "pending" ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}

/** Sends a delivery's event again, as a new delivery with the same payload (and event id), due now. */
export async function resendWebhookDelivery(ctx: OrgContext, deliveryId: string, opts: { kick?: boolean } = {}): Promise<WebhookDeliveryJson> {
  authorize(ctx, "settings.manage");
  if (!isId("dlv", deliveryId)) throw notFound("Webhook delivery");
  const out = await ctx.db.transaction(async (tx) => {
    const [orig] = await tx
      .select({ delivery: webhookDeliveries, url: webhookEndpoints.url, active: webhookEndpoints.active })
      .from(webhookDeliveries)
      .leftJoin(webhookEndpoints, and(eq(webhookEndpoints.orgId, webhookDeliveries.orgId), eq(webhookEndpoints.id, webhookDeliveries.endpointId)))
      .where(and(eq(webhookDeliveries.orgId, ctx.org.id), eq(webhookDeliveries.id, deliveryId)))
      .limit(1);
    if (!orig) throw notFound("Webhook delivery");
    if (!orig.active) throw conflict("The endpoint is disabled; enable it before resending");
    const id = newId("dlv");
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({
        orgId: ctx.org.id,
        id,
        endpointId: orig.delivery.endpointId,
        event: orig.delivery.event,
        payload: orig.delivery.payload,
        status: "pending",
        nextAttemptAt: new Date(),
        redeliveryOf: deliveryId,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: "webhook.resend",
      objectType: "webhook_delivery",
      objectId: id,
      changes: { resentFrom: deliveryId, endpointId: orig.delivery.endpointId, event: orig.delivery.event },
    });
    return deliveryToJson(row!, orig.url);
  });
  if (opts.kick !== false) kickWebhookDispatcher();
  return out;
}

/**
 * Records one delivery per active endpoint subscribed to `event`, in the caller's transaction. Returns how
 * many; the dispatcher is nudged, and also finds them on its periodic pass if the nudge comes before commit.
 */
export async function enqueueWebhook(tx: DbOrTx, orgId: string, event: WebhookEvent, payload: Record<string, unknown>): Promise<number> {
  // The people the event concerns hear of it too, in the same transaction (lib/services/notifications.ts).
  await notifyForEvent(tx, orgId, event, payload);
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.active, true)));
  const targets = endpoints.filter((e) => e.events.includes(event));
  if (targets.length === 0) return 0;
  const now = new Date();
  await tx.insert(webhookDeliveries).values(targets.map((e) => ({ orgId, id: newId("dlv"), endpointId: e.id, event, payload, status: "pending" as const, nextAttemptAt: now })));
  // On PostgreSQL a nudge that lands before the commit finds nothing; the periodic pass then sends it.
  kickWebhookDispatcher(50);
  return targets.length;
}

/**
 * The one envelope every webhook event has: `{id, type, createdAt, orgId, actor, data}` (docs/webhooks.md). `data`
 * holds the object as the API answers it, under its kind (`{host}`, `{member}`, `{miniProgram}`, `{organization}`…).
 */
export function eventEnvelope(orgId: string, type: WebhookEvent, actor: string | null | undefined, data: Record<string, unknown>): Record<string, unknown> {
  return { id: newId("evt"), type, createdAt: new Date().toISOString(), orgId, actor: actor ?? null, data };
}

/** Enqueues `type` for the organization's subscribed endpoints, in the caller's transaction, in the one envelope. */
export function emitEvent(tx: DbOrTx, orgId: string, type: WebhookEvent, actor: string | null | undefined, data: Record<string, unknown>): Promise<number> {
  return enqueueWebhook(tx, orgId, type, eventEnvelope(orgId, type, actor, data));
}

export type VersionEvent = Extract<WebhookEvent, `version.${string}`>;

/** The event body receivers get for a version's transition: one event id shared by every endpoint. */
export function versionEventPayload(orgId: string, event: VersionEvent, version: VersionJson, actor?: string | null): Record<string, unknown> {
  return eventEnvelope(orgId, event, actor, { version });
}

/**
 * The hook for version transitions. Call it inside the transition's transaction, after the UPDATE, with
 * the version as it now is, e.g. in versions.ts submit:
 * `await emitVersionEvent(tx, ctx.org.id, "version.submitted", json, ctx.actor.email)`.
 */
export function emitVersionEvent(tx: DbOrTx, orgId: string, event: VersionEvent, version: VersionJson, actor?: string | null): Promise<number> {
  return enqueueWebhook(tx, orgId, event, versionEventPayload(orgId, event, version, actor));
}

// ---- testing an endpoint: a test event, redelivery and the delivery log, for the console and /api/v1 ----

export { TEST_EVENT };

async function findEndpoint(ctx: OrgContext, endpointId: string) {
  if (!isId("whk", endpointId)) throw notFound("Webhook endpoint");
  const [row] = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, ctx.org.id), eq(webhookEndpoints.id, endpointId)))
    .limit(1);
  if (!row) throw notFound("Webhook endpoint");
  return row;
}

async function deliveryById(ctx: OrgContext, deliveryId: string): Promise<WebhookDeliveryJson> {
  const [row] = await ctx.db
    .select({ delivery: webhookDeliveries, url: webhookEndpoints.url })
    .from(webhookDeliveries)
    .leftJoin(webhookEndpoints, and(eq(webhookEndpoints.orgId, webhookDeliveries.orgId), eq(webhookEndpoints.id, webhookDeliveries.endpointId)))
    .where(and(eq(webhookDeliveries.orgId, ctx.org.id), eq(webhookDeliveries.id, deliveryId)))
    .limit(1);
  if (!row) throw notFound("Webhook delivery");
  return deliveryToJson(row.delivery, row.url);
}

/** An endpoint's delivery log, newest first; a foreign or unknown endpoint is 404. */
export async function listEndpointDeliveries(ctx: OrgContext, endpointId: string, page: { limit: number; cursor?: string }) {
  authorize(ctx, "settings.manage");
  await findEndpoint(ctx, endpointId);
  return listWebhookDeliveries(ctx, { ...page, endpointId });
}

/**
 * Sends a `webhook.test` event to one endpoint now, signed as every delivery, and answers the delivery with
 * the attempt's outcome (status code, latency, the answer's first bytes). Failed tests are not retried: a person
 * is watching and sends another.
 */
export async function sendTestEvent(ctx: OrgContext, endpointId: string, opts: DispatchOptions = {}): Promise<WebhookDeliveryJson> {
  authorize(ctx, "settings.manage");
  const id = newId("dlv");
  await ctx.db.transaction(async (tx) => {
    const [endpoint] = await tx
      .select({ id: webhookEndpoints.id, active: webhookEndpoints.active, url: webhookEndpoints.url })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.orgId, ctx.org.id), eq(webhookEndpoints.id, isId("whk", endpointId) ? endpointId : "")))
      .limit(1);
    if (!endpoint) throw notFound("Webhook endpoint");
    if (!endpoint.active) throw conflict("The endpoint is disabled; enable it before sending a test event");
    const payload = {
      id: newId("evt"),
      type: TEST_EVENT,
      createdAt: new Date().toISOString(),
      orgId: ctx.org.id,
      actor: ctx.actor.email,
      data: { endpointId, message: "A test event from Atrium. Verify its Atrium-Signature and answer 2xx." },
    };
    await tx.insert(webhookDeliveries).values({ orgId: ctx.org.id, id, endpointId, event: TEST_EVENT, payload, status: "pending", nextAttemptAt: new Date() });
    await recordAudit(tx, ctx, { action: "webhook.test", objectType: "webhook_endpoint", objectId: endpointId, changes: { deliveryId: id, url: endpoint.url } });
  });
  await attemptDeliveryNow(ctx.db, ctx.org.id, id, opts);
  return deliveryById(ctx, id);
}

/** Sends a delivery of this endpoint again (same payload and event id, signed afresh), now, and answers the new one. */
export async function redeliverWebhook(ctx: OrgContext, endpointId: string, deliveryId: string, opts: DispatchOptions = {}): Promise<WebhookDeliveryJson> {
  authorize(ctx, "settings.manage");
  await findEndpoint(ctx, endpointId);
  if (!isId("dlv", deliveryId)) throw notFound("Webhook delivery");
  const [orig] = await ctx.db
    .select({ endpointId: webhookDeliveries.endpointId })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.orgId, ctx.org.id), eq(webhookDeliveries.id, deliveryId)))
    .limit(1);
  if (!orig || orig.endpointId !== endpointId) throw notFound("Webhook delivery");
  const fresh = await resendWebhookDelivery(ctx, deliveryId, { kick: false });
  await attemptDeliveryNow(ctx.db, ctx.org.id, fresh.id, opts);
  return deliveryById(ctx, fresh.id);
}
