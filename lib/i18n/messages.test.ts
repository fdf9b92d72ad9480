// Every visible string comes from the catalogs: a key missing in one language shows as a raw key there.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES } from "./config";
import { loadMessages, NAMESPACES } from "./messages";

function flatKeys(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}

describe("message catalogs", () => {
  it("lists every namespace file present on disk", () => {
    for (const locale of LOCALES) {
      const files = fs.readdirSync(path.join(import.meta.dirname, "messages", locale)).map((f) => f.replace(/\.json$/, ""));
      expect(files.sort()).toEqual([...NAMESPACES].sort());
    }
  });

  it("has the same keys in every locale, none empty", async () => {
    const [base, ...others] = await Promise.all(LOCALES.map((l) => loadMessages(l)));
    const baseKeys = flatKeys(base).sort();
    for (const other of others) expect(flatKeys(other).sort()).toEqual(baseKeys);
    for (const m of [base, ...others]) {
      const empty = flatKeys(m).filter((k) => k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], m) === "");
      expect(empty).toEqual([]);
    }
  });

  it("has placeholders that match across locales", async () => {
    const [en, zh] = await Promise.all(LOCALES.map((l) => loadMessages(l)));
    // A placeholder is `{name}` or `{name, type…`; the text of a select or plural branch (`{it has…}`) is not.
    const vars = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\s*[,}]/g)].map((m) => m[1]))].sort();
    for (const key of flatKeys(en)) {
      const get = (m: Record<string, unknown>) => key.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], m) as string;
      expect(vars(get(zh!)), key).toEqual(vars(get(en!)));
    }
  });

  it("is put together once per locale and process (every request asks for it)", async () => {
    const [first, again] = [await loadMessages("en"), await loadMessages("en")];
    expect(again).toBe(first);
    expect(await loadMessages("zh-CN")).not.toBe(first);
  });
});
