// The orphan sweep, scheduled inside the server process: shortly after start, then every hour. An upload
// writes its blob before its version row commits, so a process killed between the two leaves a blob no version
// refers to (and a kill during the write leaves a temporary file); only a sweep ever finds those. It runs in
// the server because on PGlite no other process may open the database (STACK-NOTES).
import { getDb } from "@/db";
import { getBlobStore } from "./index";
import { sweepOrphanBlobs } from "./sweep";

const FIRST_RUN_DELAY_MS = 1_000;
const PERIOD_MS = 60 * 60 * 1000;

type SweeperState = { timer?: ReturnType<typeof setInterval>; running: boolean };
const g = globalThis as typeof globalThis & { __atriumBlobSweeper?: SweeperState };

async function runSweep(state: SweeperState): Promise<void> {
  if (state.running) return;
  state.running = true;
  try {
    const r = await sweepOrphanBlobs(await getDb(), getBlobStore());
    if (r.deleted.length || r.tempFilesRemoved) {
      console.log(`[atrium] blob sweep: ${r.deleted.length} orphan blobs and ${r.tempFilesRemoved} temporary files removed (${r.scanned} scanned)`);
    }
  } catch (e) {
    console.error("[atrium] blob sweep failed; it runs again within the hour", e);
  } finally {
    state.running = false;
  }
}

/** Idempotent: one schedule per process. The timers never keep the process alive. */
export function startBlobSweeper(): void {
  if (g.__atriumBlobSweeper) return;
  const state: SweeperState = { running: false };
  g.__atriumBlobSweeper = state;
  setTimeout(() => void runSweep(state), FIRST_RUN_DELAY_MS).unref?.();
  state.timer = setInterval(() => void runSweep(state), PERIOD_MS);
  state.timer.unref?.();
}
