// Findings of an inspection, with a cap so a hostile package cannot make the report itself huge.

import type { InspectionErrorCode, InspectionWarningCode } from "./catalog";

export type Finding = { code: string; message: string; path?: string };

/** Past this many findings of one code, the rest are summarised in one last finding. */
const MAX_PER_CODE = 50;

export class FindingList<Code extends InspectionErrorCode | InspectionWarningCode> {
  private readonly items: Finding[] = [];
  private readonly counts = new Map<Code, number>();
  private readonly seen = new Set<string>();

  add(code: Code, message: string, path?: string): void {
    // The same finding twice (one API called in ten places) tells the reviewer nothing more.
    const key = JSON.stringify([code, message, path ?? null]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count <= MAX_PER_CODE) this.items.push(path === undefined ? { code, message } : { code, message, path });
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
      ...omitted.map(([code, count]) => ({
        code,
        message: `${count - MAX_PER_CODE} more ${code} findings are not listed.`,
      })),
    ];
  }
}

/** Entry names come from the uploader: make control characters visible before they reach a report or a log. */
export function displayPath(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
