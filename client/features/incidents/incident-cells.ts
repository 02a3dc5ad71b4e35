/**
 * Level of detail for incident points. Software WebGL (SwiftShader: a meeting-room laptop without a GPU,
 * headless Chromium) shades every drawn instance in every frame, so 200,000 dots take over a second a frame
 * there. Cells whose size follows the zoom, and dots only for a culled area, keep the work bounded by the
 * screen rather than by the data.
 */

export type Box = [number, number, number, number];

/** Cell sizes in metres: 12.5 m · 2^k, so a zoom step halves or doubles the cell and a cached grid serves a whole zoom step. */
export const CELL_LADDER_M = Array.from({ length: 10 }, (_, k) => 12.5 * 2 ** k);

/** Ground metres per CSS pixel at a zoom and latitude (Web Mercator with MapLibre's 512-pixel tiles). */
export function metresPerPixel(zoom: number, lat: number): number {
  return (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/** The ladder cell closest (on a log scale) to `targetPx` screen pixels at this zoom. */
export function cellSizeFor(zoom: number, lat: number, targetPx: number): number {
  const wanted = targetPx * metresPerPixel(zoom, lat);
  const k = Math.round(Math.log2(wanted / CELL_LADDER_M[0]));
  return CELL_LADDER_M[Math.min(CELL_LADDER_M.length - 1, Math.max(0, k))];
}

/** Mean latitude of interleaved lon/lat positions (0 when empty). */
export function meanLatitude(positions: Float32Array): number {
  const n = positions.length / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += positions[2 * i + 1];
  return n ? sum / n : 0;
}

/** How many of the interleaved lon/lat positions lie inside the box (edges included). */
export function countWithin(positions: Float32Array, box: Box): number {
  const [x0, y0, x1, y1] = box;
  let count = 0;
  for (let i = 0; i < positions.length; i += 2) {
    const x = positions[i], y = positions[i + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) count++;
  }
  return count;
}

/** Rounds a viewport box outwards to a grid so small pans reuse the same culled subset. */
export function paddedBox(view: Box): Box {
  const w = view[2] - view[0], h = view[3] - view[1];
  const step = Math.max(w, h) / 2;
  const snap = (v: number, up: boolean) => (up ? Math.ceil(v / step) : Math.floor(v / step)) * step;
  return [snap(view[0] - w / 2, false), snap(view[1] - h / 2, false), snap(view[2] + w / 2, true), snap(view[3] + h / 2, true)];
}

/** Geometric class breaks for cell counts up to max (e.g. 30 → 2, 4, 8, 15): most cells hold one or two incidents. */
export function countBreaks(max: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= 4; k++) {
    const b = Math.max(2, Math.round(max ** (k / 5)));
    if (b < max && (!out.length || b > out[out.length - 1])) out.push(b);
  }
  return out;
}
