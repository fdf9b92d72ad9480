import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { dueBy, openLoop, runOpenLoop } from "./open-loop";

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that answers at once, except that the request numbered `stallAt` waits `stallMs` first. */
async function serve(stallAt = -1, stallMs = 0): Promise<string> {
  let n = 0;
  server = http.createServer((req, res) => {
    const i = n++;
    const answer = () => res.end(req.url === "/missing" ? "no" : "{}");
    if (req.url === "/missing") res.statusCode = 404;
    if (i === stallAt) setTimeout(answer, stallMs);
    else answer();
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("dueBy", () => {
  it("makes request 0 due at once and one more every 1/rate", () => {
    expect(dueBy(-1, 100)).toBe(0);
    expect(dueBy(0, 100)).toBe(1);
    expect(dueBy(9.9, 100)).toBe(1);
    expect(dueBy(10, 100)).toBe(2);
    expect(dueBy(1000, 100)).toBe(101);
  });
});

describe("runOpenLoop", () => {
  it("sends exactly rate × seconds requests and counts the answers by status", async () => {
    const url = await serve();
    const r = await runOpenLoop({ url, rate: 200, seconds: 0.5, connections: 4, requests: [{ path: "/" }, { path: "/missing" }] });
    expect(r.sent).toBe(100);
    expect(r.ok).toBe(50);
    expect(r.non2xx).toBe(50);
    expect(r.errors).toBe(0);
    expect(r.latency.n).toBe(100);
  });

  it("times each request from when it was due, so a stall counts against every request queued behind it", async () => {
    // One connection, a request due every 10 ms, the 5th answer held for 300 ms: the ~29 requests due meanwhile wait
    // for the connection. Timed from when they were sent, only the stalled one would be slow.
    const url = await serve(5, 300);
    const r = await runOpenLoop({ url, rate: 100, seconds: 1, connections: 1 });
    expect(r.sent).toBe(100);
    expect(r.ok).toBe(100);
    expect(r.latency.max).toBeGreaterThanOrEqual(300);
    // At least 20 requests were due during the stall, about 20 of them at least 100 ms late.
    expect(r.latency.p95).toBeGreaterThanOrEqual(100);
  });

  it("counts its own lateness: requests due while the generator was blocked are timed from when they were due", async () => {
    const url = await serve();
    // 200 ms into the schedule, block this process (generator and server alike) for 200 ms: the ~20 requests due
    // meanwhile go out late, and that lateness is latency (a user would have waited it).
    setTimeout(() => {
      const t = performance.now();
      while (performance.now() - t < 200);
    }, 200);
    const r = await runOpenLoop({ url, rate: 100, seconds: 1, connections: 4 });
    expect(r.ok).toBe(100);
    expect(r.latency.max).toBeGreaterThanOrEqual(150);
    expect(r.latency.p95).toBeGreaterThanOrEqual(50);
  });

  it("counts requests that never get an answer as errors", async () => {
    const url = "http://127.0.0.1:9"; // discard port: nothing listens
    const r = await runOpenLoop({ url, rate: 50, seconds: 0.2, connections: 2, drainMs: 2_000 });
    expect(r.sent).toBe(10);
    expect(r.ok).toBe(0);
    expect(r.errors).toBe(10);
  });
});

describe("openLoop", () => {
  it("runs the schedule in a child process and returns its result", async () => {
    const url = await serve();
    const r = await openLoop({ url, rate: 100, seconds: 0.3, connections: 2 });
    expect(r.sent).toBe(30);
    expect(r.ok).toBe(30);
  });
});
