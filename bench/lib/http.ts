// HTTP clients of the benchmark: autocannon for throughput and latency under concurrency, and a keep-alive
// node:http client for sequential timings (time to first byte and to the last byte of the body).
import http from "node:http";
import autocannon from "autocannon";
import { signRequest } from "@/lib/sdk/signing";

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export type Timed = { status: number; ttfbMs: number; totalMs: number; body: string };

/** One GET: TTFB is when the status line and headers arrived, total when the body ended. */
export function timedGet(url: string, headers: Record<string, string> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      const ttfbMs = performance.now() - t0;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ttfbMs, totalMs: performance.now() - t0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

export function timedPost(url: string, body: string, headers: Record<string, string>): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(url, { method: "POST", agent, headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const ttfbMs = performance.now() - t0;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ttfbMs, totalMs: performance.now() - t0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Headers of a signed SDK request (CONTRACT §6), signed now. */
export function sdkHeaders(key: string, secret: string, method: string, pathWithQuery: string, body = ""): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "x-mp-key": key,
    "x-mp-timestamp": String(timestamp),
    "x-mp-signature": signRequest({ secret, method, pathWithQuery, body, timestamp }),
  };
}

export type CannonResult = autocannon.Result;

/** autocannon as a promise. */
export function cannon(opts: autocannon.Options, onInstance?: (i: autocannon.Instance) => void): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    onInstance?.(instance);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
