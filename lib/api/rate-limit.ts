// Per-token rate limits of /api/v1 (CONTRACT §10), with rate-limiter-flexible's fixed-window limiter held in
// the server's memory. That is exact on PGlite (one process may open the database, so one server process),
// and per process on PostgreSQL: N console processes behind a balancer admit up to N × the limit. Headers
// follow the IETF draft (RateLimit-Limit / -Remaining / -Reset, RateLimit-Policy) plus Retry-After on 429.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "@/lib/errors";

export type RateLimitConfig = { limit: number; windowSeconds: number };

const DEFAULT_LIMIT = 1000;
const DEFAULT_WINDOW_SECONDS = 60;

function positiveInt(raw: string | undefined, fallback: number, allowZero: boolean): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) return fallback;
  return n;
}

/** `API_RATE_LIMIT` requests per `API_RATE_LIMIT_WINDOW_SECONDS` per token; a limit of 0 turns limiting off. */
export function rateLimitConfigFromEnv(env: Record<string, string | undefined> = process.env): RateLimitConfig {
  return {
    limit: positiveInt(env.API_RATE_LIMIT, DEFAULT_LIMIT, true),
    windowSeconds: positiveInt(env.API_RATE_LIMIT_WINDOW_SECONDS, DEFAULT_WINDOW_SECONDS, false),
  };
}

type State = { config: RateLimitConfig; limiter: RateLimiterMemory | null };
const g = globalThis as typeof globalThis & { __atriumApiRateLimit?: State };

function build(config: RateLimitConfig): State {
  return { config, limiter: config.limit > 0 ? new RateLimiterMemory({ points: config.limit, duration: config.windowSeconds, keyPrefix: "api" }) : null };
}

function state(): State {
  return (g.__atriumApiRateLimit ??= build(rateLimitConfigFromEnv()));
}

/** Tests set a small limit (or none) without touching the environment; `undefined` goes back to it. */
export function setRateLimitForTests(config: RateLimitConfig | undefined): void {
  g.__atriumApiRateLimit = build(config ?? rateLimitConfigFromEnv());
}

export type RateLimitHeaders = Record<string, string>;

function headersOf(config: RateLimitConfig, res: RateLimiterRes): RateLimitHeaders {
  const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return {
    "RateLimit-Limit": String(config.limit),
    "RateLimit-Remaining": String(Math.max(0, res.remainingPoints)),
    "RateLimit-Reset": String(reset),
    "RateLimit-Policy": `${config.limit};w=${config.windowSeconds}`,
  };
}

/**
 * Counts one request of a token: the headers to send with its answer, or a 429 `rate_limited` carrying them
 * and Retry-After.
 */
export async function consumeRateLimit(tokenId: string): Promise<RateLimitHeaders> {
  const { config, limiter } = state();
  if (!limiter) return {};
  try {
    return headersOf(config, await limiter.consume(tokenId));
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    const headers = headersOf(config, e);
    throw new AppError(
      "rate_limited",
      `This API token made more than ${config.limit} requests in ${config.windowSeconds} s; retry after ${headers["RateLimit-Reset"]} s`,
      { limit: config.limit, windowSeconds: config.windowSeconds, retryAfterSeconds: Number(headers["RateLimit-Reset"]) },
      { ...headers, "Retry-After": headers["RateLimit-Reset"]! },
    );
  }
}
