// The inspection worker: runs inspectPackage off the server's event loop (see inspect-pool.ts). One job at a
// time; the pool sends the package's bytes (transferred, not copied) and gets the report back.
import { parentPort } from "node:worker_threads";
import { inspectPackage, type InspectOptions } from "./inspect";

export type InspectJob = { id: number; bytes: ArrayBuffer; opts: InspectOptions };
export type InspectReply = { id: number; inspection: Awaited<ReturnType<typeof inspectPackage>> } | { id: number; error: string };

parentPort?.on("message", async (job: InspectJob) => {
  let reply: InspectReply;
  try {
    reply = { id: job.id, inspection: await inspectPackage(Buffer.from(job.bytes), job.opts) };
  } catch (err) {
    // inspectPackage turns every failure into findings; reaching here is a bug, reported without detail.
    console.error("inspection worker failed", err);
    reply = { id: job.id, error: "inspection failed" };
  }
  parentPort?.postMessage(reply);
});
