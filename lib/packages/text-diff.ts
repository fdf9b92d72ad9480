// A compact line diff producing unified-diff text, bounded in time, memory and output size.
//
// Common leading and trailing lines are trimmed; the middle is aligned with an LCS table when it is small
// enough, and otherwise shown as one replaced block: a valid diff, just not a minimal one.

export type UnifiedDiffOptions = {
  context?: number;
  /** LCS table cells (old lines × new lines of the trimmed middle) allowed before falling back. */
  maxCells?: number;
  /** Characters of diff text kept; the rest is cut and `truncated` is set. */
  maxChars?: number;
};

export type UnifiedDiff = { text: string; truncated: boolean; minimal: boolean };

type Op = { kind: " " | "-" | "+"; line: Line };
type Line = { text: string; /** Last line of a file that does not end in a newline. */ noEol: boolean };

export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, opts: UnifiedDiffOptions = {}): UnifiedDiff {
  const context = opts.context ?? 3;
  const maxChars = opts.maxChars ?? 64 * 1024;
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const { ops, minimal } = diffLines(a, b, opts.maxCells ?? 2_000_000);
  const hunks = formatHunks(ops, context);
  if (hunks.length === 0) return { text: "", truncated: false, minimal };
  const full = `--- ${oldName}\n+++ ${newName}\n${hunks.join("")}`;
  if (full.length <= maxChars) return { text: full, truncated: false, minimal };
  // Cut at a line boundary so the kept part still reads as a diff.
  const cut = full.lastIndexOf("\n", maxChars);
  return { text: full.slice(0, cut + 1), truncated: true, minimal };
}

function splitLines(text: string): Line[] {
  if (text === "") return [];
  const parts = text.split("\n");
  const endsWithNewline = parts[parts.length - 1] === "";
  if (endsWithNewline) parts.pop();
  return parts.map((part, i) => ({ text: part, noEol: !endsWithNewline && i === parts.length - 1 }));
}

function same(x: Line, y: Line): boolean {
  return x.text === y.text && x.noEol === y.noEol;
}

function diffLines(a: Line[], b: Line[], maxCells: number): { ops: Op[]; minimal: boolean } {
  let start = 0;
  while (start < a.length && start < b.length && same(a[start] as Line, b[start] as Line)) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && same(a[endA - 1] as Line, b[endB - 1] as Line)) {
    endA -= 1;
    endB -= 1;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  // The table holds LCS lengths in 16 bits: min(n, m) must stay below 2^16, which any sane maxCells ensures.
  const minimal = midA.length * midB.length <= maxCells && Math.min(midA.length, midB.length) < 0xffff;
  const middle = minimal ? lcsOps(midA, midB) : replaceOps(midA, midB);
  const keep = (line: Line): Op => ({ kind: " ", line });
  return { ops: [...a.slice(0, start).map(keep), ...middle, ...a.slice(endA).map(keep)], minimal };
}

function replaceOps(a: Line[], b: Line[]): Op[] {
  return [...a.map((line): Op => ({ kind: "-", line })), ...b.map((line): Op => ({ kind: "+", line }))];
}

/** Classic LCS by dynamic programming over suffixes, then a forward walk that emits the edit script. */
function lcsOps(a: Line[], b: Line[]): Op[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const table = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      table[i * width + j] = same(a[i] as Line, b[j] as Line)
        ? (table[(i + 1) * width + j + 1] as number) + 1
        : Math.max(table[(i + 1) * width + j] as number, table[i * width + j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (same(a[i] as Line, b[j] as Line)) {
      ops.push({ kind: " ", line: a[i] as Line });
      i += 1;
      j += 1;
    } else if ((table[(i + 1) * width + j] as number) >= (table[i * width + j + 1] as number)) {
      ops.push({ kind: "-", line: a[i] as Line });
      i += 1;
    } else {
      ops.push({ kind: "+", line: b[j] as Line });
      j += 1;
    }
  }
  for (; i < n; i += 1) ops.push({ kind: "-", line: a[i] as Line });
  for (; j < m; j += 1) ops.push({ kind: "+", line: b[j] as Line });
  return ops;
}

function formatHunks(ops: Op[], context: number): string[] {
  // Line number (1-based) that op i has, or would have, on each side.
  const oldLine = new Uint32Array(ops.length + 1);
  const newLine = new Uint32Array(ops.length + 1);
  oldLine[0] = 1;
  newLine[0] = 1;
  ops.forEach((op, i) => {
    oldLine[i + 1] = (oldLine[i] as number) + (op.kind === "+" ? 0 : 1);
    newLine[i + 1] = (newLine[i] as number) + (op.kind === "-" ? 0 : 1);
  });
  const changed = ops.flatMap((op, index) => (op.kind === " " ? [] : [index]));
  const hunks: string[] = [];
  let k = 0;
  while (k < changed.length) {
    // Grow the hunk while the next change is within 2 × context unchanged lines of the last one.
    let last = changed[k] as number;
    let next = k + 1;
    while (next < changed.length && (changed[next] as number) - last <= 2 * context + 1) {
      last = changed[next] as number;
      next += 1;
    }
    const from = Math.max(0, (changed[k] as number) - context);
    const to = Math.min(ops.length, last + context + 1);
    hunks.push(formatHunk(ops.slice(from, to), oldLine[from] as number, newLine[from] as number));
    k = next;
  }
  return hunks;
}

function formatHunk(ops: Op[], oldStart: number, newStart: number): string {
  let oldCount = 0;
  let newCount = 0;
  const body: string[] = [];
  for (const { kind, line } of ops) {
    if (kind !== "+") oldCount += 1;
    if (kind !== "-") newCount += 1;
    body.push(`${kind}${line.text}\n${line.noEol ? "\\ No newline at end of file\n" : ""}`);
  }
  // A side with no lines in the hunk is numbered by the line before it, as GNU diff does.
  const range = (start: number, count: number) => `${count === 0 ? start - 1 : start},${count}`;
  return `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n${body.join("")}`;
}
