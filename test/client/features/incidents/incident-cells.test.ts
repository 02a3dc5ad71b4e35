import { describe, expect, it } from 'vitest';
import { CELL_LADDER_M, cellSizeFor, countBreaks, countWithin, metresPerPixel, paddedBox } from '../../../../client/features/incidents/incident-cells.ts';

describe('incident cells', () => {
  it('computes ground resolution as MapLibre does (512-pixel tiles)', () => {
    expect(metresPerPixel(0, 0)).toBeCloseTo(40_075_016.686 / 512, 3);
    expect(metresPerPixel(1, 0)).toBeCloseTo(40_075_016.686 / 1024, 3);
    expect(metresPerPixel(0, 60)).toBeCloseTo(40_075_016.686 / 1024, 3);
  });

  it('picks the ladder cell nearest the wanted on-screen size and clamps at both ends', () => {
    // Zoom 11.5 at 59.5° N: 13.7 m per pixel, so 16 px ≈ 219 m → 200 m.
    expect(cellSizeFor(11.5, 59.5, 16)).toBe(200);
    expect(cellSizeFor(12.5, 59.5, 16)).toBe(100);
    expect(cellSizeFor(22, 59.5, 16)).toBe(12.5);
    expect(cellSizeFor(2, 59.5, 16)).toBe(CELL_LADDER_M[CELL_LADDER_M.length - 1]);
  });

  it('counts points in a box as a plain filter does', () => {
    const positions = Float32Array.from([0, 0, 1, 1, 2, 2, 1, 3, -1, 1]);
    expect(countWithin(positions, [0, 0, 2, 2])).toBe(3);
    expect(countWithin(positions, [5, 5, 6, 6])).toBe(0);
  });

  it('pads a view by half a screen and snaps it so small pans keep the same box', () => {
    const a = paddedBox([17.6, 59.5, 17.62, 59.51]);
    expect(a[0]).toBeLessThanOrEqual(17.59);
    expect(a[2]).toBeGreaterThanOrEqual(17.63);
    expect(paddedBox([17.6001, 59.5001, 17.6201, 59.5101])).toEqual(a);
  });

  it('classes cell counts geometrically so single incidents and hot cells differ', () => {
    expect(countBreaks(30)).toEqual([2, 4, 8, 15]);
    expect(countBreaks(2)).toEqual([]);
    expect(countBreaks(5)).toEqual([2, 3, 4]);
  });
});
