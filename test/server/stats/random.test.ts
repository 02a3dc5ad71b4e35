import { describe, expect, it } from 'vitest';
import { mulberry32, shuffleInPlace } from '../../../server/stats/random.ts';

describe('mulberry32', () => {
  it('repeats the same stream for the same seed and differs for another seed', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const c = mulberry32(124);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
  });

  it('draws from [0, 1) evenly: chi-square over 10 bins below the 99.9 % critical value 27.88', () => {
    const random = mulberry32(2025);
    const bins = new Array(10).fill(0);
    const draws = 100_000;
    let outside = 0;
    for (let k = 0; k < draws; k++) {
      const u = random();
      if (u < 0 || u >= 1) outside++;
      else bins[Math.floor(u * 10)]++;
    }
    expect(outside).toBe(0);
    const chiSquare = bins.reduce((a, o) => a + (o - draws / 10) ** 2 / (draws / 10), 0);
    expect(chiSquare).toBeLessThan(27.88);
  });
});

describe('shuffleInPlace', () => {
  it('returns a permutation of the input', () => {
    const values = Array.from({ length: 50 }, (_, k) => k);
    shuffleInPlace(values, mulberry32(1));
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, k) => k));
    expect(values).not.toEqual(Array.from({ length: 50 }, (_, k) => k));
  });

  it('makes all 6 orders of three items equally likely (chi-square < 20.52, 99.9 %)', () => {
    const random = mulberry32(8);
    const counts = new Map<string, number>();
    const shuffles = 60_000;
    for (let k = 0; k < shuffles; k++) {
      const values = new Float64Array([1, 2, 3]);
      shuffleInPlace(values, random);
      const key = values.join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const chiSquare = [...counts.values()].reduce((a, o) => a + (o - shuffles / 6) ** 2 / (shuffles / 6), 0);
    expect(chiSquare).toBeLessThan(20.52);
  });
});
