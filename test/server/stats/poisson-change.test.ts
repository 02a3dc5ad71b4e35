import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../../server/stats/normal.ts';
import { poissonChangeTest } from '../../../server/stats/poisson-change.ts';

/**
 * The SPEC §5 p-value computed by brute force: both tails summed exactly as BigInt
 * numerators over 2^n, then p = min(1, 2·min(P(X ≤ a), P(X ≥ a))) rounded once.
 */
function bruteForceP(a: number, b: number): number {
  const n = a + b;
  let c = 1n;
  let atMostA = 0n;
  let atLeastA = 0n;
  for (let j = 0; j <= n; j++) {
    if (j <= a) atMostA += c;
    if (j >= a) atLeastA += c;
    c = (c * BigInt(n - j)) / BigInt(j + 1);
  }
  const smaller = atMostA < atLeastA ? atMostA : atLeastA;
  const doubled = 2n * smaller;
  const denominator = 1n << BigInt(n);
  if (doubled >= denominator) return 1;
  // Scale so the quotient keeps 60 significant bits before converting to a double.
  const shift = Math.max(0, 60 - (doubled.toString(2).length - n));
  return Number((doubled << BigInt(shift)) / denominator) / 2 ** shift;
}

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / expected;

/** Normal approximation with continuity correction to the same two-sided p. */
function normalApproximationP(a: number, b: number): number {
  const n = a + b;
  return Math.min(1, 2 * normalCdf((Math.min(a, b) + 0.5 - n / 2) / (Math.sqrt(n) / 2)));
}

describe('poissonChangeTest', () => {
  it('gives p = 2·79/4096 for a = 10, b = 2, significant, +400 %', () => {
    // n = 12: P(X ≥ 10) = (C(12,10) + C(12,11) + C(12,12)) / 2^12 = (66 + 12 + 1)/4096 = 79/4096,
    // smaller than P(X ≤ 10) = 1 − (12 + 1)/4096; p = 158/4096 = 0.03857421875.
    const result = poissonChangeTest(10, 2);
    expect(result.p).toBeCloseTo(158 / 4096, 15);
    expect(result.significant).toBe(true);
    expect(result.change_pct).toBe(400);
  });

  it('gives the same p when the periods are swapped, and −80 %', () => {
    const result = poissonChangeTest(2, 10);
    expect(result.p).toBe(poissonChangeTest(10, 2).p);
    expect(result.change_pct).toBe(-80);
  });

  it('is not significant at a = 9, b = 3 (p = 2·299/4096 = 0.146)', () => {
    // P(X ≥ 9 | n = 12) = (220 + 66 + 12 + 1)/4096 = 299/4096.
    const result = poissonChangeTest(9, 3);
    expect(result.p).toBeCloseTo(598 / 4096, 15);
    expect(result.significant).toBe(false);
  });

  it('gives p = 1 and 0 % when a = b', () => {
    expect(poissonChangeTest(7, 7)).toEqual({ p: 1, significant: false, change_pct: 0 });
  });

  it('gives p null, not significant and change null when a + b = 0', () => {
    expect(poissonChangeTest(0, 0)).toEqual({ p: null, significant: false, change_pct: null });
  });

  it('needs 6 against 0 to be significant: p = 2/32 at a = 5, 2/64 at a = 6, change null', () => {
    // With b = 0, P(X ≥ a | n = a) = 2^−a.
    expect(poissonChangeTest(5, 0)).toEqual({ p: 0.0625, significant: false, change_pct: null });
    expect(poissonChangeTest(6, 0)).toEqual({ p: 0.03125, significant: true, change_pct: null });
  });

  it('gives −100 % when the count falls to 0', () => {
    expect(poissonChangeTest(0, 5).change_pct).toBe(-100);
  });

  it('matches the brute-force exact sum for all a, b ≤ 40 and for scattered pairs up to n = 1500', () => {
    const pairs: [number, number][] = [];
    for (let a = 0; a <= 40; a++) for (let b = 0; b <= 40; b++) if (a + b > 0) pairs.push([a, b]);
    pairs.push([700, 800], [760, 740], [1000, 500], [1000, 20], [300, 1200], [123, 456]);
    for (const [a, b] of pairs) {
      const expected = bruteForceP(a, b);
      const { p } = poissonChangeTest(a, b);
      expect(relativeError(p as number, expected), `a=${a} b=${b}`).toBeLessThan(1e-12);
    }
  });

  it('agrees with the normal approximation for counts in the millions', () => {
    // Continuity-corrected normal p is within ~1e-6 relative at n = 10^7 for moderate z.
    for (const [a, b] of [
      [5_005_000, 4_995_000],
      [5_001_000, 4_999_000],
      [60_000, 59_000],
    ]) {
      expect(relativeError(poissonChangeTest(a, b).p as number, normalApproximationP(a, b)), `a=${a}`).toBeLessThan(5e-5);
    }
  });

  it('matches 40-digit references at n = 10^7, including p ≈ 1e-36 (mpmath summation)', () => {
    expect(relativeError(poissonChangeTest(5_005_000, 4_995_000).p as number, 0.0015671019056953984809)).toBeLessThan(1e-11);
    expect(relativeError(poissonChangeTest(5_001_000, 4_999_000).p as number, 0.52729585620664379774)).toBeLessThan(1e-11);
    expect(relativeError(poissonChangeTest(5_020_000, 4_980_000).p as number, 1.1358045089106402936e-36)).toBeLessThan(1e-10);
  });

  it('returns an underflowed but valid p = 0 for an extreme split', () => {
    const result = poissonChangeTest(9_000_000, 1_000_000);
    expect(result.p).toBe(0);
    expect(result.significant).toBe(true);
    expect(poissonChangeTest(5_000_000, 5_000_000).p).toBe(1);
  });

  it('rejects negative and fractional counts', () => {
    expect(() => poissonChangeTest(-1, 3)).toThrow(RangeError);
    expect(() => poissonChangeTest(2.5, 3)).toThrow(RangeError);
  });
});
