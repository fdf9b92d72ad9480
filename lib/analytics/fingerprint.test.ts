import { describe, expect, it } from "vitest";
import { errorFingerprint, FINGERPRINT_HEX, normaliseErrorMessage } from "./fingerprint";
import { ERROR_MESSAGES } from "./testing";

describe("normaliseErrorMessage", () => {
  it("replaces numbers, ids, uuids and hex, and keeps words and case", () => {
    expect(normaliseErrorMessage("RangeError: index 42 out of bounds for length -3.5e2")).toBe("RangeError: index <n> out of bounds for length <n>");
    expect(normaliseErrorMessage("Order ord_8f3a2 of user-1234 failed")).toBe("Order <id> of <id> failed");
    expect(normaliseErrorMessage("request 0b4f2c7e-1d2a-4e5b-9c8d-7a6b5c4d3e2f lost")).toBe("request <uuid> lost");
    expect(normaliseErrorMessage("at 0x7ffde123 and deadbeef99")).toBe("at <hex> and <hex>");
    // A word is not an id: no digit, nothing replaced.
    expect(normaliseErrorMessage("TypeError: Cannot read properties of undefined")).toBe("TypeError: Cannot read properties of undefined");
    expect(normaliseErrorMessage("typeerror")).not.toBe(normaliseErrorMessage("TypeError"));
  });

  it("keeps a URL's scheme and host, drops its path, query and fragment", () => {
    expect(normaliseErrorMessage("GET https://API.example.com/orders/17?x=1#f failed")).toBe("GET https://api.example.com/<path> failed");
    expect(normaliseErrorMessage("GET https://cdn.example.com/a.js")).not.toBe(normaliseErrorMessage("GET https://api.example.com/a.js"));
  });

  it("keeps quoted property names apart, collapses whitespace and bounds the length", () => {
    expect(normaliseErrorMessage("reading 'balance'")).not.toBe(normaliseErrorMessage("reading 'items'"));
    expect(normaliseErrorMessage("  a \n\t b  ")).toBe("a b");
    expect(normaliseErrorMessage("x".repeat(5000)).length).toBe(512);
  });
});

describe("errorFingerprint", () => {
  it("is short hex, stable, and groups messages that differ only in variable parts", () => {
    const fp = errorFingerprint("TypeError: x is undefined");
    expect(fp).toMatch(new RegExp(`^[0-9a-f]{${FINGERPRINT_HEX}}$`));
    expect(errorFingerprint("TypeError: x is undefined")).toBe(fp);
    for (const template of ERROR_MESSAGES) {
      const prints = new Set([1, 2, 99, 12345].map((n) => errorFingerprint(template(n))));
      expect(prints.size).toBe(1);
    }
    // …and the templates are four different groups.
    expect(new Set(ERROR_MESSAGES.map((t) => errorFingerprint(t(1)))).size).toBe(ERROR_MESSAGES.length);
    expect(errorFingerprint(null)).toBe(errorFingerprint(""));
  });
});
