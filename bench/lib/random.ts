// Deterministic randomness for the benchmark's dataset: one seed gives the same rows on every machine, so
// two runs (or two databases in one run) load exactly the same data.
import { prng } from "@/lib/random";

export { prng };

/** Zipf weights for ranks 1..n with exponent s, normalised to sum 1: rank 1 is the biggest. */
export function zipfWeights(n: number, s: number): number[] {
  const raw = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}

/** Samples indexes in proportion to weights in O(log n): a cumulative table and a binary search. */
export function weightedSampler(weights: readonly number[]): (rand: () => number) => number {
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w));
  return (rand) => {
    const x = rand() * acc;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * Splits `total` into integer parts proportional to weights (largest remainder), each at least `min`;
 * the parts always add up to `total` (when total ≥ min × parts).
 */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  const spare = total - min * n;
  if (spare < 0) throw new RangeError(`cannot give ${n} parts at least ${min} out of ${total}`);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * spare);
  const parts = exact.map((x) => Math.floor(x));
  let left = spare - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i]!++;
    left--;
  }
  return parts.map((p) => p + min);
}

/** A stable 32-bit hash of a string (FNV-1a), for deriving per-entity seeds. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
