import { describe, expect, it } from "vitest";
import { newId } from "./ids";

describe("newId", () => {
  it("carries the kind and a 26-character Crockford body", () => {
    expect(newId("hst")).toMatch(/^hst_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it("sorts ids made in the same millisecond in the order they were made", () => {
    const now = Date.now();
    const ids = Array.from({ length: 1000 }, () => newId("aud", now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("sorts by time first, whatever the random part", () => {
    const earlier = newId("aud", 1_700_000_000_000);
    const later = newId("aud", 1_700_000_000_001);
    expect(earlier < later).toBe(true);
    expect(later.slice(4, 14) > earlier.slice(4, 14)).toBe(true);
  });

  it("keeps the given time for historical ids made after newer ones", () => {
    newId("evt", 1_800_000_000_000);
    const old = newId("evt", 1_600_000_000_000);
    expect(old < newId("evt", 1_600_000_000_001)).toBe(true);
    expect(old.slice(4, 14)).toBe(newId("evt", 1_600_000_000_000).slice(4, 14));
  });
});
