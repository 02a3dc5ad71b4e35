import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../../server/stats/fdr.ts';
import { mulberry32 } from '../../../server/stats/random.ts';

/** BH by its definition, adj_i = min over ranks j ≥ rank(i) of m·p_(j)/j, in O(m²). */
function bruteForceBH(p: number[]): number[] {
  const m = p.length;
  const sorted = [...p].sort((a, b) => a - b);
  return p.map((pi) => {
    const rank = sorted.indexOf(pi) + 1;
    let best = 1;
    for (let j = rank; j <= m; j++) best = Math.min(best, (m * sorted[j - 1]) / j);
    return best;
  });
}

describe('benjaminiHochberg', () => {
  it('adjusts [0.01, 0.04, 0.03, 0.005] to [0.02, 0.04, 0.04, 0.02]', () => {
    // Sorted: 0.005, 0.01, 0.03, 0.04 → m·p/k = 0.02, 0.02, 0.04, 0.04 (already monotone).
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    [0.02, 0.04, 0.04, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 15));
  });

  it('enforces monotonicity with the step-up minimum', () => {
    // Sorted 0.001, 0.04, 0.041, 0.9 → raw 0.004, 0.08, 0.054667, 0.9; the second takes the
    // third's smaller value so that adjusted p never decreases with rank.
    const adjusted = benjaminiHochberg([0.9, 0.041, 0.001, 0.04]);
    [0.9, (4 * 0.041) / 3, 0.004, (4 * 0.041) / 3].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 15));
  });

  it('passes nulls through and counts only non-null p-values in m', () => {
    // m = 2: 0.01 → 2·0.01/1 = 0.02, 0.04 → 2·0.04/2 = 0.04.
    const adjusted = benjaminiHochberg([null, 0.01, null, 0.04]);
    expect(adjusted[0]).toBeNull();
    expect(adjusted[1]).toBeCloseTo(0.02, 15);
    expect(adjusted[2]).toBeNull();
    expect(adjusted[3]).toBeCloseTo(0.04, 15);
  });

  it('returns all nulls for all-null input and [] for []', () => {
    expect(benjaminiHochberg([null, null])).toEqual([null, null]);
    expect(benjaminiHochberg([])).toEqual([]);
  });

  it('gives tied p-values the same adjusted value', () => {
    expect(benjaminiHochberg([0.03, 0.03, 0.03])).toEqual([0.03, 0.03, 0.03]);
  });

  it('matches the O(m²) definition on random p-values, never below p nor above 1', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 20; trial++) {
      const p = Array.from({ length: 50 }, () => (random() < 0.3 ? random() * 0.01 : random()));
      const adjusted = benjaminiHochberg(p) as number[];
      const expected = bruteForceBH(p);
      adjusted.forEach((a, i) => {
        expect(a).toBeCloseTo(expected[i], 14);
        expect(a).toBeGreaterThanOrEqual(p[i]);
        expect(a).toBeLessThanOrEqual(1);
      });
    }
  });

  it('rejects a p-value outside [0, 1]', () => {
    expect(() => benjaminiHochberg([0.5, 1.2])).toThrow(RangeError);
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(RangeError);
  });
});
