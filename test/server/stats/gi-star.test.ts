import { describe, expect, it } from 'vitest';
import { classify, getisOrdGiStar } from '../../../server/stats/gi-star.ts';
import { twoSidedP } from '../../../server/stats/normal.ts';
import { mulberry32 } from '../../../server/stats/random.ts';

type Cell = { x: number; y: number; count: number };

/** Flat-top hexagon centroids (edge `edge` m) with counts from `count(col, row)`. */
function hexGrid(cols: number, rows: number, edge: number, count: (c: number, r: number) => number): Cell[] {
  const cells: Cell[] = [];
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      cells.push({ x: 1.5 * edge * c, y: Math.sqrt(3) * edge * (r + 0.5 * (c & 1)), count: count(c, r) });
    }
  }
  return cells;
}

/** Gi* z straight from the SPEC §5 formula with an O(n²) neighbour scan, for comparison. */
function bruteForceZ(cells: Cell[], band: number): (number | null)[] {
  const n = cells.length;
  const mean = cells.reduce((a, c) => a + c.count, 0) / n;
  const s = Math.sqrt(cells.reduce((a, c) => a + (c.count - mean) ** 2, 0) / n);
  return cells.map((ci) => {
    let w = 0;
    let local = 0;
    for (const cj of cells) {
      if (Math.hypot(ci.x - cj.x, ci.y - cj.y) <= band + 1e-6) {
        w += 1;
        local += cj.count;
      }
    }
    const denominator = s * Math.sqrt((n * w - w * w) / (n - 1));
    return denominator > 0 ? (local - w * mean) / denominator : null;
  });
}

