/** A source of uniform numbers in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * Mulberry32, a small seeded 32-bit PRNG (Tommy Ettinger, public domain): the same seed
 * always yields the same stream, so Monte Carlo results are reproducible.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Anything indexable and writable by position: plain arrays and typed arrays. */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

/** Shuffles `values` in place into a uniformly random order (Fisher–Yates). */
export function shuffleInPlace<T>(values: MutableArrayLike<T>, random: Random): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
}
