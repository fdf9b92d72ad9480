// The wire shapes of the SDK API (CONTRACT §6) and the one error type the client throws.

export type Platform = "ios" | "android" | "harmony" | "windows" | "macos" | "linux" | "web";

export interface ManifestEntry {
  appId: string;
  name: string;
  version: string;
  sha256: string;
  size: number;
  packageUrl: string;
  permissions: string[];
  domains: string[];
  /**
   * CONTRACT §8: present (and true) only on a trial version served to one of its testers. A host app may show it
   * as a trial (WeChat's 体验版 banner) and should not cache it as the mini-program's release.
   */
  trial?: true;
}

export interface Manifest {
  hostId: string;
  generatedAt: string;
  miniPrograms: ManifestEntry[];
}

export type EventType = "launch" | "page_view" | "session_end" | "error" | "custom";

export interface SdkEvent {
  /** 1–64 of `[A-Za-z0-9_-]`; the server deduplicates on it, so a retry must resend the same id. */
  id: string;
  type: EventType;
  appId: string;
  version: string;
  userId: string;
  /** ISO 8601 or epoch milliseconds. */
  ts: string | number;
  platform: Platform;
  /** On `session_end`: 0–86,400,000. */
  durationMs?: number;
  page?: string;
  /** On `custom`. */
  name?: string;
  /** On `error`: at most 2 KiB. */
  message?: string;
}

export interface EventRejection {
  index: number;
  code: string;
  message: string;
}

export interface EventsResponse {
  accepted: number;
  duplicates: number;
  rejected: EventRejection[];
}

/**
 * Every failure the client reports. `code` and `message` come from the server's
 * `{"error": {"code", "message", "details"}}` when it sent one; client-side failures use their own codes
 * (`network_error`, `invalid_response`, `manifest_signature_invalid`, `package_size_mismatch`, `package_hash_mismatch`, `invalid_input`).
 */
export class AtriumSdkError extends Error {
  readonly code: string;
  /** The HTTP status, or null when no response arrived or the failure is the client's own check. */
  readonly status: number | null;
  readonly details: unknown;

  constructor(init: { code: string; message: string; status?: number | null; details?: unknown; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "AtriumSdkError";
    this.code = init.code;
    this.status = init.status ?? null;
    this.details = init.details;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The error a failed response carries, falling back to its status when the body is not the API's shape. */
export async function errorFromResponse(response: Response): Promise<AtriumSdkError> {
  const body: unknown = await response.json().catch(() => undefined);
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.code === "string" && typeof error.message === "string") {
    return new AtriumSdkError({ code: error.code, message: error.message, status: response.status, details: error.details });
  }
  return new AtriumSdkError({ code: `http_${response.status}`, message: `HTTP ${response.status}`, status: response.status });
}

function invalidResponse(what: string): AtriumSdkError {
  return new AtriumSdkError({ code: "invalid_response", message: `The server sent ${what}.` });
}

function isManifestEntry(value: unknown): value is ManifestEntry {
  return (
    isRecord(value) &&
    typeof value.appId === "string" &&
    typeof value.version === "string" &&
    typeof value.sha256 === "string" &&
    typeof value.size === "number" &&
    (value.trial === undefined || value.trial === true)
  );
}

/** Checks the fields the client itself relies on; the rest is passed through as the server sent it. */
export function parseManifest(value: unknown): Manifest {
  if (!isRecord(value) || !Array.isArray(value.miniPrograms) || !value.miniPrograms.every(isManifestEntry)) {
    throw invalidResponse("a manifest without a valid miniPrograms list");
  }
  return value as unknown as Manifest;
}

export function parseEventsResponse(value: unknown): EventsResponse {
  if (!isRecord(value) || typeof value.accepted !== "number" || typeof value.duplicates !== "number") {
    throw invalidResponse("an events answer without accepted and duplicates counts");
  }
  const rejected = Array.isArray(value.rejected) ? (value.rejected as EventRejection[]) : [];
  return { accepted: value.accepted, duplicates: value.duplicates, rejected };
}
