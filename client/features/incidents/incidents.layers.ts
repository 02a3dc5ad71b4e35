import { BitmapLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { OKABE_ITO } from '../../ui/color-scale.ts';
import type { IncidentPoints } from './incidents.api.ts';
import { cellSizeFor, countWithin, meanLatitude, paddedBox, type Box } from './incident-cells.ts';
import { cellImage, countGrid, extentOf, gaussianBlur, heatImage, maxWithin, metresPerWorldPx, worldPerScreenPx, type Rgba } from './incident-raster.ts';

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
export function pointsWithin(points: IncidentPoints, box: Box): IncidentPoints {
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

/** Below this zoom points are always summed in cells: dots at town scale would only overplot. */
export const POINTS_MIN_ZOOM = 13;
/**
 * Above POINTS_MIN_ZOOM, single dots only while the culled area holds at most this many: software WebGL shades
 * every instance in every frame (measured 5–10 µs each in headless Chromium), so 10,000 dots cost tens of
 * milliseconds a frame and 200,000 took 1.4 s.
 */
export const DOTS_MAX = 10_000;
/** Target on-screen size of a count cell. */
const POINT_CELL_PX = 16;
/** Heatmap kernel: support radius on screen, and the texel size its density grid is computed at. */
export const HEAT_RADIUS_PX = 30;
const HEAT_TEXEL_PX = 4;

/** What the points layer draws for a view: counted cells of `cellM` metres, or dots; `key` changes when it must be rebuilt. */
export interface PointDetail { mode: 'cells' | 'dots'; cellM: number; box: Box | null; key: string }

/**
 * Derived deck.gl data per points object, one entry per layer kind, rebuilt only when its key changes: a new
 * object for deck.gl's `data` or `image` prop on every render would make it upload everything again.
 */
interface Derived {
  lat: number;
  extent: Box | null;
  heat?: { key: string; image: unknown; bounds: Box };
  cells?: { key: string; image: unknown; bounds: Box; breaks: number[]; max: number };
  dots?: { key: string; data: object };
}
const derived = new WeakMap<IncidentPoints, Derived>();
function cacheOf(points: IncidentPoints): Derived {
  let c = derived.get(points);
  if (!c) { c = { lat: meanLatitude(points.positions), extent: extentOf(points.positions) }; derived.set(points, c); }
  return c;
}

/** Zoomed in, only points near the view are kept (culled once per moveend); zoomed out, all of them. */
function cullBox(zoom: number, viewBox?: Box): Box | null {
  return viewBox && zoom >= POINTS_MIN_ZOOM ? paddedBox(viewBox) : null;
}

/** Chooses dots or cells for the points layer at this zoom and view. */
export function pointDetail(points: IncidentPoints, zoom: number, viewBox?: Box): PointDetail {
  const box = cullBox(zoom, viewBox);
  const boxKey = box ? box.join(',') : 'all';
  if (zoom >= POINTS_MIN_ZOOM && (box ? countWithin(points.positions, box) : points.length) <= DOTS_MAX) {
    return { mode: 'dots', cellM: 0, box, key: `dots:${boxKey}` };
  }
  const cellM = cellSizeFor(zoom, cacheOf(points).lat, POINT_CELL_PX);
  return { mode: 'cells', cellM, box, key: `cells:${cellM}:${boxKey}` };
}

/** The heatmap is rebuilt for each resting zoom (its kernel is in screen pixels) and culled area. */
export function heatDetail(zoom: number, viewBox?: Box): { box: Box | null; key: string } {
  const box = viewBox ? paddedBox(viewBox) : null;
  return { box, key: `heat:${zoom.toFixed(3)}:${box ? box.join(',') : 'all'}` };
}

function intersect(a: Box, b: Box | null): Box | null {
  if (!b) return a;
  const out: Box = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return out[0] <= out[2] && out[1] <= out[3] ? out : null;
}

/** deck.gl takes ImageData in the browser; vitest (Node) has none and only inspects the pixels. */
function asImage(rgba: Rgba): unknown {
  return typeof ImageData === 'function' ? new ImageData(rgba.data, rgba.width, rgba.height) : rgba;
}

/**
 * The heatmap of incident density: a Gaussian kernel (σ a third of HEAT_RADIUS_PX on screen) around every
 * incident, scaled to the densest place in view, computed on a grid once per moveend and drawn as one image.
 */
export function heatmapLayers(points: IncidentPoints, version: string, zoom = 0, viewBox?: Box): Layer[] {
  const detail = heatDetail(zoom, viewBox);
  const cache = cacheOf(points);
  if (cache.heat?.key !== detail.key) {
    const area = cache.extent && intersect(cache.extent, detail.box);
    const texel = HEAT_TEXEL_PX * worldPerScreenPx(zoom);
    const sigmaPx = HEAT_RADIUS_PX / 3;
    if (!area) cache.heat = { key: detail.key, image: null, bounds: [0, 0, 0, 0] };
    else {
      const grid = countGrid(points.positions, area, texel, Math.ceil((3 * sigmaPx) / HEAT_TEXEL_PX));
      // countGrid may have coarsened the texels to fit; the kernel stays the same size on screen.
      const density = gaussianBlur(grid.values, grid.width, grid.height, (sigmaPx * worldPerScreenPx(zoom)) / grid.texel);
      const max = maxWithin({ ...grid, values: density }, viewBox ?? area);
      cache.heat = { key: detail.key, image: asImage(heatImage(density, grid.width, grid.height, max)), bounds: grid.bounds };
    }
  }
  // Nothing near the view (or no incidents at all): no layer rather than an empty image.
  if (!cache.heat.image) return [];
  return [new BitmapLayer({
    id: 'incidents-heatmap',
    image: cache.heat.image as never,
    bounds: cache.heat.bounds,
    updateTriggers: { image: `${version}|${detail.key}` },
  })];
}

/** The count-cell classes of the last cells drawn for these points (for the legend), or null before any. */
export function cellClasses(points: IncidentPoints): { breaks: number[]; max: number } | null {
  const c = derived.get(points)?.cells;
  return c ? { breaks: c.breaks, max: c.max } : null;
}

/**
 * Incident points: counted in square cells sized to the zoom (coloured by count class) at town scale or wherever
 * the view holds more than DOTS_MAX points; otherwise single dots (deck.gl binary attributes). Zoomed in, both
 * are built from the points within the view padded by half a screen on each side.
 */
export function pointLayers(points: IncidentPoints, zoom: number, version: string, viewBox?: Box): Layer[] {
  const detail = pointDetail(points, zoom, viewBox);
  const cache = cacheOf(points);
  if (detail.mode === 'cells') {
    if (cache.cells?.key !== detail.key) {
      const area = cache.extent && intersect(cache.extent, detail.box);
      if (!area) cache.cells = { key: detail.key, image: null, bounds: [0, 0, 0, 0], breaks: [], max: 0 };
      else {
        const grid = countGrid(points.positions, area, detail.cellM / metresPerWorldPx(cache.lat));
        const { image, breaks, max } = cellImage(grid);
        cache.cells = { key: detail.key, image: asImage(image), bounds: grid.bounds, breaks, max };
      }
    }
    if (!cache.cells.image) return [];
    return [new BitmapLayer({
      id: 'incidents-bins',
      image: cache.cells.image as never,
      bounds: cache.cells.bounds,
      // Square cells stay crisp when the map zooms before the next moveend rebuilds them.
      textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
      updateTriggers: { image: `${version}|${detail.key}` },
    }),
    // An empty dot layer keeps its shader compiled, so the first street-level frame does not wait for it.
    dotLayer(NO_DOTS, 'none', false)];
  }
  if (cache.dots?.key !== detail.key) cache.dots = { key: detail.key, data: binaryData(detail.box ? pointsWithin(points, detail.box) : points) };
  return [dotLayer(cache.dots.data, `${version}|${detail.key}`)];
}

const NO_DOTS = { length: 0, attributes: { getPosition: { value: new Float32Array(0), size: 2 }, getFillColor: { value: new Uint8Array(0), size: 4, normalized: true } } };

/** Single incidents as dots coloured by category, from binary attributes. */
function dotLayer(data: object, trigger: string, visible = true): Layer {
  return new ScatterplotLayer({
    id: 'incidents-points',
    visible,
    data: data as never,
    radiusUnits: 'pixels',
    getRadius: 4,
    stroked: true,
    getLineColor: [255, 255, 255, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    updateTriggers: { getPosition: trigger, getFillColor: trigger },
  });
}
