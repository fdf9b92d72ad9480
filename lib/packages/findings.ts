// Findings of an inspection, with a cap so a hostile package cannot make the report itself huge.
//
// A finding is `{code, message, path?}` (CONTRACT §4) plus `key` and `params`: the catalog entry
// (lib/i18n/messages/*/findings.json) and its parameters, from which the console writes it in the reader's
// language. `message` is the same entry rendered in English, for API clients and logs.

import { createTranslator } from "use-intl/core";
import en from "../i18n/messages/en/findings.json";
import type { InspectionErrorCode, InspectionWarningCode } from "./catalog";
import { findingText, type FindingParams } from "./finding-text";

export type { FindingParams } from "./finding-text";

export type Finding = { code: string; message: string; path?: string; key?: string; params?: FindingParams };

/** Past this many findings of one code, the rest are summarised in one last finding. */
const MAX_PER_CODE = 50;

const english = createTranslator({ locale: "en", messages: { findings: en }, namespace: "findings" });

/** The English text of a catalog entry, as the console's English shows it. */
export function englishText(key: string, params: FindingParams = {}): string {
  // The catalog is ours: a key missing from it is a bug that the findings test catches, not user input.
  return findingText(english as unknown as Parameters<typeof findingText>[0], "en", { message: key, key, params });
}

export class FindingList<Code extends InspectionErrorCode | InspectionWarningCode> {
  private readonly items: Finding[] = [];
  private readonly counts = new Map<Code, number>();
  private readonly seen = new Set<string>();

  /** `key` is relative to the code: `add("too_large", "packed", …)` is the catalog's `too_large.packed`. */
  add(code: Code, key: string, params: FindingParams = {}, path?: string): void {
    const fullKey = `${code}.${key}`;
    // The same finding twice (one API called in ten places) tells the reviewer nothing more.
    const dedupe = JSON.stringify([fullKey, params, path ?? null]);
    if (this.seen.has(dedupe)) return;
    this.seen.add(dedupe);
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count > MAX_PER_CODE) return;
    const message = englishText(fullKey, params);
    this.items.push(path === undefined ? { code, message, key: fullKey, params } : { code, message, path, key: fullKey, params });
  }

  has(code: Code): boolean {
    return this.counts.has(code);
  }

  /** Every distinct finding added, including those past the cap. */
  get count(): number {
    return this.seen.size;
  }

  toArray(): Finding[] {
    const omitted = [...this.counts].filter(([, count]) => count > MAX_PER_CODE);
    return [
      ...this.items,
      ...omitted.map(([code, count]) => {
        const params = { count: count - MAX_PER_CODE, code };
        return { code, message: englishText("more", params), key: "more", params };
      }),
    ];
  }
}

/** Entry names come from the uploader: make control characters visible before they reach a report or a log. */
export function displayPath(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
