// One date/time vocabulary for the console (lib/i18n/format.ts), in the viewer's locale and zone.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "./format";
import { isTimeZone, resolveTimeZone } from "./time-zone";

const at = new Date("2026-12-03T05:56:47Z");

describe("formatDateTime", () => {
  it("prints a time the Chinese way in zh-CN (no AM/PM), the English way in en", () => {
    expect(formatDateTime(at, "time", { locale: "zh-CN", timeZone: "UTC" })).toBe("5:56:47");
    expect(formatDateTime(at, "time", { locale: "en", timeZone: "UTC" })).toBe("5:56:47 AM");
  });

  it("converts to the viewer's zone and says which one where the zone matters", () => {
    expect(formatDateTime(at, "dateTimeSecondsZone", { locale: "zh-CN", timeZone: "Asia/Shanghai" })).toBe("2026年12月3日 GMT+8 13:56:47");
    expect(formatDateTime(at, "dateTimeZone", { locale: "en", timeZone: "America/New_York" })).toBe("Dec 3, 2026, 12:56 AM EST");
    expect(formatDateTime(at, "dateTimeZone", { locale: "en", timeZone: "UTC" })).toMatch(/UTC$/);
  });

  it("keeps analytics days on UTC whatever the viewer's zone (CONTRACT §7)", () => {
    const day = new Date("2026-12-03T00:00:00Z");
    expect(formatDateTime(day, "utcDayLong", { locale: "en", timeZone: "America/Los_Angeles" })).toBe("Dec 3, 2026");
    expect(formatDateTime(day, "utcDay", { locale: "zh-CN", timeZone: "America/Los_Angeles" })).toBe("12月3日");
  });
});

describe("the viewer's time zone", () => {
  it("accepts IANA zones and refuses anything else", () => {
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("x".repeat(200))).toBe(false);
    expect(isTimeZone("Europe/Paris; path=/")).toBe(false);
  });

  it("renders in the browser's zone unless UTC is pinned, and in UTC before the browser has said", () => {
    expect(resolveTimeZone(undefined, "Asia/Shanghai")).toBe("Asia/Shanghai");
    expect(resolveTimeZone("auto", "Asia/Shanghai")).toBe("Asia/Shanghai");
    expect(resolveTimeZone("utc", "Asia/Shanghai")).toBe("UTC");
    expect(resolveTimeZone(undefined, undefined)).toBe("UTC");
    expect(resolveTimeZone(undefined, "bogus")).toBe("UTC");
  });
});

describe("no ad-hoc date formatting in the console", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const sources = ["app", "components"].flatMap((dir) =>
    (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
      .map((f) => path.join(dir, f)),
  );

  it.each([
    ["toLocale…String on a date (browser locale and zone, mismatching the server)", /\.toLocale(Date|Time)?String\(/],
    ["a hand-made Intl.DateTimeFormat", /new Intl\.DateTimeFormat|Intl\.DateTimeFormat\(/],
    ["inline format.dateTime options instead of a named preset", /\.dateTime\([^)]*,\s*\{/],
  ])("%s", (_, pattern) => {
    const offenders = sources.filter((f) => pattern.test(fs.readFileSync(path.join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
