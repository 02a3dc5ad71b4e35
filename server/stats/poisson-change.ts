import { binomialCdf } from './binomial.ts';

/** Outcome of comparing two Poisson counts over equal-length periods. */
export interface PoissonChange {
  /** Two-sided exact p-value; null when both counts are 0. */
  p: number | null;
  /** p < 0.05; never true when both counts are 0. */
  significant: boolean;
  /** (a − b) / b × 100, unrounded; null when b = 0. */
  change_pct: number | null;
}

const ALPHA = 0.05;

/**
 * Exact conditional test of count a (now) against count b (comparison period of equal length)
 * per SPEC §5: with X ~ Binomial(a + b, ½), p = min(1, 2·min(P(X ≤ a), P(X ≥ a))).
 */
export function poissonChangeTest(a: number, b: number): PoissonChange {
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer count, got ${v}`);
  }
  const change_pct = b === 0 ? null : ((a - b) / b) * 100;
  const n = a + b;
  if (n === 0) return { p: null, significant: false, change_pct };
  // Binomial(n, ½) is symmetric, P(X ≥ a) = P(X ≤ n − a) = P(X ≤ b), so the smaller of the
  // two tails is the lower tail at min(a, b); summing it directly keeps tiny p-values exact
  // in relative terms instead of forming 1 − (something close to 1).
  const p = Math.min(1, 2 * binomialCdf(Math.min(a, b), n, 0.5));
  return { p, significant: p < ALPHA, change_pct };
}
