import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, isStaleConnection, retryOnStaleConnection, STALE_CONNECTION_ATTEMPTS } from "./errors";

// As drizzle hands them over: its own error, with the driver's as the cause.
const wrapped = (code: string) => Object.assign(new Error("Failed query: select 1"), { cause: Object.assign(new Error(code), { code }) });

describe("a stale connection", () => {
  it("is a connection the server or the driver had closed before the statement ran, not a server that is down", () => {
    for (const code of ["57P01", "57P02", "57P03", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED"]) {
      expect(isStaleConnection(wrapped(code)), code).toBe(true);
      // Still unavailable where nothing tries again: the API answers 503 with Retry-After.
      expect(isDatabaseUnavailable(wrapped(code)), code).toBe(true);
    }
    for (const code of ["ECONNREFUSED", "CONNECT_TIMEOUT", "40P01", "23505", "53300"]) expect(isStaleConnection(wrapped(code)), code).toBe(false);
    expect(isStaleConnection(new Error("no code"))).toBe(false);
    expect(isStaleConnection(null)).toBe(false);
  });

  it("is tried again at once, and the first answer that comes back is the result", async () => {
    let calls = 0;
    const result = await retryOnStaleConnection(async () => {
      calls++;
      if (calls < 3) throw wrapped(calls === 1 ? "57P01" : "CONNECTION_CLOSED");
      return "rows";
    });
    expect(result).toBe("rows");
    expect(calls).toBe(3);
  });

  it("is tried at most STALE_CONNECTION_ATTEMPTS times; any other failure is not tried again", async () => {
    let calls = 0;
    await expect(
      retryOnStaleConnection(async () => {
        calls++;
        throw wrapped("57P03");
      }),
    ).rejects.toThrow("Failed query");
    expect(calls).toBe(STALE_CONNECTION_ATTEMPTS);

    for (const code of ["ECONNREFUSED", "23505"]) {
      calls = 0;
      await expect(
        retryOnStaleConnection(async () => {
          calls++;
          throw wrapped(code);
        }),
      ).rejects.toThrow("Failed query");
      expect(calls, code).toBe(1);
    }
  });
});
