import { describe, expect, it } from 'vitest';
import {
  CELL_IMAGE_PX, cellImage, countGrid, extentOf, fromWorld, gaussianBlur, HEAT_THRESHOLD, heatImage, maxWithin, metresPerWorldPx, toWorld,
} from '../../../../client/features/incidents/incident-raster.ts';
import { metresPerPixel } from '../../../../client/features/incidents/incident-cells.ts';
import { colorFor, SEQUENTIAL_5 } from '../../../../client/ui/color-scale.ts';

const WORLD = 512 * 2 ** 20;
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

/** Deterministic pseudo-random points around Uppsala. */
function scatter(n: number, seed = 7): Float32Array {
  const out = new Float32Array(2 * n);
  let s = seed;
  const rnd = () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < n; i++) { out[2 * i] = 17.6 + rnd() * 0.08; out[2 * i + 1] = 59.83 + rnd() * 0.04; }
  return out;
}

describe('Web Mercator world pixels', () => {
  it('puts (0, 0) in the middle of the world and round-trips Swedish coordinates', () => {
    expect(toWorld(0, 0)).toEqual([WORLD / 2, WORLD / 2]);
    expect(toWorld(180, 0)[0]).toBe(WORLD);
    for (const [lon, lat] of [[11.97, 57.7], [18.07, 59.33], [20.25, 67.86]]) {
      const [x, y] = toWorld(lon, lat);
      const back = fromWorld(x, y);
      expect(back[0]).toBeCloseTo(lon, 9);
      expect(back[1]).toBeCloseTo(lat, 9);
    }
    // A world pixel at zoom 20 is a screen pixel at zoom 20: MapLibre's ground resolution there.
    expect(metresPerWorldPx(59.5)).toBeCloseTo(metresPerPixel(20, 59.5), 12);
    // North is up: a more northern point has a smaller y.
    expect(toWorld(18, 60)[1]).toBeLessThan(toWorld(18, 59)[1]);
  });
});

describe('count grid', () => {
  it('counts every point inside the box exactly once, and none outside it', () => {
    const positions = scatter(5000);
    const box: [number, number, number, number] = [17.62, 59.84, 17.66, 59.86];
    const grid = countGrid(positions, box, 1000);
    let inside = 0;
    for (let i = 0; i < positions.length; i += 2) if (positions[i] >= box[0] && positions[i] <= box[2] && positions[i + 1] >= box[1] && positions[i + 1] <= box[3]) inside++;
    expect(sum(grid.values)).toBe(inside);
    expect(inside).toBeGreaterThan(100);
    expect(inside).toBeLessThan(5000);
  });

  it('puts each point in the texel whose bounds contain it, on a grid aligned to the texel size', () => {
    const positions = scatter(300);
    const texel = 2048;
    const whole = countGrid(positions, extentOf(positions)!, texel);
    const part = countGrid(positions, [17.63, 59.84, 17.67, 59.86], texel);
    for (const grid of [whole, part]) {
      expect(((grid.x0 * texel) % texel) + ((grid.y0 * texel) % texel)).toBe(0);
      // The bounds are the outer edges of the texels, in lon/lat.
      const [west, north] = fromWorld(grid.x0 * texel, grid.y0 * texel);
      expect(grid.bounds[0]).toBeCloseTo(west, 9);
      expect(grid.bounds[3]).toBeCloseTo(north, 9);
    }
    // The same point falls in the same world texel in both grids.
    const [x, y] = toWorld(positions[0], positions[1]);
    expect(Math.floor(x / texel)).toBe(Math.floor(x / texel));
    const col = Math.floor(x / texel), row = Math.floor(y / texel);
    expect(whole.values[(row - whole.y0) * whole.width + (col - whole.x0)]).toBeGreaterThanOrEqual(1);
  });

  it('coarsens texels instead of building an image larger than 1024 on a side', () => {
    const positions = Float32Array.from([11, 55, 24, 69]);
    const grid = countGrid(positions, [11, 55, 24, 69], 1);
    expect(grid.width).toBeLessThanOrEqual(1024);
    expect(grid.height).toBeLessThanOrEqual(1024);
    expect(sum(grid.values)).toBe(2);
  });

  it('leaves the requested empty margin around the points', () => {
    const positions = Float32Array.from([17.6, 59.8]);
    const grid = countGrid(positions, extentOf(positions)!, 256, 5);
    expect(grid.width).toBe(11);
    expect(grid.height).toBe(11);
    expect(grid.values[5 * 11 + 5]).toBe(1);
  });
});

