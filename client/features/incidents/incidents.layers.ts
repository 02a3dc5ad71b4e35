import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { OKABE_ITO, SEQUENTIAL_5, colorFor } from '../../ui/color-scale.ts';
import type { IncidentPoints } from './incidents.api.ts';

/** Below this zoom, points are summed in a grid; individual points only when zoomed in. */
export const POINTS_MIN_ZOOM = 13;

/** deck.gl binary data: positions as a Float32Array attribute, no per-point objects or accessors. */
export function binaryData(points: IncidentPoints) {
  const colors = new Uint8Array(points.length * 4);
  for (let i = 0; i < points.length; i++) {
    const c = OKABE_ITO[points.categoryIndex[i] % OKABE_ITO.length];
    colors.set([c[0], c[1], c[2], 220], i * 4);
  }
  return {
    length: points.length,
    attributes: {
      getPosition: { value: points.positions, size: 2 },
      getFillColor: { value: colors, size: 4, normalized: true },
    },
  };
}

/** The points inside a WGS84 box, as a new IncidentPoints (typed arrays copied once; O(n)). */
export function pointsWithin(points: IncidentPoints, box: [number, number, number, number]): IncidentPoints {
  const [x0, y0, x1, y1] = box;
  const keep: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const x = points.positions[2 * i], y = points.positions[2 * i + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) keep.push(i);
  }
  const positions = new Float32Array(keep.length * 2);
  const categoryIndex = new Uint8Array(keep.length);
  keep.forEach((i, j) => { positions[2 * j] = points.positions[2 * i]; positions[2 * j + 1] = points.positions[2 * i + 1]; categoryIndex[j] = points.categoryIndex[i]; });
  return { ...points, length: keep.length, positions, categoryIndex };
}

/**
 * Derived deck.gl data per points object, computed once: a new object for deck.gl's `data` prop on every
 * render would make it re-upload every attribute (STYLE: layers are cheap, their data must be stable).
 */
const derived = new WeakMap<IncidentPoints, { heat?: object; bins?: object; dots?: { key: string; data: object; count: number } }>();
function cacheOf(points: IncidentPoints) {
  let c = derived.get(points);
  if (!c) { c = {}; derived.set(points, c); }
  return c;
}

/** Rounds a viewport box outwards to a grid so small pans reuse the same culled subset. */
export function paddedBox(view: [number, number, number, number]): [number, number, number, number] {
  const w = view[2] - view[0], h = view[3] - view[1];
  const step = Math.max(w, h) / 2;
  const snap = (v: number, up: boolean) => (up ? Math.ceil(v / step) : Math.floor(v / step)) * step;
  return [snap(view[0] - w / 2, false), snap(view[1] - h / 2, false), snap(view[2] + w / 2, true), snap(view[3] + h / 2, true)];
}

/** The heatmap of incident density (weights 1 per incident). */
export function heatmapLayer(points: IncidentPoints, version: string): Layer {
  return new HeatmapLayer({
    id: 'incidents-heatmap',
    data: (cacheOf(points).heat ??= { length: points.length, attributes: { getPosition: { value: points.positions, size: 2 } } }) as never,
    radiusPixels: 30,
    // A smaller weights texture keeps re-aggregation on pan and zoom cheap (it runs on every viewport change).
    weightsTextureSize: 512,
    intensity: 1,
    threshold: 0.05,
    colorRange: SEQUENTIAL_5.map((c) => [...c, 255]) as never,
    updateTriggers: { getPosition: version },
  });
}

/** Square cells of about `cellM` metres: the count per cell and its centre, as typed arrays (no object per point). */
export interface PointBins { length: number; positions: Float32Array; counts: Uint32Array; max: number }

/** Sums points into a ~`cellM` m grid (cell size in degrees from the data's mean latitude); O(n), for low zooms. */
export function binPoints(positions: Float32Array, cellM = 200): PointBins {
  const n = positions.length / 2;
  if (!n) return { length: 0, positions: new Float32Array(0), counts: new Uint32Array(0), max: 0 };
  let latSum = 0;
  for (let i = 0; i < n; i++) latSum += positions[2 * i + 1];
  const dLat = cellM / 111_320;
  const dLon = cellM / (111_320 * Math.cos(((latSum / n) * Math.PI) / 180));
  const cells = new Map<number, number>();
  const key = (ix: number, iy: number) => ix * 1_000_003 + iy;
  for (let i = 0; i < n; i++) {
    const k = key(Math.floor(positions[2 * i] / dLon), Math.floor(positions[2 * i + 1] / dLat));
    cells.set(k, (cells.get(k) ?? 0) + 1);
  }
  const out = new Float32Array(cells.size * 2);
  const counts = new Uint32Array(cells.size);
  let j = 0, max = 0;
  for (const [k, c] of cells) {
    const iy = ((k % 1_000_003) + 1_000_003) % 1_000_003;
    const ix = (k - iy) / 1_000_003;
    const wrappedY = iy > 500_000 ? iy - 1_000_003 : iy;
    out[2 * j] = (ix + 0.5) * dLon;
    out[2 * j + 1] = (wrappedY + 0.5) * dLat;
    counts[j] = c;
    if (c > max) max = c;
    j++;
  }
  return { length: cells.size, positions: out, counts, max };
}

function binnedData(points: IncidentPoints) {
  const cache = cacheOf(points);
  if (cache.bins) return cache.bins;
  const bins = binPoints(points.positions);
  const breaks = countBreaks(bins.max);
  const colors = new Uint8Array(bins.length * 4);
  const radii = new Float32Array(bins.length);
  for (let i = 0; i < bins.length; i++) {
    const c = colorFor(bins.counts[i], breaks);
    colors.set([c[0], c[1], c[2], 230], i * 4);
    radii[i] = 30 + 70 * Math.sqrt(bins.counts[i] / Math.max(1, bins.max));
  }
  cache.bins = {
    length: bins.length,
    attributes: {
      getPosition: { value: bins.positions, size: 2 },
      getFillColor: { value: colors, size: 4, normalized: true },
      getRadius: { value: radii, size: 1 },
    },
  };
  return cache.bins;
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

/**
 * Incident points: summed in ~200 m cells below POINTS_MIN_ZOOM (circles sized and coloured by count); above it,
 * single dots for the points within `viewBox` padded by half a screen on each side (culled on the CPU once per
 * moveend, so the GPU never shades 200,000 instances for a street-level view).
 */
export function pointLayers(points: IncidentPoints, zoom: number, version: string, viewBox?: [number, number, number, number]): Layer[] {
  if (zoom < POINTS_MIN_ZOOM) {
    return [new ScatterplotLayer({
      id: 'incidents-bins',
      data: binnedData(points) as never,
      radiusUnits: 'meters',
      stroked: true,
      getLineColor: [60, 60, 60, 200],
      lineWidthUnits: 'pixels',
      getLineWidth: 0.75,
      updateTriggers: { getPosition: version, getFillColor: version, getRadius: version },
    })];
  }
  const cache = cacheOf(points);
  const box = viewBox ? paddedBox(viewBox) : null;
  const key = box ? box.join(',') : 'all';
  if (cache.dots?.key !== key) {
    const subset = box ? pointsWithin(points, box) : points;
    cache.dots = { key, data: binaryData(subset), count: subset.length };
  }
  return [new ScatterplotLayer({
    id: 'incidents-points',
    data: cache.dots.data as never,
    radiusUnits: 'pixels',
    getRadius: 4,
    stroked: true,
    getLineColor: [255, 255, 255, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    updateTriggers: { getPosition: `${version}|${key}`, getFillColor: `${version}|${key}` },
  })];
}
