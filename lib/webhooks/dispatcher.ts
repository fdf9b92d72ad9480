// Delivers pending webhook deliveries: signs, sends with a 5 s deadline, records the answer, and schedules
// retries with backoff. It runs inside the server process (on PGlite no other process may open the
// database), started lazily: each enqueue kicks it, and a periodic timer picks up retries and anything
// enqueued while it slept. Nothing here ever throws into the action that enqueued the work.
import { and, asc, eq, lte } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secrets";
import { SIGNATURE_HEADER, signatureHeader } from "./signing";
import { sendWebhookRequest, type Sender } from "./transport";
import { webhookUrlPolicy } from "./url-policy";

/** Waits after the 1st, 2nd, … failed attempt; after the last one the delivery is given up. */
export const RETRY_DELAYS_MS = [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const DELIVERY_TIMEOUT_MS = 5_000;
/**
 * The event "send a test event" delivers, signed and shaped like every other. It is attempted once: a person is
 * watching the outcome and sends another, so a failed test is not retried for hours.
 */
export const TEST_EVENT = "webhook.test";
/** While an attempt runs, its row is leased this long, so a second dispatcher does not send it too. */
const LEASE_MS = 60_000;
const BATCH = 10;
const PERIOD_MS = 5_000;

export type DispatchOptions = { now?: Date; send?: Sender; limit?: number };
export type DispatchReport = { attempted: number; succeeded: number; retrying: number; failed: number };

export function retryDelayMs(attempts: number): number | null {
  return attempts >= MAX_ATTEMPTS ? null : RETRY_DELAYS_MS[attempts - 1] ?? null;
}

/**
 * Attempts every delivery due at `now` (oldest first, at most `limit`). The clock is a parameter so
 * tests can step through the retry schedule without waiting.
 */
export async function runDueDeliveries(db: Db, opts: DispatchOptions = {}): Promise<DispatchReport> {
  const now = opts.now ?? new Date();
  const send = opts.send ?? sendWebhookRequest;
  const report: DispatchReport = { attempted: 0, succeeded: 0, retrying: 0, failed: 0 };
  const due = await db
    .select({ delivery: webhookDeliveries, url: webhookEndpoints.url, secretEnc: webhookEndpoints.secretEnc, active: webhookEndpoints.active })
    .from(webhookDeliveries)
    .leftJoin(webhookEndpoints, and(eq(webhookEndpoints.orgId, webhookDeliveries.orgId), eq(webhookEndpoints.id, webhookDeliveries.endpointId)))
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(opts.limit ?? BATCH);
  await Promise.all(
    due.map(async ({ delivery, url, secretEnc, active }) => {
      if (!(await lease(db, delivery, now))) return;
      const outcome = await attempt(db, delivery, { url, secretEnc, active }, now, send);
      report.attempted += 1;
      report[outcome] += 1;
    }),
  );
  return report;
}

/**
 * Attempts one pending delivery now, whatever its schedule (a test event, a redelivery a person asked for),
 * and waits for the outcome. Another dispatcher that leased it first wins; then this does nothing.
 */
export async function attemptDeliveryNow(db: Db, orgId: string, deliveryId: string, opts: DispatchOptions = {}): Promise<void> {
  const now = opts.now ?? new Date();
  const [row] = await db
    .select({ delivery: webhookDeliveries, url: webhookEndpoints.url, secretEnc: webhookEndpoints.secretEnc, active: webhookEndpoints.active })
    .from(webhookDeliveries)
    .leftJoin(webhookEndpoints, and(eq(webhookEndpoints.orgId, webhookDeliveries.orgId), eq(webhookEndpoints.id, webhookDeliveries.endpointId)))
    .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "pending")))
    .limit(1);
  if (!row) return;
  // Made due at creation, so the lease (which wants a due row) takes it unless a dispatcher already has.
  if (!(await lease(db, row.delivery, now))) return;
  await attempt(db, row.delivery, { url: row.url, secretEnc: row.secretEnc, active: row.active }, now, opts.send ?? sendWebhookRequest);
}

