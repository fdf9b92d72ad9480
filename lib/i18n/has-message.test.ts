import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import { LOCALES } from "./config";
import { hasMessage } from "./has-message";
import { loadMessages } from "./messages";

function flatKeys(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return [prefix, ...Object.entries(obj).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k))].filter(Boolean);
}

describe("hasMessage", () => {
  it("answers as the translator's has() does: every key and namespace of the catalogs, and misses around them", async () => {
    for (const locale of LOCALES) {
      const messages = await loadMessages(locale);
      const keys = flatKeys(messages);
      expect(keys.length).toBeGreaterThan(500);
      const probes = [...keys, ...keys.map((k) => `${k}.nope`), ...keys.map((k) => k.replace(/[^.]+$/, "nope")), "audit..fields", ""];
      let hits = 0;
      for (const namespace of ["audit", "reviews.page.reasonsCatalog", "miniPrograms"]) {
        const t = createTranslator({ locale, messages, namespace: namespace as never, onError: () => {} });
        for (const full of probes) {
          const key = full.startsWith(`${namespace}.`) ? full.slice(namespace.length + 1) : full;
          const expected = (t as unknown as { has(k: string): boolean }).has(key);
          expect(hasMessage(messages, namespace, key), `${locale} ${namespace} ${key}`).toBe(expected);
          if (expected) hits++;
        }
      }
      expect(hits).toBeGreaterThan(100);
      // Where use-intl finds a key on the object prototype (t.has("constructor") is true, and t() of it no message),
      // only the catalogs' own keys count here.
      for (const key of ["constructor", "toString", "fields.__proto__", "fields.hasOwnProperty"]) expect(hasMessage(messages, "audit", key), key).toBe(false);
    }
  });
});
