// The built console as a child process the fault runner can SIGKILL: `next start` in its own process group,
// so a kill reaches every process it spawned, and readiness by polling /api/health.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export type ServerEnv = Record<string, string | undefined>;

const READY_TIMEOUT_MS = 60_000;

export class ConsoleServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** How many times the process was started; each start appends to the same log. */
  starts = 0;
  private retired = false;

  constructor(
    readonly port: number,
    private readonly env: ServerEnv,
    readonly logFile: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts `next start` and resolves once /api/health answers 200; answers the milliseconds that took. */
  async start(): Promise<number> {
    if (this.retired) throw new Error("The runner is shutting down");
    if (this.child) throw new Error("The server is already running");
    const t0 = performance.now();
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const log = fs.openSync(this.logFile, "a");
    fs.writeSync(log, `\n==== start #${++this.starts} at ${new Date().toISOString()}\n`);
    // Through node itself, not npx: a killed npx leaves next-server running (STACK-NOTES).
    const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(this.port), "-H", "127.0.0.1"], {
      env: { ...process.env, NODE_ENV: "production", ...this.env },
      stdio: ["ignore", log, log],
      detached: true,
    });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`The server exited before it was ready; see ${this.logFile}`);
      const res = await fetch(`${this.baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
      if (res?.status === 200) return performance.now() - t0;
      await res?.body?.cancel();
      await sleep(100);
    }
    await this.kill();
    throw new Error(`The server was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${this.logFile}`);
  }

  /** Kills the server for good: a scenario still running cannot start it again. */
  async retire(): Promise<void> {
    this.retired = true;
    await this.kill();
  }

  /** Synchronous, for process exit: SIGKILL to the group if it is still there. */
  killNow(): void {
    if (this.child) this.sendToGroup(this.child, "SIGKILL");
  }

  /** SIGKILL to the whole process group: no shutdown hook, no flush, as when a machine's OOM killer strikes. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  /** A clean stop (SIGTERM), escalating to SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const timer = setTimeout(() => this.sendToGroup(child, "SIGKILL"), 10_000);
    await this.signal("SIGTERM");
    clearTimeout(timer);
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.sendToGroup(child, sig);
    await this.exited;
    this.child = null;
    // Anything left in the group (a forked worker) goes too; ESRCH means the group is already gone.
    this.sendToGroup(child, "SIGKILL");
  }

  private sendToGroup(child: ChildProcess, sig: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
