import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialPmf } from '../../../server/stats/binomial.ts';

/** C(n, 0..n) as exact integers, the reference the Loader computation is checked against. */
function exactBinomialRow(n: number): bigint[] {
  const row = [1n];
  for (let j = 0; j < n; j++) row.push((row[j] * BigInt(n - j)) / BigInt(j + 1));
  return row;
}

/** num / 2^log2Den rounded to a double (to 2^-60), for numerators with thousands of bits. */
function overPowerOfTwo(num: bigint, log2Den: number): number {
  const shift = Math.max(0, num.toString(2).length - 62);
  const exponent = shift - log2Den;
  const half = Math.trunc(exponent / 2);
  return Number(num >> BigInt(shift)) * 2 ** half * 2 ** (exponent - half);
}

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / expected;

describe('binomialPmf', () => {
  it('matches exact C(n, k)/2^n for every k at n = 1, 17, 600: 1e-14 in the body, 1e-12 in the tails', () => {
    // The result is exp(log P) with log P assembled from terms as large as ~n, each rounded to
    // ~1e-16, so far tails lose a few more digits than the body.
    for (const n of [1, 17, 600]) {
      const row = exactBinomialRow(n);
      for (let k = 0; k <= n; k++) {
        const exact = overPowerOfTwo(row[k], n);
        if (exact < 1e-300) continue;
        const tolerance = exact > 1e-4 ? 1e-14 : 1e-12;
        expect(relativeError(binomialPmf(k, n, 0.5), exact), `n=${n} k=${k}`).toBeLessThan(tolerance);
      }
    }
  });

  it('matches 40-digit references for p = 0.3 (mpmath loggamma)', () => {
    expect(relativeError(binomialPmf(280, 1000, 0.3), 0.010700779097633626017)).toBeLessThan(1e-13);
    expect(relativeError(binomialPmf(3_000_000, 10_000_000, 0.3), 0.00027529631924020770334)).toBeLessThan(1e-13);
    expect(relativeError(binomialPmf(2_990_000, 10_000_000, 0.3), 1.2396265185771672604e-14)).toBeLessThan(1e-12);
  });

  it('handles the ends k = 0 and k = n and is 0 outside 0..n', () => {
    expect(binomialPmf(0, 10, 0.5)).toBe(1 / 1024);
    expect(binomialPmf(10, 10, 0.5)).toBe(1 / 1024);
    expect(relativeError(binomialPmf(0, 20, 0.05), 0.95 ** 20)).toBeLessThan(1e-14);
    expect(binomialPmf(11, 10, 0.5)).toBe(0);
    expect(binomialPmf(-1, 10, 0.5)).toBe(0);
  });

  it('rejects a non-integer n or a p outside [0, 1]', () => {
    expect(() => binomialPmf(1, 2.5, 0.5)).toThrow(RangeError);
    expect(() => binomialPmf(1, 2, 1.5)).toThrow(RangeError);
  });
});

describe('binomialCdf', () => {
  it('matches the exact cumulative sum for every k at n = 999 (p = ½)', () => {
    const n = 999;
    const row = exactBinomialRow(n);
    let cumulative = 0n;
    for (let k = 0; k <= n; k++) {
      cumulative += row[k];
      const exact = overPowerOfTwo(cumulative, n);
      if (exact < 1e-300) continue;
      expect(relativeError(binomialCdf(k, n, 0.5), exact), `k=${k}`).toBeLessThan(1e-12);
    }
  });

  it('matches 40-digit references for p = 0.3 on both sides of the mean (mpmath summation)', () => {
    expect(relativeError(binomialCdf(250, 1000, 0.3), 0.00025980303652893069016)).toBeLessThan(1e-12);
    // k above the mean goes through 1 − upper tail.
    expect(relativeError(binomialCdf(330, 1000, 0.3), 0.98168757857617891061)).toBeLessThan(1e-13);
    expect(relativeError(binomialCdf(2_995_000, 10_000_000, 0.3), 0.00027979029218726989861)).toBeLessThan(1e-11);
  });

  it('is 0 below 0 and 1 from n on', () => {
    expect(binomialCdf(-1, 5, 0.5)).toBe(0);
    expect(binomialCdf(5, 5, 0.5)).toBe(1);
  });
});
