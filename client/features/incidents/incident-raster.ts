import { colorFor, SEQUENTIAL_5 } from '../../ui/color-scale.ts';
import { countBreaks, type Box } from './incident-cells.ts';

/**
 * Incident density as images. deck.gl's HeatmapLayer re-aggregates on the GPU in every frame, and a layer of
 * thousands of circles shades every instance in every frame: in software WebGL (a meeting-room laptop, headless
 * Chromium) either costs 100–250 ms a frame whatever the data. An image computed once per moveend and drawn as
 * one textured quad costs almost nothing while the map moves.
 *
 * Grids live in Web Mercator "world pixels" at zoom Z_REF, the space a BitmapLayer interpolates its image in,
 * so a texel is a square on screen at every latitude and grids of different extents line up.
 */
const Z_REF = 20;
const WORLD = 512 * 2 ** Z_REF;
/** Largest grid side; a larger extent gets coarser texels rather than an image the GPU may refuse. */
const MAX_SIDE = 1024;

export function toWorld(lon: number, lat: number): [number, number] {
  const phi = (Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180;
  return [((lon + 180) / 360) * WORLD, ((1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2) * WORLD];
}

export function fromWorld(x: number, y: number): [number, number] {
  const lon = (x / WORLD) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / WORLD))) * 180) / Math.PI;
  return [lon, lat];
}

/** World pixels (at Z_REF) per screen pixel at a zoom. */
export function worldPerScreenPx(zoom: number): number {
  return 2 ** (Z_REF - zoom);
}

/** Ground metres per world pixel at a latitude (Web Mercator stretches east–west distances by 1/cos φ). */
export function metresPerWorldPx(lat: number): number {
  return (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / WORLD;
}

/** Counts per square texel; row 0 is the northern edge, as in an image. `bounds` are the grid's outer edges in lon/lat. */
export interface Grid { width: number; height: number; values: Float32Array; bounds: Box; texel: number; x0: number; y0: number }

/** The smallest box holding every position, or null when there are none. */
export function extentOf(positions: Float32Array): Box | null {
  if (!positions.length) return null;
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 2) {
    if (positions[i] < box[0]) box[0] = positions[i];
    if (positions[i] > box[2]) box[2] = positions[i];
    if (positions[i + 1] < box[1]) box[1] = positions[i + 1];
    if (positions[i + 1] > box[3]) box[3] = positions[i + 1];
  }
  return box;
}

/**
 * Counts the points inside `box` into texels `texel` world pixels wide, aligned to multiples of `texel` so the
 * same texel size always gives the same cells. `margin` empty texels border the grid (room for a blur).
 */
export function countGrid(positions: Float32Array, box: Box, texel: number, margin = 0): Grid {
  const [wx0, wy1] = toWorld(box[0], box[1]);
  const [wx1, wy0] = toWorld(box[2], box[3]);
  let t = texel;
  while ((wx1 - wx0) / t + 2 * margin + 1 > MAX_SIDE || (wy1 - wy0) / t + 2 * margin + 1 > MAX_SIDE) t *= 2;
  const gx0 = Math.floor(wx0 / t) - margin, gy0 = Math.floor(wy0 / t) - margin;
  const width = Math.floor(wx1 / t) + margin - gx0 + 1, height = Math.floor(wy1 / t) + margin - gy0 + 1;
  const values = new Float32Array(width * height);
  for (let i = 0; i < positions.length; i += 2) {
    const lon = positions[i], lat = positions[i + 1];
    if (lon < box[0] || lon > box[2] || lat < box[1] || lat > box[3]) continue;
    const [x, y] = toWorld(lon, lat);
    const col = Math.min(width - 1, Math.floor(x / t) - gx0), row = Math.min(height - 1, Math.floor(y / t) - gy0);
    values[row * width + col] += 1;
  }
  const [west, north] = fromWorld(gx0 * t, gy0 * t);
  const [east, south] = fromWorld((gx0 + width) * t, (gy0 + height) * t);
  return { width, height, values, bounds: [west, south, east, north], texel: t, x0: gx0, y0: gy0 };
}