describe('getisOrdGiStar', () => {
  it('reproduces a five-cell line worked by hand', () => {
    // Cells 100 m apart on a line, band 100 m: each cell sees itself and its direct neighbours.
    // x = 1, 2, 3, 4, 10; n = 5, x̄ = 4, deviations −3, −2, −1, 0, 6, s² = 50/5 = 10.
    // W = 2, 3, 3, 3, 2; local sums 3, 6, 9, 17, 14.
    // (nW − W²)/(n − 1) = (10 − 4)/4 = 1.5 for W = 2 and (15 − 9)/4 = 1.5 for W = 3, so every
    // denominator is √10·√1.5 = √15.
    // z = (3 − 8)/√15, (6 − 12)/√15, (9 − 12)/√15, (17 − 12)/√15, (14 − 8)/√15.
    const cells = [1, 2, 3, 4, 10].map((count, k) => ({ x: 100 * k, y: 0, count }));
    const result = getisOrdGiStar(cells, 100);
    const expectedZ = [-5, -6, -3, 5, 6].map((v) => v / Math.sqrt(15));
    result.forEach((r, k) => {
      expect(r.z).toBeCloseTo(expectedZ[k], 12);
      expect(r.p).toBeCloseTo(twoSidedP(expectedZ[k]), 14);
    });
    // BH with m = 5 over p(±6/√15) = 0.12134 (×2), p(±5/√15) = 0.19671 (×2), p(3/√15) = 0.43858:
    // raw 5p/k by rank = 0.6067, 0.3033, 0.3278, 0.2459, 0.4386; the step-up minimum makes
    // ranks 1–4 equal to 5·p(5/√15)/4 and rank 5 its own p.
    const fourth = (5 * twoSidedP(5 / Math.sqrt(15))) / 4;
    [fourth, fourth, twoSidedP(3 / Math.sqrt(15)), fourth, fourth].forEach((v, k) => {
      expect(result[k].p_fdr).toBeCloseTo(v, 14);
      expect(result[k].class).toBe('ns');
    });
  });

  it('matches an independent O(n²) implementation on random points and counts to 1e-9', () => {
    const random = mulberry32(2024);
    for (let trial = 0; trial < 5; trial++) {
      const cells = Array.from({ length: 600 }, () => ({
        x: random() * 5000,
        y: random() * 4000,
        count: Math.floor(random() ** 3 * 20),
      }));
      const band = 200 + random() * 800;
      const expected = bruteForceZ(cells, band);
      getisOrdGiStar(cells, band).forEach((r, i) => expect(r.z as number).toBeCloseTo(expected[i] as number, 9));
    }
  });

  it('matches the O(n²) implementation on a hexagon grid where neighbours sit exactly at the band', () => {
    const random = mulberry32(5);
    const cells = hexGrid(20, 20, 200, () => Math.floor(random() * 8));
    const expected = bruteForceZ(cells, 600);
    getisOrdGiStar(cells, 600).forEach((r, i) => expect(r.z as number).toBeCloseTo(expected[i] as number, 9));
  });

  it('gives z with mean ≈ 0 and standard deviation ≈ 1 on random uniform counts', () => {
    // Under random placement of the counts each z_i has mean 0 and variance 1 exactly (the
    // denominator is the permutation standard deviation of the numerator).
    const random = mulberry32(99);
    const result = getisOrdGiStar(hexGrid(60, 60, 200, () => Math.floor(random() * 10)), 700);
    const z = result.map((r) => r.z as number);
    const mean = z.reduce((a, v) => a + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((a, v) => a + (v - mean) ** 2, 0) / z.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeGreaterThan(0.85);
    expect(sd).toBeLessThan(1.15);
  });

  it('finds hot cells at a planted cluster and none far from it', () => {
    const random = mulberry32(42);
    const inCluster = (c: number, r: number) => Math.hypot(c - 15, r - 15) <= 2;
    const cells = hexGrid(30, 30, 200, (c, r) => (inCluster(c, r) ? 12 : 0) + Math.floor(random() * 3));
    const result = getisOrdGiStar(cells, 700);
    const centre = 15 * 30 + 15;
    expect(result[centre].class).toBe('hot99');
    cells.forEach((cell, i) => {
      const far = Math.hypot(cell.x - cells[centre].x, cell.y - cells[centre].y) > 3000;
      if (far) expect(result[i].class.startsWith('hot')).toBe(false);
    });
  });

  it('gives null z, p, p_fdr and class ns everywhere when all counts are equal (s = 0)', () => {
    const result = getisOrdGiStar(hexGrid(5, 5, 200, () => 3), 700);
    expect(result).toHaveLength(25);
    for (const r of result) expect(r).toEqual({ z: null, p: null, p_fdr: null, class: 'ns' });
  });

  it('gives null for a single cell and when the band covers every cell (W_i = n)', () => {
    expect(getisOrdGiStar([{ x: 0, y: 0, count: 5 }], 700)[0].z).toBeNull();
    const all = getisOrdGiStar(hexGrid(3, 3, 200, (c, r) => c + r), 10_000);
    for (const r of all) expect(r).toEqual({ z: null, p: null, p_fdr: null, class: 'ns' });
  });

  it('returns [] for no cells', () => {
    expect(getisOrdGiStar([], 700)).toEqual([]);
  });

  // Its speed (budget: well under a second) is measured by `npm run bench`, not asserted here.
  it('computes 200 000 hexagon cells with a 700 m band, sampled cells matching a direct sum', () => {
    const random = mulberry32(3);
    const cells = hexGrid(500, 400, 200, () => Math.floor(random() * random() * 6));
    const result = getisOrdGiStar(cells, 3.5 * 200);
    expect(result).toHaveLength(200_000);
    const n = cells.length;
    const mean = cells.reduce((s, c) => s + c.count, 0) / n;
    const s = Math.sqrt(cells.reduce((a, c) => a + c.count ** 2, 0) / n - mean ** 2);
    for (const i of [0, 777, 123_456, 199_999]) {
      let w = 0, wx = 0;
      for (const c of cells) {
        if (Math.hypot(c.x - cells[i].x, c.y - cells[i].y) <= 700 + 1e-6) { w++; wx += c.count; }
      }
      const z = (wx - w * mean) / (s * Math.sqrt((n * w - w * w) / (n - 1)));
      expect(result[i].z).toBeCloseTo(z, 9);
    }
  });
});

describe('classify', () => {
  it('maps p_fdr thresholds 0.01, 0.05, 0.10 (inclusive) to hot/cold by the sign of z', () => {
    expect(classify(3, 0.01)).toBe('hot99');
    expect(classify(3, 0.010001)).toBe('hot95');
    expect(classify(2, 0.05)).toBe('hot95');
    expect(classify(2, 0.1)).toBe('hot90');
    expect(classify(2, 0.1000001)).toBe('ns');
    expect(classify(-3, 0.001)).toBe('cold99');
    expect(classify(-2, 0.04)).toBe('cold95');
    expect(classify(-2, 0.09)).toBe('cold90');
  });

  it('is ns for a null z or p_fdr and for z = 0', () => {
    expect(classify(null, null)).toBe('ns');
    expect(classify(2, null)).toBe('ns');
    expect(classify(0, 0.001)).toBe('ns');
  });
});
