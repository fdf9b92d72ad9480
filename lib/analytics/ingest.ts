// POST /api/sdk/v1/events (CONTRACT §6): parse the batch, check each event on its own, keep the good ones
// exactly once, and fold them into the rollups in the same atomic write.
import type { DbOrTx } from "@/db";
import { AppError, isDatabaseUnavailable, retryOnStaleConnection } from "@/lib/errors";
import { storeEvents, type StoredPart } from "./queries/coalesce";
import { insertEvents, type InsertPart } from "./queries/insert-events";
import { noteStatsWritten } from "./stats-cache";
import { noteUserDays } from "./user-set-folder";
import { checkEvent, MAX_EVENT_AGE_MS, MAX_EVENTS_PER_BATCH, type Rejection, type ValidEvent } from "./validate";

export type IngestResult = { accepted: number; duplicates: number; rejected: Rejection[] };

export type IngestHost = { orgId: string; id: string };

/** How long a client should wait before resending a batch the database could not take. */
export const RETRY_AFTER_SECONDS = 5;
// Deadlock and serialization failures are transient by nature: the same statement succeeds when run again.
const RETRYABLE_SQLSTATES = new Set(["40P01", "40001"]);
const MAX_ATTEMPTS = 3;

/** The events array of a request body, or an error in the API's shape. */
export function parseBatch(body: Buffer): unknown[] {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new AppError("invalid_input", 'The body must be UTF-8 JSON: {"events": [...]}');
  }
  const events = typeof data === "object" && data !== null && !Array.isArray(data) ? (data as { events?: unknown }).events : undefined;
  if (!Array.isArray(events)) throw new AppError("invalid_input", 'The body must be {"events": [...]}');
  if (events.length > MAX_EVENTS_PER_BATCH) {
    throw new AppError("payload_too_large", `At most ${MAX_EVENTS_PER_BATCH} events per request; this one has ${events.length}`);
  }
  return events;
}

function sqlState(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === "object" && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One statement, tried again on a transient failure. */
async function insertWithRetries(db: DbOrTx, orgId: string, parts: InsertPart[]) {
  for (let attempt = 1; ; attempt++) {
    try {
      // A connection left stale by a PostgreSQL restart is tried again at once: the statement is idempotent by
      // event id (a batch whose commit was lost with its connection counts as duplicates), and the client
      // would otherwise wait out a Retry-After with the database back.
      return await retryOnStaleConnection(() => insertEvents(db, orgId, parts));
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS || !RETRYABLE_SQLSTATES.has(sqlState(e) ?? "")) throw e;
    }
  }
}

export async function ingestEvents(db: DbOrTx, host: IngestHost, body: Buffer, now: number): Promise<IngestResult> {
  const raw = parseBatch(body);
  const rejected: Rejection[] = [];
  const checked: { index: number; event: ValidEvent }[] = [];
  for (const [index, item] of raw.entries()) {
    const c = checkEvent(item, now);
    if (c.ok) checked.push({ index, event: c.event });
    else rejected.push({ index, code: c.code, message: c.message });
  }
  try {
    // One statement reads the host's assignments and stores the events of assigned mini-programs (the first of
    // each id), with the batches of the organization's other requests waiting at that moment (./queries/coalesce.ts);
    // the rest of the verdicts follow here from the assignments it read, with the same rules.
    const stored: StoredPart =
      checked.length === 0
        ? { inserted: 0, assignedAppIds: new Set(), newUserDays: 0 }
        : await storeEvents(db, host.orgId, { hostId: host.id, events: checked.map((c) => c.event) }, (orgId, parts) => insertWithRetries(db, orgId, parts));
    // The user-days it added wait in pending_user_days for the background fold; many of them wake it early.
    noteUserDays(host.orgId, stored.newUserDays);
    // No stored event is older than checkEvent's bound: only a clock behind this process's (tests, scripts) reaches
    // a day the closed-days cache holds.
    if (stored.inserted > 0) noteStatsWritten(host.orgId, now - MAX_EVENT_AGE_MS);
    // Within one batch the first of several events with one id is the event; the rest are its duplicates.
    const seen = new Set<string>();
    let duplicates = 0;
    let kept = 0;
    for (const { index, event } of checked) {
      if (!stored.assignedAppIds.has(event.appId)) {
        rejected.push({ index, code: "not_assigned", message: `${event.appId} is not assigned to this host app` });
      } else if (seen.has(event.id)) {
        duplicates++;
      } else {
        seen.add(event.id);
        kept++;
      }
    }
    rejected.sort((a, b) => a.index - b.index);
    return { accepted: stored.inserted, duplicates: duplicates + kept - stored.inserted, rejected };
  } catch (e) {
    if (e instanceof AppError) throw e;
    // Whatever the cause, the one statement kept nothing: the client may resend the very same batch.
    if (!isDatabaseUnavailable(e)) console.error("[atrium] event ingestion failed", e);
    throw new AppError("unavailable", "The events could not be stored; none of this batch was kept. Retry shortly.", undefined, {
      "Retry-After": String(RETRY_AFTER_SECONDS),
    });
  }
}
