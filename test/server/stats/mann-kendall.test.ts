import { describe, expect, it } from 'vitest';
import { mannKendall } from '../../../server/stats/mann-kendall.ts';
import { twoSidedP } from '../../../server/stats/normal.ts';

/** Every ordering of `values` (n! of them, duplicates included, each equally likely under H0). */
function permutations(values: number[]): number[][] {
  if (values.length <= 1) return [values];
  return values.flatMap((v, i) => permutations([...values.slice(0, i), ...values.slice(i + 1)]).map((rest) => [v, ...rest]));
}

describe('mannKendall', () => {
  it('gives S = 45, Var = 125 and Z = 44/√125 = 3.9355 for a strictly increasing series of 10', () => {
    // All 45 pairs rise; Var = 10·9·25/18 = 125; continuity-corrected Z = (45 − 1)/√125.
    const result = mannKendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.s).toBe(45);
    expect(result.z).toBeCloseTo(3.935479640399, 11);
    expect(result.p).toBeCloseTo(twoSidedP(44 / Math.sqrt(125)), 15);
    expect(result.p).toBeLessThan(1e-4);
    expect(result.trend).toBe('up');
  });

  it('gives S = −45 and a downward trend for the reversed series', () => {
    const result = mannKendall([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(result.s).toBe(-45);
    expect(result.z).toBeCloseTo(-44 / Math.sqrt(125), 12);
    expect(result.trend).toBe('down');
  });

  it('corrects the variance for ties: [1, 2, 2, 3] gives S = 5, Var = 138/18, no trend', () => {
    // Pairs: (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+ → S = 5.
    // Var = (4·3·13 − 2·1·9)/18 = (156 − 18)/18; Z = 4/√(138/18) = 1.4446, p = 0.1486.
    const result = mannKendall([1, 2, 2, 3]);
    expect(result.s).toBe(5);
    expect(result.z).toBeCloseTo(4 / Math.sqrt(138 / 18), 12);
    expect(result.p).toBeCloseTo(0.14857, 4);
    expect(result.trend).toBe('none');
  });

  it('uses the exact permutation variance of S for a tied series', () => {
    // Over all 720 orderings of [1, 1, 2, 3, 3, 3], S has mean 0 and variance
    // (6·5·17 − 2·1·9 − 3·2·11)/18 = 426/18; Z at S = 1 recovers that variance.
    const values = [1, 1, 2, 3, 3, 3];
    const ss = permutations(values).map((order) => mannKendall(order).s);
    const mean = ss.reduce((a, s) => a + s, 0) / ss.length;
    const variance = ss.reduce((a, s) => a + s * s, 0) / ss.length;
    expect(mean).toBe(0);
    expect(variance).toBeCloseTo(426 / 18, 12);
    const withS3 = permutations(values).map((o) => mannKendall(o)).find((r) => r.s === 3);
    expect(withS3?.z).toBeCloseTo(2 / Math.sqrt(variance), 12);
  });

  it('respects alpha: 5 increasing values (p = 0.0275) trend at 0.05 but not at 0.01', () => {
    // S = 10, Var = 5·4·15/18 = 16.667, Z = 9/√16.667 = 2.2045.
    expect(mannKendall([3, 4, 6, 7, 9]).p).toBeCloseTo(0.027486, 5);
    expect(mannKendall([3, 4, 6, 7, 9]).trend).toBe('up');
    expect(mannKendall([3, 4, 6, 7, 9], 0.01).trend).toBe('none');
  });

  it('gives Z = 0 and p = 1 when rises and falls balance', () => {
    const result = mannKendall([1, 3, 2, 4, 0]);
    // Pairs rising: (1,3)(1,2)(1,4)(3,4)(2,4) = 5; falling: (1,0)(3,2)(3,0)(2,0)(4,0) = 5.
    expect(result.s).toBe(0);
    expect(result.z).toBe(0);
    expect(result.p).toBe(1);
  });

  it('gives null z and p and no trend for a constant series or fewer than two values', () => {
    expect(mannKendall([4, 4, 4, 4])).toEqual({ s: 0, z: null, p: null, trend: 'none' });
    expect(mannKendall([4])).toEqual({ s: 0, z: null, p: null, trend: 'none' });
    expect(mannKendall([])).toEqual({ s: 0, z: null, p: null, trend: 'none' });
  });
});
