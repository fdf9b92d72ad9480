// Package inspection off the event loop: a small pool of worker threads, so that parsing 10 MiB of minified
// code for one upload does not stall every other request. Each worker has the inspection's own limits plus a
// heap cap and a deadline; a package that breaks either is rejected as too costly, and the worker replaced.
//
// The worker is started with `new Worker(new URL("./inspect-worker.ts", import.meta.url))` written out in
// full: Turbopack recognises exactly that form and bundles the worker for `next build` (and `next dev`).
// Under vitest and tsx the module is the TypeScript source itself, and the worker gets tsx's loader.

import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { englishText, type FindingParams } from "./findings";
import type { Inspection, InspectOptions } from "./inspect";
import type { InspectJob, InspectReply } from "./inspect-worker";

/** One worker per core but one (the server keeps a core for requests), at most 4; INSPECT_WORKERS overrides. */
export function poolSize(): number {
  const configured = Number(process.env.INSPECT_WORKERS);
  if (Number.isInteger(configured) && configured > 0) return Math.min(configured, 16);
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Heap of one worker. Inspection keeps at most 2 MiB of each script and parses one at a time. */
export const WORKER_HEAP_MB = 512;
/** A package still being inspected after this long is refused; the worker is stopped mid-work. */
export const JOB_DEADLINE_MS = 60_000;
/** Jobs waiting per worker before uploads are told to retry (each holds up to 10 MiB). */
const QUEUE_PER_WORKER = 8;

/** Every worker is busy and the queue is full: retry shortly. */
export class InspectionBusyError extends Error {
  constructor() {
    super("Package inspection is busy");
    this.name = "InspectionBusyError";
  }
}

type Job = {
  id: number;
  bytes: Buffer;
  opts: InspectOptions;
  resolve: (inspection: Inspection) => void;
  reject: (err: Error) => void;
};

type Slot = { worker: Worker; job: Job | null; timer: NodeJS.Timeout | null };

function startWorker(heapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: heapMb };
  if (import.meta.url.endsWith(".ts")) {
    // From source (vitest, tsx scripts): Node 20 does not apply `--import tsx` to a worker's entry module,
    // so a small bootstrap registers tsx's loader inside the worker first.
    // Spelled without `new URL("./…", import.meta.url)`, which Turbopack would copy into the build as an asset.
    const source = import.meta.url.replace(/inspect-pool\.ts$/, "inspect-worker.ts");
    const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
    return new Worker(bootstrap, { eval: true, resourceLimits });
  }
  return new Worker(new URL("./inspect-worker.ts", import.meta.url), { resourceLimits });
}

export type PoolOptions = { size: number; heapMb: number; deadlineMs: number };

export class InspectionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private readonly size: number;
  private readonly heapMb: number;
  private readonly deadlineMs: number;

  constructor(opts: Partial<PoolOptions> = {}) {
    this.size = opts.size ?? poolSize();
    this.heapMb = opts.heapMb ?? WORKER_HEAP_MB;
    this.deadlineMs = opts.deadlineMs ?? JOB_DEADLINE_MS;
  }

  /** Stops every worker; queued and running jobs are rejected. For tests and shutdown. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const job of this.queue.splice(0)) job.reject(new Error("The inspection pool was closed"));
    for (const slot of slots) {
      slot.job?.reject(new Error("The inspection pool was closed"));
      this.finish(slot);
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  run(bytes: Buffer, opts: InspectOptions): Promise<Inspection> {
    if (this.queue.length >= this.size * QUEUE_PER_WORKER) return Promise.reject(new InspectionBusyError());
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, bytes, opts, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(() => this.fail(slot, "timeout"), this.deadlineMs);
      // A copy the worker owns: the caller's Buffer may be a view into a larger pooled allocation.
      const copy = new Uint8Array(job.bytes.length);
      copy.set(job.bytes);
      const message: InspectJob = { id: job.id, bytes: copy.buffer, opts: job.opts };
      slot.worker.postMessage(message, [copy.buffer]);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(this.heapMb), job: null, timer: null };
    slot.worker.unref();
    slot.worker.on("message", (reply: InspectReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      this.finish(slot);
      if ("inspection" in reply) job.resolve(reply.inspection);
      else job.reject(new Error(reply.error));
      this.dispatch();
    });
    // A heap over its cap ends the worker with ERR_WORKER_OUT_OF_MEMORY: that package is too costly.
    slot.worker.on("error", (err) => this.fail(slot, (err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "crash"));
    slot.worker.on("exit", () => this.fail(slot, "crash"));
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
  }

  private fail(slot: Slot, why: "timeout" | "memory" | "crash"): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const job = slot.job;
    this.finish(slot);
    void slot.worker.terminate();
    if (job) {
      if (why === "crash") job.reject(new Error("The inspection worker stopped unexpectedly"));
      else job.resolve(tooCostly(job.bytes, why === "timeout" ? { limit: "time", seconds: this.deadlineMs / 1000 } : { limit: "memory", memoryMiB: this.heapMb }));
    }
    this.dispatch();
  }
}

/** The report for a package that took longer, or more memory, than inspection allows. */
function tooCostly(bytes: Buffer, params: FindingParams): Inspection {
  return {
    ok: false,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
    uncompressedSize: 0,
    uncompressedSizeComplete: false,
    declaredUncompressedSize: 0,
    fileCount: 0,
    manifest: null,
    errors: [{ code: "too_large", message: englishText("too_large.inspection", params), key: "too_large.inspection", params }],
    warnings: [],
    files: [],
  };
}

let pool: InspectionPool | null = null;

/** inspectPackage, run on the worker pool. Rejects with InspectionBusyError when the queue is full. */
export function inspectPackageOffThread(bytes: Buffer, opts: InspectOptions = {}): Promise<Inspection> {
  pool ??= new InspectionPool();
  return pool.run(bytes, opts);
}
