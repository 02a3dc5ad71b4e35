import { describe, expect, it } from 'vitest';
import { weightedShare, wilsonInterval, Z_95 } from '../../../server/stats/wilson.ts';

describe('wilsonInterval', () => {
  it('gives (0.4902, 0.9433) for 8 of 10, the textbook Wilson interval', () => {
    // p̂ = 0.8, z²/n = 0.38415; centre = (0.8 + 0.19207)/1.38415 = 0.71674;
    // half = (1.95996/1.38415)·√(0.016 + 0.0096036) = 0.22658.
    const interval = wilsonInterval(8, 10);
    expect(interval?.low).toBeCloseTo(0.4901624715366417, 14);
    expect(interval?.high).toBeCloseTo(0.9433178485456247, 14);
  });

  it('has ends that solve the score equation (p̂ − p)² = z² p(1 − p)/n', () => {
    // The Wilson interval is the set of p the score test does not reject, so each end is a root.
    for (const [s, n] of [
      [37, 120],
      [3, 7],
      [1.8, 3.6],
    ]) {
      const interval = wilsonInterval(s, n);
      for (const p of [interval?.low as number, interval?.high as number]) {
        expect((s / n - p) ** 2 - (Z_95 * Z_95 * p * (1 - p)) / n).toBeCloseTo(0, 14);
      }
    }
  });

  it('runs from 0 to z²/(n + z²) = 0.27753 for 0 of 10', () => {
    const interval = wilsonInterval(0, 10);
    expect(interval?.low).toBe(0);
    expect(interval?.high).toBeCloseTo((Z_95 * Z_95) / (10 + Z_95 * Z_95), 15);
  });

  it('runs from n/(n + z²) = 0.72247 to 1 for 10 of 10', () => {
    const interval = wilsonInterval(10, 10);
    expect(interval?.low).toBeCloseTo(10 / (10 + Z_95 * Z_95), 15);
    expect(interval?.high).toBe(1);
  });

  it('narrows with a smaller z', () => {
    const wide = wilsonInterval(30, 100) as { low: number; high: number };
    const narrow = wilsonInterval(30, 100, 1) as { low: number; high: number };
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
  });

  it('is null for n = 0', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('rejects successes above n', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
  });
});

describe('weightedShare', () => {
  const unweighted = (trues: number, falses: number) => [
    ...Array.from({ length: trues }, () => ({ value: true, weight: 1 })),
    ...Array.from({ length: falses }, () => ({ value: false, weight: 1 })),
  ];

  it('equals the plain share and Wilson interval when every weight is 1', () => {
    const result = weightedShare(unweighted(8, 2));
    const interval = wilsonInterval(8, 10);
    expect(result).toEqual({ share: 0.8, low: interval?.low, high: interval?.high, n: 10, n_eff: 10 });
  });

  it('uses the Kish effective sample size: weights 2, 1, 1, 2 give n_eff = 6²/10 = 3.6', () => {
    // Σw = 6, Σw² = 4 + 1 + 1 + 4 = 10; true weight 2 + 1 = 3, so share = 3/6 = 0.5 and the
    // interval is Wilson for 1.8 successes of 3.6.
    const result = weightedShare([
      { value: true, weight: 2 },
      { value: false, weight: 1 },
      { value: true, weight: 1 },
      { value: false, weight: 2 },
    ]);
    expect(result.share).toBe(0.5);
    expect(result.n).toBe(4);
    expect(result.n_eff).toBeCloseTo(3.6, 14);
    expect(result.low).toBeCloseTo(0.14075638831899122, 14);
    expect(result.high).toBeCloseTo(0.8592436116810088, 14);
  });

  it('is unchanged when every weight is multiplied by the same factor', () => {
    const items = [
      { value: true, weight: 0.7 },
      { value: false, weight: 1.9 },
      { value: true, weight: 3.1 },
      { value: false, weight: 0.4 },
      { value: true, weight: 1.2 },
    ];
    const scaled = weightedShare(items.map((i) => ({ ...i, weight: i.weight * 250 })));
    const base = weightedShare(items);
    expect(scaled.share).toBeCloseTo(base.share as number, 14);
    expect(scaled.n_eff).toBeCloseTo(base.n_eff, 12);
    expect(scaled.low).toBeCloseTo(base.low as number, 12);
  });

  it('gives a wider interval than equal weights with the same n and share', () => {
    const equal = weightedShare(unweighted(10, 10));
    const unequal = weightedShare(
      Array.from({ length: 20 }, (_, k) => ({ value: k % 2 === 0, weight: k < 10 ? 1 : 3 })),
    );
    expect(unequal.share).toBe(0.5);
    expect(unequal.n_eff).toBeLessThan(20);
    expect((unequal.high as number) - (unequal.low as number)).toBeGreaterThan((equal.high as number) - (equal.low as number));
  });

  it('leaves zero-weight items out of n and the share', () => {
    const result = weightedShare([...unweighted(3, 1), { value: false, weight: 0 }]);
    expect(result.n).toBe(4);
    expect(result.share).toBe(0.75);
  });

  it('gives a null share and n = 0 for no items', () => {
    expect(weightedShare([])).toEqual({ share: null, low: null, high: null, n: 0, n_eff: 0 });
  });

  it('rejects a negative weight', () => {
    expect(() => weightedShare([{ value: true, weight: -1 }])).toThrow(RangeError);
  });
});