/** A normalised Gaussian kernel of standard deviation sigma (in texels), cut at three sigmas. */
function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Separable Gaussian blur; mass near the edges leaks out of the grid, so callers leave a margin of 3·sigma. */
export function gaussianBlur(values: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(values.length);
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const v = values[row + x];
      if (v === 0) continue;
      // Scatter: most texels are empty, so spreading the few full ones is cheaper than gathering everywhere.
      for (let j = Math.max(0, x - r); j <= Math.min(width - 1, x + r); j++) tmp[row + j] += v * k[j - x + r];
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = tmp[y * width + x];
      if (v === 0) continue;
      for (let j = Math.max(0, y - r); j <= Math.min(height - 1, y + r); j++) out[j * width + x] += v * k[j - y + r];
    }
  }
  return out;
}

/** The largest value among the texels that overlap `box` (the view): density is scaled to what is on screen. */
export function maxWithin(grid: Grid, box: Box): number {
  const [wx0, wy1] = toWorld(box[0], box[1]);
  const [wx1, wy0] = toWorld(box[2], box[3]);
  const c0 = Math.max(0, Math.floor(wx0 / grid.texel) - grid.x0), c1 = Math.min(grid.width - 1, Math.floor(wx1 / grid.texel) - grid.x0);
  const r0 = Math.max(0, Math.floor(wy0 / grid.texel) - grid.y0), r1 = Math.min(grid.height - 1, Math.floor(wy1 / grid.texel) - grid.y0);
  let max = 0;
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) if (grid.values[r * grid.width + c] > max) max = grid.values[r * grid.width + c];
  return max;
}

export interface Rgba { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> }

/** Below this share of the maximum the heat is transparent (as deck.gl's HeatmapLayer `threshold`). */
export const HEAT_THRESHOLD = 0.05;

/** Colours density relative to `max` along the sequential palette, fading in above HEAT_THRESHOLD. */
export function heatImage(values: Float32Array, width: number, height: number, max: number): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  if (max <= 0) return { width, height, data };
  const last = SEQUENTIAL_5.length - 1;
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(1, values[i] / max);
    if (v < HEAT_THRESHOLD) continue;
    const t = ((v - HEAT_THRESHOLD) / (1 - HEAT_THRESHOLD)) * last;
    const k = Math.min(last - 1, Math.floor(t)), f = t - k;
    const a = SEQUENTIAL_5[k], b = SEQUENTIAL_5[k + 1];
    data[4 * i] = a[0] + (b[0] - a[0]) * f;
    data[4 * i + 1] = a[1] + (b[1] - a[1]) * f;
    data[4 * i + 2] = a[2] + (b[2] - a[2]) * f;
    data[4 * i + 3] = 230 * Math.min(1, v / (3 * HEAT_THRESHOLD));
  }
  return { width, height, data };
}

/** Image pixels per cell side: one transparent row and column separate neighbouring cells. */
export const CELL_IMAGE_PX = 4;

/** Cells coloured by count class (geometric breaks up to the largest count), empty cells transparent. */
export function cellImage(grid: Grid): { image: Rgba; breaks: number[]; max: number } {
  let max = 0;
  for (const v of grid.values) if (v > max) max = v;
  const breaks = countBreaks(max);
  const s = CELL_IMAGE_PX;
  const width = grid.width * s, height = grid.height * s;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let r = 0; r < grid.height; r++) {
    for (let c = 0; c < grid.width; c++) {
      const n = grid.values[r * grid.width + c];
      if (!n) continue;
      const [R, G, B] = colorFor(n, breaks);
      for (let dy = 0; dy < s - 1; dy++) {
        for (let dx = 0; dx < s - 1; dx++) {
          const p = 4 * ((r * s + dy) * width + c * s + dx);
          data[p] = R; data[p + 1] = G; data[p + 2] = B; data[p + 3] = 235;
        }
      }
    }
  }
  return { image: { width, height, data }, breaks, max };
}
