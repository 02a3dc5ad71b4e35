import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, twoSidedP } from '../../../server/stats/normal.ts';

// Φ(z) to 20 significant digits from mpmath 1.3 (mp.dps = 40, mp.ncdf).
const REFERENCE_CDF: [z: number, phi: number][] = [
  [-37.5, 4.6053530095819548438e-308],
  [-30, 4.9067139271481870595e-198],
  [-20, 2.7536241186062336951e-89],
  [-10, 7.619853024160526066e-24],
  [-8.3, 5.2055697448902540246e-17],
  [-8, 6.2209605742717841235e-16],
  [-6, 9.865876450376981407e-10],
  [-5, 2.8665157187919391167e-7],
  [-4.5, 3.3976731247300604017e-6],
  [-3.3, 0.0004834241423837775071],
  [-2, 0.0227501319481792072],
  [-1, 0.15865525393145705141],
  [-0.5, 0.30853753872598689636],
  [-0.3, 0.38208857781104736693],
  [0, 0.5],
  [0.2, 0.57925970943910302738],
  [1, 0.84134474606854294859],
  [3, 0.99865010196836990547],
  [5, 0.99999971334842812081],
];

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / expected;

describe('normalCdf', () => {
  it('matches 40-digit reference values to 1e-14 relative for |z| ≤ 10', () => {
    for (const [z, phi] of REFERENCE_CDF.filter(([z]) => Math.abs(z) <= 10)) {
      expect(relativeError(normalCdf(z), phi), `z = ${z}`).toBeLessThan(1e-14);
    }
  });

  it('stays accurate to 2e-13 relative deep in the lower tail (z = −20 … −37.5)', () => {
    // The only loss is the rounding of z/√2, amplified by 2x² in the exponent.
    for (const [z, phi] of REFERENCE_CDF.filter(([z]) => z < -10)) {
      expect(relativeError(normalCdf(z), phi), `z = ${z}`).toBeLessThan(2e-13);
    }
  });

  it('is symmetric: Φ(z) + Φ(−z) = 1', () => {
    for (const z of [0.1, 0.46875, 0.7, 1.3, 2.5, 3.9, 4.1, 6.2]) {
      expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 15);
    }
  });

  it('is monotone across the boundaries between the approximation intervals', () => {
    // erfc switches formulas at x = 0.46875 and x = 4, i.e. z = ±0.6629 and ±5.657.
    const zs = Array.from({ length: 2001 }, (_, k) => -8 + k * 0.008);
    for (let k = 1; k < zs.length; k++) expect(normalCdf(zs[k])).toBeGreaterThanOrEqual(normalCdf(zs[k - 1]));
  });
});

describe('erfc', () => {
  it('is 1 at 0 and satisfies erfc(−x) = 2 − erfc(x)', () => {
    expect(erfc(0)).toBe(1);
    for (const x of [0.3, 1, 2.5, 5]) expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 15);
  });

  it('matches erfc(1) = 0.157299207050285130659 (mpmath)', () => {
    expect(relativeError(erfc(1), 0.15729920705028513066)).toBeLessThan(1e-15);
  });
});

describe('twoSidedP', () => {
  it('gives 1.2441921148543568e-15 at z = 8, not 0 (mpmath erfc(8/√2))', () => {
    const p = twoSidedP(8);
    expect(p).toBeGreaterThan(0);
    expect(relativeError(p, 1.2441921148543568247e-15)).toBeLessThan(1e-14);
  });

  it('gives 0.05 at the 97.5 % quantile and 1 at 0', () => {
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(twoSidedP(0)).toBe(1);
  });

  it('is the same for z and −z', () => {
    expect(twoSidedP(-2.7)).toBe(twoSidedP(2.7));
  });

  it('is still positive at z = 37 (1.1451142445049154e-299, mpmath)', () => {
    expect(relativeError(twoSidedP(37), 1.1451142445049153645e-299)).toBeLessThan(2e-13);
  });
});
