// A small seeded pseudo-random generator for synthetic data: the demo seed, the simulator, the benchmark's
// dataset and test fixtures. One seed gives the same sequence on every machine. Never for secrets or ids
// (those use node:crypto).

/** mulberry32: small, fast, good enough for synthetic data; answers floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
