// Per-key token buckets held in this process's memory. Enough for one server; several servers behind a
// balancer each allow the full rate, which errs on the side of serving (limits are a guard, not a quota).

export type RateLimitOptions = {
  /** Tokens added per second; 0 turns limiting off. */
  ratePerSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
  /** Buckets kept; the least recently used goes first (a full bucket and a forgotten one behave alike). */
  maxKeys?: number;
  now?: () => number;
};

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export type RateLimiter = { take(key: string): RateDecision; readonly size: number };

export function createRateLimiter({ ratePerSecond, burst, maxKeys = 50_000, now = Date.now }: RateLimitOptions): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const capacity = Math.max(1, burst);
  return {
    take(key) {
      if (!(ratePerSecond > 0)) return { ok: true };
      const t = now();
      const prev = buckets.get(key);
      buckets.delete(key);
      const tokens = prev ? Math.min(capacity, prev.tokens + ((t - prev.at) / 1000) * ratePerSecond) : capacity;
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: t });
        while (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
        return { ok: true };
      }
      buckets.set(key, { tokens, at: t });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)) };
    },
    get size() {
      return buckets.size;
    },
  };
}

/** Positive number from the environment, or the fallback when unset or malformed. */
export function envNumber(name: string, fallback: number, env: Record<string, string | undefined> = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}
