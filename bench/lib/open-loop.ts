// An open-loop load generator for latency at a fixed rate (the manifest's "p99 at half of max"): request i is due at
// start + i / rate, whatever the server did with the ones before it, and its latency runs from when it was due, not
// from when a free connection sent it. A stall therefore counts against every request it delayed, as a user would
// see it (wrk2's correction for coordinated omission, made by the schedule itself).
//
// Why not autocannon's rate mode: each connection sends its quota of the second back to back at the start of the
// second and then idles (a burst, not a rate), and its correction for coordinated omission records each response
// with an expected interval of Math.ceil(1 / rate) with rate in requests per second per connection: 1 ms. A response
// of L ms is then recorded L times (L, L-1, ... 1), so a single stall decides the high percentiles. Against a server
// answering in 2 ms with one 600 ms stall in 5 s at 400 req/s, autocannon (8.0) reported p50 64 ms and p90 492 ms;
// with its correction off, p50 2 ms and p90 4 ms.
//
// openLoop() runs the schedule in a child process, so the benchmark's own heap (datasets, raw-event baselines) and
// its garbage collection do not stall the clock that times the server.
import { fork } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { summarize, type Summary } from "./stats";

export type OpenLoopRequest = { method?: "GET"; path: string; headers?: Record<string, string> };
export type OpenLoopOptions = {
  /** Origin, e.g. http://127.0.0.1:3300. */
  url: string;
  /** Requests per second, spread evenly. */
  rate: number;
  seconds: number;
  /** Keep-alive connections; requests due while all are busy wait for one (and that wait is latency). */
  connections: number;
  /** Sent in turn, round robin; default GET of the url's path. */
  requests?: OpenLoopRequest[];
  /** Requests still unanswered this long after the schedule ended count as errors. */
  drainMs?: number;
};
export type OpenLoopResult = {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Answered requests per second over the schedule and its drain. */
  rps: number;
  /** From each request's due time to the end of its answer, ms; answered requests only. */
  latency: Summary;
};

/** How many requests are due by elapsedMs into a schedule of `rate` per second (request 0 at 0 ms). */
export function dueBy(elapsedMs: number, rate: number): number {
  if (elapsedMs < 0) return 0;
  return Math.floor((elapsedMs * rate) / 1000) + 1;
}

/** The schedule, in this process. */
export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!(opts.rate > 0) || !(opts.seconds > 0) || !(opts.connections >= 1)) throw new RangeError("rate, seconds and connections must be positive");
  const origin = new URL(opts.url);
  const requests: OpenLoopRequest[] = opts.requests?.length ? opts.requests : [{ path: origin.pathname + origin.search }];
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const total = Math.floor(opts.rate * opts.seconds);
  const latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let open = 0;
  let drained: (() => void) | undefined;

  const send = (i: number, dueAt: number) => {
    const r = requests[i % requests.length]!;
    open++;
    const finish = (status: number | null) => {
      open--;
      if (status === null) errors++;
      else {
        latencies.push(performance.now() - dueAt);
        if (status >= 200 && status < 300) ok++;
        else non2xx++;
      }
      if (open === 0 && sent === total) drained?.();
    };
    const req = http.request(
      { host: origin.hostname, port: origin.port, path: r.path, method: r.method ?? "GET", headers: r.headers, agent },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => finish(res.statusCode ?? 0));
        res.on("error", () => finish(null));
      },
    );
    req.on("error", () => finish(null));
    req.end();
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - start;
      const due = Math.min(total, dueBy(elapsed, opts.rate));
      while (sent < due) {
        send(sent, start + (sent * 1000) / opts.rate);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  if (open > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.drainMs ?? 30_000);
      drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  const seconds = (performance.now() - start) / 1000;
  errors += open;
  agent.destroy();
  return { sent, ok, non2xx, errors, rps: (ok + non2xx) / seconds, latency: summarize(latencies) };
}

/** The schedule in a child process (see the top of this file). */
export function openLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ["--import", "tsx"], env: { ...process.env, ATRIUM_OPEN_LOOP_CHILD: "1" }, stdio: "inherit" });
    let result: OpenLoopResult | undefined;
    child.on("message", (m: { result?: OpenLoopResult; error?: string }) => {
      if (m.error) reject(new Error(`open-loop load: ${m.error}`));
      else result = m.result;
    });
    child.on("error", reject);
    child.on("exit", (code) => (result ? resolve(result) : reject(new Error(`open-loop load process exited with ${code} and no result`))));
    child.send(opts);
  });
}

if (process.env.ATRIUM_OPEN_LOOP_CHILD === "1" && process.send) {
  process.once("message", (opts: OpenLoopOptions) => {
    runOpenLoop(opts).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (e: unknown) => process.send!({ error: e instanceof Error ? e.message : String(e) }, () => process.exit(1)),
    );
  });
}
