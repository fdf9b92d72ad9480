// One error type with codes (CONTRACT §3). Clients see the code and a safe message, never a stack.
export const ERROR_STATUS = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid_input: 422,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = "Object") => new AppError("not_found", `${what} not found`);
export const forbidden = (message = "You are not allowed to do this") => new AppError("forbidden", message);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, details);
export const invalidInput = (message: string, details?: unknown) => new AppError("invalid_input", message, details);

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

/** Connection-level failures of either driver: the database cannot take work right now. */
export function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: string; cause?: unknown; message?: string } | null;
  if (!err || typeof err !== "object") return false;
  const code = err.code ?? "";
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"].includes(code)) return true;
  // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections, 08xxx connection exceptions
  if (/^(57P0[123]|53300|08\d\d\d)$/.test(code)) return true;
  return err.cause !== undefined && err.cause !== e && isDatabaseUnavailable(err.cause);
}

/**
 * The pooled connection a query went out on had been closed by the server before it (57P01 when PostgreSQL shut
 * down or a backend was terminated, 57P02 after a crash, 57P03 for a connection opened while it was shutting down)
 * or by the driver (postgres.js's CONNECTION_*): the server never ran the statement, or rolled back what it had
 * begun. After PostgreSQL restarts, postgres.js fails a query here and there with such an error from before the
 * restart, with the server up and every other connection working (the fault test "stop PostgreSQL mid-ingest": one
 * to four batches answered 503 about 1.7 s after the restart, 57P01 or 57P03).
 * A refused connection (ECONNREFUSED) is not stale: the server is down, and asking again at once helps no one.
 */
export function isStaleConnection(e: unknown, depth = 0): boolean {
  const err = e as { code?: unknown; cause?: unknown } | null;
  if (!err || typeof err !== "object" || depth > 5) return false;
  if (typeof err.code === "string" && ["57P01", "57P02", "57P03", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED"].includes(err.code)) return true;
  return err.cause !== undefined && err.cause !== e && isStaleConnection(err.cause, depth + 1);
}

/** Attempts a statement gets when its connections turn out stale: a pool holds a few, each fails once. */
export const STALE_CONNECTION_ATTEMPTS = 6;

/**
 * Runs `fn` again while it fails on a stale connection (at most STALE_CONNECTION_ATTEMPTS in all). Only for work
 * that is safe to run twice: a read, or a write that is idempotent by its keys (event ingestion), because a
 * connection can also die after the server committed but before the answer arrived.
 */
export async function retryOnStaleConnection<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= STALE_CONNECTION_ATTEMPTS || !isStaleConnection(e)) throw e;
    }
  }
}

/**
 * The database gave up on a transaction because another one changed the same rows at the same time
 * (40001 serialization failure, 40P01 deadlock): nothing was written, and the caller may retry.
 */
export function isConcurrentUpdateFailure(e: unknown, depth = 0): boolean {
  const err = e as { code?: unknown; cause?: unknown } | null;
  if (!err || typeof err !== "object" || depth > 5) return false;
  if (err.code === "40001" || err.code === "40P01") return true;
  return err.cause !== undefined && err.cause !== e && isConcurrentUpdateFailure(err.cause, depth + 1);
}

/** Maps anything thrown to the public error shape; unknown errors are logged and hidden. */
export function toErrorBody(e: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (e instanceof AppError) {
    const error: ErrorBody["error"] = { code: e.code, message: e.message };
    if (e.details !== undefined) error.details = e.details;
    return { status: e.status, body: { error }, headers: e.headers };
  }
  if (isDatabaseUnavailable(e)) {
    return {
      status: 503,
      body: { error: { code: "unavailable", message: "The service is temporarily unavailable; retry shortly" } },
      headers: { "Retry-After": "5" },
    };
  }
  if (isConcurrentUpdateFailure(e)) {
    return { status: 409, body: { error: { code: "conflict", message: "Someone else changed this at the same time; nothing was saved, try again" } } };
  }
  console.error("[atrium] unexpected error", e);
  return { status: 500, body: { error: { code: "internal", message: "Internal error" } } };
}
