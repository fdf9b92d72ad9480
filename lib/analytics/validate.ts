// One SDK event, checked on its own (CONTRACT §6): a bad event is listed with its index and a code, and
// never spoils the rest of its batch.
import { EVENT_TYPES, PLATFORMS, type EventType, type Platform } from "@/db/schema";
import { isValidAppId } from "@/lib/services/mini-programs";
import { isUnsafeText, UNSAFE_TEXT_MESSAGE } from "@/lib/validation";
import { DAY_MS, isDay } from "./dates";

export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_EVENT_AGE_MS = 7 * DAY_MS;
export const MAX_EVENT_LEAD_MS = 5 * 60_000;
export const MAX_DURATION_MS = 86_400_000;
export const MAX_MESSAGE_BYTES = 2048;
export const MAX_PAGE_CHARS = 512;
export const MAX_NAME_CHARS = 128;
export const MAX_USER_ID_CHARS = 128;
export const MAX_VERSION_CHARS = 64;

export type RejectionCode = "invalid_event" | "stale_timestamp" | "future_timestamp" | "not_assigned";
export type Rejection = { index: number; code: RejectionCode; message: string };

/** An event as it is stored: the timestamp normalised to ISO 8601 in UTC. */
export type ValidEvent = {
  id: string;
  type: EventType;
  appId: string;
  version: string;
  userId: string;
  platform: Platform;
  /** ISO 8601 in UTC, millisecond precision. */
  ts: string;
  durationMs: number | null;
  page: string | null;
  name: string | null;
  message: string | null;
};

export type Checked = { ok: true; event: ValidEvent } | { ok: false; code: RejectionCode; message: string };

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/;
// ISO 8601 date-time with an explicit offset: without one, the instant would depend on the server's zone.
const ISO_PATTERN = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/i;
const EPOCH_DIGITS = /^\d{1,16}$/;
const types: readonly string[] = EVENT_TYPES;
const platforms: readonly string[] = PLATFORMS;

const bad = (message: string): Checked => ({ ok: false, code: "invalid_event", message });

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Epoch milliseconds of `ts`, or null when it is neither ISO 8601 nor an integer count of milliseconds. */
export function parseTimestamp(ts: unknown): number | null {
  if (typeof ts === "number") return Number.isSafeInteger(ts) && ts >= 0 ? ts : null;
  if (typeof ts !== "string") return null;
  if (EPOCH_DIGITS.test(ts)) return Number(ts);
  const m = ISO_PATTERN.exec(ts);
  // Date.parse would roll 2023-02-30 over into March; a real calendar day is required.
  if (!m || !isDay(m[1]!)) return null;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? null : ms;
}

function optionalText(raw: Record<string, unknown>, field: string, max: number): string | null | Error {
  const v = raw[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") return new Error(`"${field}" must be a string`);
  if (v.length > max) return new Error(`"${field}" is over ${max} characters`);
  if (isUnsafeText(v)) return new Error(`"${field}" ${UNSAFE_TEXT_MESSAGE.toLowerCase()}`);
  return v;
}

/** Shape and time window; whether the app is assigned to the host is the caller's check. */
export function checkEvent(raw: unknown, now: number): Checked {
  if (!isRecord(raw)) return bad("An event must be a JSON object");
  const { id, type, appId, version, userId, platform } = raw;
  if (typeof id !== "string" || !ID_PATTERN.test(id)) return bad('"id" must be 1–64 of A–Z, a–z, 0–9, "_" and "-"');
  if (typeof type !== "string" || !types.includes(type)) return bad(`"type" must be one of ${EVENT_TYPES.join(", ")}`);
  if (typeof appId !== "string" || !isValidAppId(appId)) return bad('"appId" must be a mini-program app ID such as com.example.coupons');
  if (typeof version !== "string" || version.length > MAX_VERSION_CHARS || !VERSION_PATTERN.test(version)) {
    return bad(`"version" must be a version such as 1.2.0 (at most ${MAX_VERSION_CHARS} characters)`);
  }
  if (typeof userId !== "string" || userId.length < 1 || userId.length > MAX_USER_ID_CHARS) {
    return bad(`"userId" must be 1–${MAX_USER_ID_CHARS} characters`);
  }
  // NUL cannot be stored and a lone surrogate is not text: without this the whole batch would fail to commit
  // (a 503 the SDK retries for ever) instead of this one event being rejected.
  if (isUnsafeText(userId)) return bad(`"userId" ${UNSAFE_TEXT_MESSAGE.toLowerCase()}`);
  if (typeof platform !== "string" || !platforms.includes(platform)) return bad(`"platform" must be one of ${PLATFORMS.join(", ")}`);

  let durationMs: number | null = null;
  if (raw.durationMs !== undefined && raw.durationMs !== null) {
    const d = raw.durationMs;
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0 || d > MAX_DURATION_MS) {
      return bad(`"durationMs" must be an integer from 0 to ${MAX_DURATION_MS}`);
    }
    durationMs = d;
  }
  if (type === "session_end" && durationMs === null) return bad('A "session_end" event needs "durationMs"');

  const page = optionalText(raw, "page", MAX_PAGE_CHARS);
  if (page instanceof Error) return bad(page.message);
  const name = optionalText(raw, "name", MAX_NAME_CHARS);
  if (name instanceof Error) return bad(name.message);
  const message = optionalText(raw, "message", MAX_MESSAGE_BYTES);
  if (message instanceof Error) return bad(message.message);
  if (message !== null && Buffer.byteLength(message, "utf8") > MAX_MESSAGE_BYTES) return bad(`"message" is over ${MAX_MESSAGE_BYTES} bytes`);

  const ms = parseTimestamp(raw.ts);
  if (ms === null) return bad('"ts" must be ISO 8601 with a time zone, or epoch milliseconds');
  if (ms < now - MAX_EVENT_AGE_MS) return { ok: false, code: "stale_timestamp", message: '"ts" is more than 7 days in the past' };
  if (ms > now + MAX_EVENT_LEAD_MS) return { ok: false, code: "future_timestamp", message: '"ts" is more than 5 minutes in the future' };

  return {
    ok: true,
    event: {
      id,
      type: type as EventType,
      appId,
      version,
      userId,
      platform: platform as Platform,
      ts: new Date(ms).toISOString(),
      // Stored where it means something: the length of a session.
      durationMs: type === "session_end" ? durationMs : null,
      page,
      name,
      message,
    },
  };
}
