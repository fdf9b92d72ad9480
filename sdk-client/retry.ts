// When to retry a failed request, and how long to wait first.

/** Overload (429), unavailability (503) and any other server fault: the same request may succeed later. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * `Retry-After` in milliseconds from `nowMs`: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Null when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000;
  // Date.parse reads almost anything ("-5" is the year -5); HTTP dates always name a weekday or month.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on a server's `Retry-After`, so a misconfigured header cannot park the client for days. */
  maxRetryAfterMs: number;
  random: () => number;
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random), so clients that failed together
 * do not retry together. A server's `Retry-After` is a floor: never retry earlier than it asked.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const backoff = ceiling / 2 + policy.random() * (ceiling / 2);
  return retryAfterMs === null ? backoff : Math.max(Math.min(retryAfterMs, policy.maxRetryAfterMs), backoff);
}
