import { describe, expect, it } from "vitest";
import { csvCell } from "@/lib/csv";
import { breakdownCsv, daysCsv } from "./csv";
import type { Overview } from "./types";

describe("CSV cells", () => {
  it.each([
    ["plain", "plain"],
    ["with, comma", '"with, comma"'],
    ['with "quotes"', '"with ""quotes"""'],
    ["two\nlines", '"two\nlines"'],
    ["=HYPERLINK(1)", "'=HYPERLINK(1)"],
    ["+1", "'+1"],
    [-3, "-3"],
    [null, ""],
    [0.25, "0.25"],
  ])("%j → %s", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

const overview: Overview = {
  from: "2030-01-01",
  to: "2030-01-02",
  filters: {},
  totals: { launches: 3, activeUsers: 2, sessions: 1, avgSessionMs: 1500, errors: 1, errorRate: 1 / 3 },
  days: [
    { day: "2030-01-01", launches: 3, activeUsers: 2, mau: 2, sessions: 1, avgSessionMs: 1500, errors: 1, errorRate: 1 / 3, newUsers: 2, retentionD1: 0.5, retentionD7: null, partial: false },
    { day: "2030-01-02", launches: 0, activeUsers: 1, mau: 2, sessions: 0, avgSessionMs: null, errors: 0, errorRate: null, newUsers: 0, retentionD1: null, retentionD7: null, partial: true },
  ],
  retention: { d1: 0.5, d7: null },
  breakdown: {
    host: [{ key: "hst_1", hostId: "hst_1", name: "Super, App", launches: 3, activeUsers: 2, sessions: 1, avgSessionMs: 1500, errors: 1, errorRate: 1 / 3 }],
    miniProgram: [],
    version: [{ key: "com.a.b@1.0.0", appId: "com.a.b", version: "1.0.0", launches: 3, activeUsers: 2, sessions: 1, avgSessionMs: 1500, errors: 1, errorRate: 1 / 3 }],
    platform: [],
  },
};

describe("exports", () => {
  it("has one row per day with every figure, empty where a ratio has no denominator", () => {
    const lines = daysCsv(overview).trimEnd().split("\r\n");
    expect(lines[0]).toBe("day,launches,activeUsers,mau,sessions,avgSessionMs,errors,errorRate,newUsers,retentionD1,retentionD7,note");
    expect(lines[1]).toBe(`2030-01-01,3,2,2,1,1500,1,${1 / 3},2,0.5,,`);
    // A day that has not ended says so; its open retention windows stay empty, not 0.
    expect(lines[2]).toBe("2030-01-02,0,1,2,0,,0,,0,,,so far");
    expect(lines).toHaveLength(3);
  });

  it("lists the totals and every breakdown row", () => {
    const lines = breakdownCsv(overview).trimEnd().split("\r\n");
    expect(lines[1]).toBe(`total,,,3,2,1,1500,1,${1 / 3}`);
    expect(lines[2]).toBe(`host,hst_1,"Super, App",3,2,1,1500,1,${1 / 3}`);
    expect(lines[3]).toMatch(/^version,com\.a\.b@1\.0\.0,1\.0\.0,/);
  });
});