async function lease(db: Db, d: WebhookDelivery, now: Date): Promise<boolean> {
  const rows = await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
    .where(
      and(
        eq(webhookDeliveries.orgId, d.orgId),
        eq(webhookDeliveries.id, d.id),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.attempts, d.attempts),
        // Still due: a dispatcher that leased it first has moved it into the future.
        lte(webhookDeliveries.nextAttemptAt, now),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.length === 1;
}

type Target = { url: string | null; secretEnc: string | null; active: boolean | null };

async function attempt(db: Db, d: WebhookDelivery, target: Target, now: Date, send: Sender): Promise<"succeeded" | "retrying" | "failed"> {
  const where = and(eq(webhookDeliveries.orgId, d.orgId), eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.status, "pending"));
  if (!target.url || !target.secretEnc || !target.active) {
    // A disabled or deleted endpoint gets nothing; a resend after enabling it starts over.
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", nextAttemptAt: null, lastError: "The endpoint is disabled", lastAttemptAt: now })
      .where(where);
    return "failed";
  }
  const body = JSON.stringify(d.payload);
  const timestamp = Math.floor(now.getTime() / 1000);
  let result: { statusCode: number | null; error: string | null; responseSnippet?: string | null };
  const started = performance.now();
  try {
    const secret = decryptSecret(target.secretEnc);
    result = await send({
      url: target.url,
      body,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Atrium-Webhooks/1.0",
        [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, body),
        "Atrium-Event": d.event,
        "Atrium-Delivery": d.id,
      },
      timeoutMs: DELIVERY_TIMEOUT_MS,
      blockPrivate: webhookUrlPolicy().blockPrivate,
    });
  } catch (e) {
    console.error("[atrium] webhook delivery failed unexpectedly", d.id, e);
    result = { statusCode: null, error: "Internal error while sending" };
  }
  const durationMs = Math.max(0, Math.round(performance.now() - started));
  const attempts = d.attempts + 1;
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const delay = ok || d.event === TEST_EVENT ? null : retryDelayMs(attempts);
  const status = ok ? "succeeded" : delay === null ? "failed" : "pending";
  await db
    .update(webhookDeliveries)
    .set({
      status,
      attempts,
      lastStatusCode: result.statusCode,
      lastError: result.error,
      lastAttemptAt: now,
      lastDurationMs: durationMs,
      lastResponseSnippet: result.responseSnippet ?? null,
      deliveredAt: ok ? now : null,
      nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay),
    })
    .where(where);
  return ok ? "succeeded" : delay === null ? "failed" : "retrying";
}

// ---- the in-process loop ----

type LoopState = { auto: boolean; running: boolean; again: boolean; timer?: ReturnType<typeof setInterval> };
const g = globalThis as typeof globalThis & { __atriumWebhookLoop?: LoopState };
const loop = (): LoopState => (g.__atriumWebhookLoop ??= { auto: true, running: false, again: false });

/** Tests drive `runDueDeliveries` themselves; this keeps the background loop from racing them. */
export function setWebhookDispatcherAuto(on: boolean): void {
  const state = loop();
  state.auto = on;
  if (!on && state.timer) {
    clearInterval(state.timer);
    state.timer = undefined;
  }
}

/** Asks the loop to look for due deliveries soon; starts the periodic timer on first use. Never throws. */
export function kickWebhookDispatcher(delayMs = 0): void {
  const state = loop();
  if (!state.auto) return;
  if (!state.timer) {
    state.timer = setInterval(() => void runLoop(), PERIOD_MS);
    // The timer must never keep a script or test process alive.
    state.timer.unref?.();
  }
  setTimeout(() => void runLoop(), delayMs).unref?.();
}

async function runLoop(): Promise<void> {
  const state = loop();
  if (!state.auto) return;
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  try {
    const db = await getDb();
    do {
      state.again = false;
      const r = await runDueDeliveries(db);
      // A full batch means more may be due right now.
      if (r.attempted >= BATCH) state.again = true;
    } while (state.again && state.auto);
  } catch (e) {
    console.error("[atrium] webhook dispatcher", e);
  } finally {
    state.running = false;
  }
}
