// Latency statistics for the benchmark: exact percentiles over recorded samples (no histogram buckets), so a
// figure in the report is a value that was actually measured.

/**
 * The p-th percentile (0–100) by the nearest-rank method: the smallest sample with at least p% of the samples
 * at or below it. NaN for no samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0–100`);
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export type Summary = { n: number; min: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  const mean = n ? samples.reduce((a, b) => a + b, 0) / n : Number.NaN;
  return {
    n,
    min: n ? Math.min(...samples) : Number.NaN,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: n ? Math.max(...samples) : Number.NaN,
    mean,
  };
}

/** The median of a few repeated timings (a baseline run 3 or 5 times). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Rounds for the report: 3 significant digits, at most 2 decimals. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (value === 0) return 0;
  const digits = Math.max(0, Math.min(2, 2 - Math.floor(Math.log10(Math.abs(value)))));
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
