// Starts and stops the built console (`next start`) for the benchmark, and the throwaway PostgreSQL it may
// run on. Every process is started in its own process group and stopped by that group, so nothing outlives a
// run (a killed `npx next start` would leave next-server running: STACK-NOTES).
import { spawn, execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export type Server = { url: string; port: number; child: ChildProcess; stop(): Promise<void>; logFile: string };

async function waitFor(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not answer ${url} within ${timeoutMs} ms (${lastError})`);
}

export async function startServer(opts: { cwd: string; port: number; env: Record<string, string | undefined>; logFile: string }): Promise<Server> {
  const out = fs.openSync(opts.logFile, "a");
  const env = { NODE_ENV: "production" } as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries({ ...process.env, ...opts.env, NODE_ENV: "production", PORT: String(opts.port) })) {
    if (v !== undefined) env[k] = v;
  }
  const child: ChildProcess = spawn(path.join(opts.cwd, "node_modules/.bin/next"), ["start", "-p", String(opts.port), "-H", "127.0.0.1"], {
    cwd: opts.cwd,
    env,
    detached: true,
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor(`${url}/api/health`, 60_000, child);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port: opts.port, child, stop, logFile: opts.logFile };
}

/** A throwaway PostgreSQL cluster through scripts/throwaway-postgres.sh; answers its URL. */
export async function startPostgres(cwd: string, dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const script = path.join(cwd, "scripts/throwaway-postgres.sh");
  const { stdout } = await exec("bash", [script, "start", dir]);
  const url = stdout.trim().split("\n").pop()!;
  return {
    url,
    stop: async () => {
      await exec("bash", [script, "stop", dir]).catch(() => {});
    },
  };
}

/** Creates a fresh database on a PostgreSQL server and answers its URL. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const { default: postgres } = await import("postgres");
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Whether a build exists and is newer than every source file that goes into it. */
export function buildIsFresh(cwd: string): { fresh: boolean; reason: string } {
  const idFile = path.join(cwd, ".next/BUILD_ID");
  if (!fs.existsSync(idFile)) return { fresh: false, reason: "no build" };
  const built = fs.statSync(idFile).mtimeMs;
  const roots = ["app", "components", "lib", "db", "public", "proxy.ts", "next.config.ts", "package.json", "package-lock.json", "tsconfig.json", "postcss.config.mjs"];
  let newest = 0;
  let newestFile = "";
  const walk = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) if (name !== "node_modules" && !name.startsWith(".")) walk(path.join(p, name));
    } else if (!/\.test\.tsx?$/.test(p) && st.mtimeMs > newest) {
      newest = st.mtimeMs;
      newestFile = p;
    }
  };
  for (const r of roots) walk(path.join(cwd, r));
  return newest > built ? { fresh: false, reason: `${path.relative(cwd, newestFile)} is newer than the build` } : { fresh: true, reason: "build is newer than the sources" };
}

/** The session secret of every server the bench starts (bench/run.ts mints session cookies with it). */
export const BENCH_AUTH_SECRET = "atrium-bench-secret-not-for-production-0123456789";

/** The machine's CPU counters (all cores): time busy and in total, in clock ticks. */
export function cpuTicks(): { busy: number; total: number } {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const t = fields.map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  // user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
  return { busy: total - (t[3] ?? 0) - (t[4] ?? 0), total };
}

/** The share (0-1) of all cores busy between two readings of cpuTicks(). */
export function busyShare(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return (b.busy - a.busy) / Math.max(1, b.total - a.total);
}

/**
 * Waits until the machine has been quiet (under `maxBusy` of all cores busy) for two windows of a second in a row,
 * at most `timeoutMs`; answers the seconds waited and whether it got quiet. A server just started does its start-up
 * work (an ANALYZE of the analytics tables, the first anomaly pass over every organization: 4-8 s of database time
 * at 10 M events) beside the first requests: "idle" figures are measured after it, not during it.
 */
export async function waitForQuiet(opts: { maxBusy?: number; timeoutMs?: number } = {}): Promise<{ seconds: number; quiet: boolean }> {
  if (!fs.existsSync("/proc/stat")) return { seconds: 0, quiet: false };
  const maxBusy = opts.maxBusy ?? 0.15;
  const t0 = Date.now();
  let calm = 0;
  while (Date.now() - t0 < (opts.timeoutMs ?? 90_000)) {
    const a = cpuTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const b = cpuTicks();
    const busy = busyShare(a, b);
    calm = busy < maxBusy ? calm + 1 : 0;
    if (calm >= 2) return { seconds: (Date.now() - t0) / 1000, quiet: true };
  }
  return { seconds: (Date.now() - t0) / 1000, quiet: false };
}
