// Per-token rate limits of /api/v1 (CONTRACT §10): headers on every answer, 429 rate_limited with Retry-After.
import { afterAll, describe, expect, it } from "vitest";
import { inProcessFetch } from "@/test/api-router";
import { useSeededDb } from "@/test/seeded";
import { rateLimitConfigFromEnv, setRateLimitForTests } from "./rate-limit";

useSeededDb();
const api = inProcessFetch();
afterAll(() => setRateLimitForTests({ limit: 0, windowSeconds: 60 }));

const get = (token: string, path = "/api/v1/hosts") => api(`http://atrium.test${path}`, { headers: { authorization: `Bearer ${token}` } });

describe("API rate limits", () => {
  it("counts each token's requests, and answers 429 rate_limited with Retry-After over the limit", async () => {
    setRateLimitForTests({ limit: 3, windowSeconds: 60 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await get("t_admin_demo");
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("3");
      expect(res.headers.get("ratelimit-policy")).toBe("3;w=60");
      expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
      remaining.push(res.headers.get("ratelimit-remaining")!);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const over = await get("t_admin_demo");
    expect(over.status).toBe(429);
    const body = await over.json();
    expect(body.error.code).toBe("rate_limited");
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.headers.get("ratelimit-remaining")).toBe("0");
    // Writes are refused as well, and another token is not affected.
    const write = await api("http://atrium.test/api/v1/mini-programs", {
      method: "POST",
      headers: { authorization: "Bearer t_admin_demo", "content-type": "application/json" },
      body: JSON.stringify({ appId: "com.rate.limited", name: "Never" }),
    });
    expect(write.status).toBe(429);
    expect((await get("t_owner_demo")).status).toBe(200);
  });

  it("opens again when the window ends", async () => {
    setRateLimitForTests({ limit: 1, windowSeconds: 1 });
    expect((await get("t_reviewer_demo")).status).toBe(200);
    expect((await get("t_reviewer_demo")).status).toBe(429);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get("t_reviewer_demo")).status).toBe(200);
  });

  it("does not count requests without a valid token (they are 401 before any budget)", async () => {
    setRateLimitForTests({ limit: 1, windowSeconds: 60 });
    const res = await get("nope");
    expect(res.status).toBe(401);
    expect(res.headers.get("ratelimit-limit")).toBeNull();
  });

  it("is configured from the environment, and a limit of 0 turns it off", async () => {
    expect(rateLimitConfigFromEnv({})).toEqual({ limit: 1000, windowSeconds: 60 });
    expect(rateLimitConfigFromEnv({ API_RATE_LIMIT: "50", API_RATE_LIMIT_WINDOW_SECONDS: "10" })).toEqual({ limit: 50, windowSeconds: 10 });
    expect(rateLimitConfigFromEnv({ API_RATE_LIMIT: "lots", API_RATE_LIMIT_WINDOW_SECONDS: "-1" })).toEqual({ limit: 1000, windowSeconds: 60 });
    setRateLimitForTests({ limit: 0, windowSeconds: 60 });
    for (let i = 0; i < 5; i++) {
      const res = await get("t_analyst_demo");
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
    }
  });
});