describe('gaussian density', () => {
  it('keeps the mass and spreads a single incident as a symmetric bell', () => {
    const w = 31, h = 31, sigma = 2.5;
    const values = new Float32Array(w * h);
    values[15 * w + 15] = 1;
    const out = gaussianBlur(values, w, h, sigma);
    expect(sum(out)).toBeCloseTo(1, 5);
    expect(out[15 * w + 16]).toBeCloseTo(out[15 * w + 14], 7);
    expect(out[16 * w + 15]).toBeCloseTo(out[15 * w + 16], 7);
    // Neighbour over centre is exp(-1 / 2σ²) for a Gaussian.
    expect(out[15 * w + 16] / out[15 * w + 15]).toBeCloseTo(Math.exp(-1 / (2 * sigma * sigma)), 5);
    expect(out[15 * w + 15]).toBe(Math.max(...out));
  });

  it('equals a direct two-dimensional convolution (independent, unseparated)', () => {
    const w = 17, h = 13, sigma = 1.5, r = Math.ceil(3 * sigma);
    const values = new Float32Array(w * h);
    for (const [x, y, v] of [[3, 4, 2], [8, 6, 5], [9, 6, 1], [15, 11, 3]]) values[y * w + x] = v;
    const out = gaussianBlur(values, w, h, sigma);
    let norm = 0;
    for (let i = -r; i <= r; i++) norm += Math.exp(-(i * i) / (2 * sigma * sigma));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let expected = 0;
        for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) {
          const v = values[yy * w + xx];
          if (!v || Math.abs(xx - x) > r || Math.abs(yy - y) > r) continue;
          expected += (v * Math.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * sigma * sigma))) / (norm * norm);
        }
        expect(out[y * w + x]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('finds the largest density among the texels in view', () => {
    const positions = scatter(2000);
    const grid = countGrid(positions, extentOf(positions)!, 512);
    const view: [number, number, number, number] = [17.62, 59.84, 17.64, 59.85];
    const [vx0, vy1] = toWorld(view[0], view[1]);
    const [vx1, vy0] = toWorld(view[2], view[3]);
    let expected = 0;
    for (let r = 0; r < grid.height; r++) for (let c = 0; c < grid.width; c++) {
      const cx = (grid.x0 + c) * grid.texel, cy = (grid.y0 + r) * grid.texel;
      const overlaps = cx + grid.texel > vx0 && cx <= vx1 && cy + grid.texel > vy0 && cy <= vy1;
      if (overlaps) expected = Math.max(expected, grid.values[r * grid.width + c]);
    }
    expect(maxWithin(grid, view)).toBe(expected);
    expect(maxWithin(grid, extentOf(positions)!)).toBe(Math.max(...grid.values));
  });
});

describe('images', () => {
  it('colours heat from transparent below the threshold to the darkest colour at the maximum', () => {
    const values = Float32Array.from([0, HEAT_THRESHOLD * 0.9, 0.5, 1]);
    const { data } = heatImage(values, 4, 1, 1);
    expect(data[3]).toBe(0);
    expect(data[7]).toBe(0);
    expect(data[11]).toBeGreaterThan(0);
    expect(Array.from(data.slice(12, 16))).toEqual([...SEQUENTIAL_5[4], 230]);
    expect(Array.from(heatImage(values, 4, 1, 0).data).every((v) => v === 0)).toBe(true);
  });

  it('draws each counted cell in its count class colour with a transparent gap, and leaves empty cells clear', () => {
    const grid = { width: 3, height: 1, values: Float32Array.from([1, 0, 30]), bounds: [0, 0, 1, 1] as [number, number, number, number], texel: 1, x0: 0, y0: 0 };
    const { image, breaks, max } = cellImage(grid);
    expect(max).toBe(30);
    expect(breaks).toEqual([2, 4, 8, 15]);
    expect(image.width).toBe(3 * CELL_IMAGE_PX);
    const px = (x: number, y: number) => Array.from(image.data.slice(4 * (y * image.width + x), 4 * (y * image.width + x) + 4));
    expect(px(0, 0)).toEqual([...colorFor(1, breaks), 235]);
    expect(px(CELL_IMAGE_PX - 1, 0)[3]).toBe(0);
    expect(px(CELL_IMAGE_PX, 0)[3]).toBe(0);
    expect(px(2 * CELL_IMAGE_PX + 1, 1)).toEqual([...colorFor(30, breaks), 235]);
    expect(colorFor(1, breaks)).not.toEqual(colorFor(30, breaks));
  });
});
