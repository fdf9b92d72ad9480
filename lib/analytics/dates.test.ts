import { describe, expect, it } from "vitest";
import { addDays, eachDay, weekOf, wholeWeeks } from "./dates";

describe("ISO weeks", () => {
  it("weekOf is the Monday on or before the day, across months, years and leap days", () => {
    expect(weekOf("2026-12-05")).toBe("2026-11-30"); // a Saturday
    expect(weekOf("2026-11-30")).toBe("2026-11-30"); // a Monday
    expect(weekOf("2026-12-06")).toBe("2026-11-30"); // a Sunday
    expect(weekOf("2027-01-01")).toBe("2026-12-28");
    expect(weekOf("2024-03-01")).toBe("2024-02-26");
    expect(weekOf("1970-01-01")).toBe("1969-12-29");
    expect(weekOf("1969-12-28")).toBe("1969-12-22");
    for (const day of eachDay("2026-01-01", "2026-03-01")) {
      const m = weekOf(day);
      expect(new Date(`${m}T00:00:00Z`).getUTCDay()).toBe(1);
      expect(m <= day && addDays(m, 6) >= day).toBe(true);
    }
  });

  it("wholeWeeks finds exactly the weeks that lie inside a range", () => {
    expect(wholeWeeks("2026-11-30", "2026-12-06")).toEqual({ first: "2026-11-30", last: "2026-11-30" });
    expect(wholeWeeks("2026-12-01", "2026-12-06")).toBeNull();
    expect(wholeWeeks("2026-11-30", "2026-12-05")).toBeNull();
    expect(wholeWeeks("2026-12-05", "2026-12-05")).toBeNull();
    // 90 days from a Monday to a Saturday, and 91 from a Tuesday to a Monday.
    expect(wholeWeeks("2026-09-07", "2026-12-05")).toEqual({ first: "2026-09-07", last: "2026-11-23" });
    expect(wholeWeeks("2026-09-08", "2026-12-07")).toEqual({ first: "2026-09-14", last: "2026-11-30" });
    // Every day of every range is in exactly one whole week or is a loose day.
    for (const from of eachDay("2026-01-01", "2026-01-10")) {
      for (const to of eachDay(from, addDays(from, 30))) {
        const w = wholeWeeks(from, to);
        for (const day of eachDay(from, to)) {
          const inWeek = w !== null && weekOf(day) >= w.first && weekOf(day) <= w.last;
          expect(inWeek ? weekOf(day) >= from && addDays(weekOf(day), 6) <= to : true).toBe(true);
          if (!inWeek) expect(weekOf(day) < from || addDays(weekOf(day), 6) > to).toBe(true);
        }
      }
    }
  });
});
