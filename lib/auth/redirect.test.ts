// Issue 12, item 1: `next` after sign-in is kept only when it lands on the console itself.
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./redirect";

const ORIGIN = "https://console.test";

describe("safeRedirectPath", () => {
  it.each([
    ["/o/demo/hosts?tab=1#x", "/o/demo/hosts?tab=1#x"],
    ["/o", "/o"],
    ["/o/demo/../demo/hosts", "/o/demo/hosts"],
    ["/o/%E9%A6%96%E9%A1%B5", "/o/%E9%A6%96%E9%A1%B5"],
  ])("keeps the same-origin path %s", (next, want) => {
    expect(safeRedirectPath(next, ORIGIN)).toBe(want);
  });

  it.each([
    "/\t/evil.test/",
    "/\n/evil.test/",
    "/\r\n/evil.test/",
    "//evil.test/",
    "/\\evil.test/",
    "\\\\evil.test",
    "/.//evil.test/",
    "https://evil.test/",
    "http:evil.test",
    "http://console.test/o",
    "javascript:alert(1)",
    "data:text/html,x",
    " //evil.test",
    "",
  ])("sends %j to the default page", (next) => {
    const out = safeRedirectPath(next, ORIGIN);
    expect(out).toBe("/o");
  });

  it("ignores an overlong or missing value", () => {
    expect(safeRedirectPath(`/o/${"x".repeat(3000)}`, ORIGIN)).toBe("/o");
    expect(safeRedirectPath(undefined, ORIGIN)).toBe("/o");
    expect(safeRedirectPath(["/o/a"], ORIGIN)).toBe("/o");
  });

  it("never answers a target with control characters, whatever it keeps", () => {
    for (const next of ["/o/a\tb", "/o/a\r\nSet-Cookie: x=1", "/o/\u0000"]) {
      const out = safeRedirectPath(next, ORIGIN);
      expect(out).not.toMatch(/[\u0000-\u001f]/);
      expect(new URL(out, ORIGIN).origin).toBe(ORIGIN);
    }
  });
});
