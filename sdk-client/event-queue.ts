// The client's outbox: bounded, oldest first, and holding each event's serialized size so that
// batches can respect the server's 1 MiB body limit without serializing twice.
import type { SdkEvent } from "./types";

interface Queued {
  event: SdkEvent;
  bytes: number;
}

const encoder = new TextEncoder();

export class EventQueue {
  private items: Queued[] = [];
  private droppedCount = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("Queue capacity must be an integer ≥ 1.");
  }

  get length(): number {
    return this.items.length;
  }

  /** Events discarded because the queue was full; a full queue keeps the newest events. */
  get dropped(): number {
    return this.droppedCount;
  }

  push(event: SdkEvent): void {
    this.items.push({ event, bytes: encoder.encode(JSON.stringify(event)).length });
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.items.splice(0, excess);
      this.droppedCount += excess;
    }
  }

  /**
   * The oldest events, up to `maxCount` and, counting one separator per event, `maxBytes`.
   * Always at least one event, so that an oversized one is sent (and refused) rather than stuck forever.
   */
  peekBatch(maxCount: number, maxBytes: number): SdkEvent[] {
    const batch: SdkEvent[] = [];
    let bytes = 0;
    for (const item of this.items) {
      if (batch.length >= maxCount) break;
      if (batch.length > 0 && bytes + item.bytes + 1 > maxBytes) break;
      batch.push(item.event);
      bytes += item.bytes + 1;
    }
    return batch;
  }

  /**
   * Removes a sent batch by identity rather than by position: while it was in flight, new events may
   * have pushed some of its members out of a full queue.
   */
  remove(batch: readonly SdkEvent[]): void {
    const sent = new Set(batch);
    this.items = this.items.filter((item) => !sent.has(item.event));
  }
}
