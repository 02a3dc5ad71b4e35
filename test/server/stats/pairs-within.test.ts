import { describe, expect, it } from 'vitest';
import { DISTANCE_TOLERANCE_M, forEachPairWithin } from '../../../server/stats/pairs-within.ts';
import { mulberry32 } from '../../../server/stats/random.ts';

/** Flat-top hexagon centroids with edge length `edge` metres, computed in floats as a grid builder would. */
function hexCentroids(cols: number, rows: number, edge: number): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      xs.push(1.5 * edge * c + 512_345.678);
      ys.push(Math.sqrt(3) * edge * (r + 0.5 * (c & 1)) + 6_398_765.432);
    }
  }
  return { xs, ys };
}

function pairKeys(xs: number[], ys: number[], reach: number): string[] {
  const keys: string[] = [];
  forEachPairWithin(xs, ys, reach, (i, j) => keys.push(i < j ? `${i}-${j}` : `${j}-${i}`));
  return keys.sort();
}

describe('forEachPairWithin', () => {
  it('finds exactly the pairs an O(n²) scan finds, each once, with their distances', () => {
    const random = mulberry32(11);
    const xs = Array.from({ length: 400 }, () => random() * 3000);
    const ys = Array.from({ length: 400 }, () => random() * 2000);
    const expected: string[] = [];
    for (let i = 0; i < xs.length; i++) {
      for (let j = i + 1; j < xs.length; j++) if (Math.hypot(xs[i] - xs[j], ys[i] - ys[j]) <= 250) expected.push(`${i}-${j}`);
    }
    expect(pairKeys(xs, ys, 250)).toEqual(expected.sort());
    forEachPairWithin(xs, ys, 250, (i, j, d) => expect(d).toBeCloseTo(Math.hypot(xs[i] - xs[j], ys[i] - ys[j]), 9));
  });

  it('keeps hexagon neighbours at exactly the band distance (3 × edge) with the tolerance', () => {
    // Rings around an interior flat-top hexagon of edge 200: 6 at 346.4 m, then 6 at exactly
    // 600 m and 6 at 692.8 m, so a 600 m band must give 12 neighbours however the floats round.
    const { xs, ys } = hexCentroids(9, 9, 200);
    const centre = 4 * 9 + 4;
    let neighbours = 0;
    forEachPairWithin(xs, ys, 600 + DISTANCE_TOLERANCE_M, (i, j) => {
      if (i === centre || j === centre) neighbours++;
    });
    expect(neighbours).toBe(12);
  });

  it('finds only coincident points with reach 0', () => {
    expect(pairKeys([5, 5, 6, 5], [1, 1, 1, 1], 0)).toEqual(['0-1', '0-3', '1-3']);
  });

  it('visits nothing for fewer than two points', () => {
    expect(pairKeys([1], [1], 10)).toEqual([]);
  });

  it('rejects a negative reach and mismatched coordinate arrays', () => {
    expect(() => forEachPairWithin([0], [0], -1, () => {})).toThrow(RangeError);
    expect(() => forEachPairWithin([0, 1], [0], 1, () => {})).toThrow(RangeError);
  });
});
