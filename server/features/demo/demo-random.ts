/** A seeded stream of uniform numbers in [0, 1) with the draws the demo generator needs. */
export interface DemoRandom {
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A number in [min, max). */
  between(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A standard normal draw (Box–Muller). */
  normal(): number;
  pick<T>(values: readonly T[]): T;
  /** An index drawn with probability proportional to `weights`. */
  weightedIndex(weights: readonly number[]): number;
}

/**
 * Mulberry32 (Tommy Ettinger, public domain) wrapped with convenience draws; the demo keeps
 * its own copy so the generated data cannot change when the statistics code changes its PRNG.
 */
export function createRandom(seed: number): DemoRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: DemoRandom = {
    next,
    int: (n) => Math.floor(next() * n),
    between: (min, max) => min + (max - min) * next(),
    chance: (p) => next() < p,
    normal: () => {
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    pick: (values) => values[Math.floor(next() * values.length)],
    weightedIndex: (weights) => {
      let total = 0;
      for (const w of weights) total += w;
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i];
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
  };
  return random;
}

/**
 * Derives an independent 32-bit seed for one part of the demo (FNV-1a over the label, mixed with
 * the seed), so that e.g. asking for more survey marks leaves the incidents unchanged.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** Splits `total` into integers proportional to `weights` that sum exactly to `total` (largest remainder). */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : 0));
  const counts = exact.map((x) => Math.floor(x));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k].i]++;
  return counts;
}
