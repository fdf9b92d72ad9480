import { describe, expect, it } from "vitest";
import { EventQueue } from "./event-queue";
import type { SdkEvent } from "./types";

function event(id: string, extra: Partial<SdkEvent> = {}): SdkEvent {
  return { id, type: "launch", appId: "com.demo.coupons", version: "1.0.0", userId: "u", ts: 0, platform: "ios", ...extra };
}

const ids = (events: SdkEvent[]) => events.map((e) => e.id);

describe("EventQueue", () => {
  it("drops the oldest events when full and counts them", () => {
    const queue = new EventQueue(3);
    for (const id of ["a", "b", "c", "d", "e"]) queue.push(event(id));
    expect(queue.length).toBe(3);
    expect(queue.dropped).toBe(2);
    expect(ids(queue.peekBatch(10, Infinity))).toEqual(["c", "d", "e"]);
  });

  it("hands out the oldest events first, up to the count", () => {
    const queue = new EventQueue(10);
    for (const id of ["a", "b", "c"]) queue.push(event(id));
    expect(ids(queue.peekBatch(2, Infinity))).toEqual(["a", "b"]);
    expect(queue.length).toBe(3);
  });

  it("keeps a batch under the byte limit", () => {
    const queue = new EventQueue(10);
    for (const id of ["a", "b", "c"]) queue.push(event(id, { message: "x".repeat(1000) }));
    const one = JSON.stringify(event("a", { message: "x".repeat(1000) })).length + 1;
    expect(ids(queue.peekBatch(10, 2 * one))).toEqual(["a", "b"]);
    expect(ids(queue.peekBatch(10, 2 * one - 1))).toEqual(["a"]);
  });

  it("still hands out one event larger than the limit, so it cannot block the queue", () => {
    const queue = new EventQueue(10);
    queue.push(event("big", { message: "x".repeat(5000) }));
    expect(ids(queue.peekBatch(10, 100))).toEqual(["big"]);
  });

  it("removes a sent batch by identity, even after the queue moved under it", () => {
    const queue = new EventQueue(3);
    for (const id of ["a", "b", "c"]) queue.push(event(id));
    const batch = queue.peekBatch(2, Infinity);
    queue.push(event("d"));
    queue.remove(batch);
    expect(ids(queue.peekBatch(10, Infinity))).toEqual(["c", "d"]);
  });

  it("refuses a capacity below one", () => {
    expect(() => new EventQueue(0)).toThrow(RangeError);
  });
});
