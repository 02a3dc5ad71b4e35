import { GeoJsonLayer, LineLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import type { Metric } from '../../state/view.ts';
import type { MapLabel } from '../contract.ts';
import { changeColor, colorFor, type Rgb } from '../../ui/color-scale.ts';
import type { DistrictCollection, DistrictFeature, DistrictStat } from './districts.api.ts';

export interface DistrictLayerInput {
  districts: DistrictCollection;
  stats: Map<number, DistrictStat>;
  metric: Metric;
  /** Class breaks of the metric (rate or count); change uses fixed diverging breaks. */
  breaks: number[];
  selectedId: number | null;
  /** Changes whenever stats, metric or breaks change, so deck.gl recolours (updateTriggers). */
  version: string;
  onSelect(id: number | null): void;
}

/** Lets the basemap (water, roads, parks) show through, so the districts read as parts of a town. */
export const CHOROPLETH_ALPHA = 175;

/**
 * The choropleth's alpha at a zoom: the town view keeps {@link CHOROPLETH_ALPHA}; zoomed in to streets, where one
 * district fills the screen and its colour says nothing new, the fill thins so the basemap's streets, water and
 * parks stay readable. Stepped, so a layer is rebuilt only when a step changes.
 */
export function choroplethAlpha(zoom: number): number {
  if (zoom < 13) return CHOROPLETH_ALPHA;
  if (zoom < 14) return 140;
  if (zoom < 15) return 105;
  return 80;
}

/**
 * A district's label point: the server's point on surface (always inside, even for a U-shaped district), or
 * failing that the vertex average of the largest outer ring.
 */
export function labelPoint(feature: DistrictFeature): [number, number] {
  if (feature.properties.label_point) return feature.properties.label_point;
  const rings = feature.geometry.type === 'Polygon'
    ? [(feature.geometry.coordinates as number[][][])[0]]
    : (feature.geometry.coordinates as number[][][][]).map((p) => p[0]);
  const ring = rings.reduce((a, b) => (b.length > a.length ? b : a));
  let x = 0, y = 0;
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) { x += ring[i][0]; y += ring[i][1]; }
  return [x / n, y / n];
}

/** The value a metric shows for a district (null: suppressed, no population or no comparison). */
export function metricValue(stat: DistrictStat | undefined, metric: Metric): number | null {
  if (!stat) return null;
  if (metric === 'rate') return stat.rate_per_1000;
  if (metric === 'count') return stat.count;
  return stat.change_pct;
}

/** The fill colour of a district under a metric. */
export function districtColor(stat: DistrictStat | undefined, metric: Metric, breaks: number[]): Rgb {
  const v = metricValue(stat, metric);
  return metric === 'change' ? changeColor(v) : colorFor(v, breaks);
}

/** Whether a district's outline marks a significant change (only on the change map). */
export function marksSignificance(stat: DistrictStat | undefined, metric: Metric): boolean {
  return metric === 'change' && stat?.change_significant === true;
}

/** The bounding box [minLon, minLat, maxLon, maxLat] of a district collection, or null when empty. */
export function collectionBounds(districts: DistrictCollection): [number, number, number, number] | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  districts.features.forEach((f) => visit(f.geometry.coordinates));
  return Number.isFinite(x0) ? [x0, y0, x1, y1] : null;
}

/** One straight piece of a district's boundary, in WGS84. */
export interface OutlineSegment { id: number; from: [number, number]; to: [number, number] }

const segmentsOf = new WeakMap<DistrictCollection, OutlineSegment[]>();

/**
 * Every ring of every district as straight segments tagged with the district's id. Memoised per collection, so
 * the descriptors rebuilt on every render hand deck.gl the same data and it recomputes nothing.
 */
export function outlineSegments(districts: DistrictCollection): OutlineSegment[] {
  let segments = segmentsOf.get(districts);
  if (segments) return segments;
  segments = [];
  for (const f of districts.features) {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates as number[][][]] : (f.geometry.coordinates as number[][][][]);
    for (const ring of polygons.flat()) {
      for (let i = 1; i < ring.length; i++) segments.push({ id: f.properties.id, from: [ring[i - 1][0], ring[i - 1][1]], to: [ring[i][0], ring[i][1]] });
    }
  }
  segmentsOf.set(districts, segments);
  return segments;
}

/** A districts layer filled by any per-district colour (survey shares, discrepancy classes reuse it). */
export function districtFillLayer(id: string, districts: DistrictCollection, fill: (f: DistrictFeature) => [number, number, number, number], version: string): Layer {
  return new GeoJsonLayer({
    id,
    data: districts as never,
    filled: true,
    stroked: true,
    getFillColor: fill as never,
    getLineColor: [70, 70, 80, 200],
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5,
    updateTriggers: { getFillColor: version },
  });
}

/**
 * The district choropleth (rate, count or change) and its outlines (selection and significance marked), as cheap
 * deck.gl descriptors; the names are HTML labels ({@link districtLabels}).
 *
 * The outlines are a LineLayer of boundary segments rather than the GeoJsonLayer's own stroke (a PathLayer): without
 * a GPU (SwiftShader on virtual desktops, headless Chromium) compiling and first drawing the PathLayer took more
 * CPU than anything else in the first render (~1.6 of ~3.4 s, issue 11). At 1.5–5 px the missing mitre joins do not
 * show.
 */
export function districtLayers(input: DistrictLayerInput, opts: { fill?: boolean; zoom?: number } = {}): Layer[] {
  const { metric, breaks, selectedId } = input;
  const alpha = opts.fill === false ? 0 : choroplethAlpha(opts.zoom ?? 0);
  const statOf = (f: unknown) => input.stats.get((f as DistrictFeature).properties.id);
  const statById = (id: number) => input.stats.get(id);
  const select = (id: number | undefined) => input.onSelect(id ?? null);
  const layers: Layer[] = [
    new GeoJsonLayer<DistrictFeature['properties']>({
      id: 'districts-fill',
      data: input.districts as never,
      pickable: true,
      stroked: false,
      filled: opts.fill !== false,
      getFillColor: ((f: unknown) => [...districtColor(statOf(f), metric, breaks), alpha]) as never,
      autoHighlight: true,
      highlightColor: [0, 0, 0, 40],
      updateTriggers: { getFillColor: `${input.version}|${metric}|${alpha}` },
      onClick: (info: PickingInfo) => select((info.object as DistrictFeature | undefined)?.properties.id),
    }),
    new LineLayer<OutlineSegment>({
      id: 'districts-outline',
      data: outlineSegments(input.districts),
      // With the fill off (another feature's fill covers the districts) a click on an outline still opens the panel.
      pickable: opts.fill === false,
      getSourcePosition: (s) => s.from,
      getTargetPosition: (s) => s.to,
      getColor: (s) => (s.id === selectedId ? [11, 92, 173, 255] : marksSignificance(statById(s.id), metric) ? [20, 20, 20, 255] : [70, 70, 80, 200]),
      getWidth: (s) => (s.id === selectedId ? 5 : marksSignificance(statById(s.id), metric) ? 3.5 : 1.5),
      widthUnits: 'pixels',
      updateTriggers: { getColor: `${input.version}|${metric}|${selectedId}`, getWidth: `${input.version}|${metric}|${selectedId}` },
      onClick: (info: PickingInfo) => select((info.object as OutlineSegment | undefined)?.id),
    }),
  ];
  return layers;
}

/** Each district's name at its label point, with an asterisk where the change map marks a significant change. */
export function districtLabels(districts: DistrictCollection, stats: Map<number, DistrictStat>, metric: Metric): MapLabel[] {
  return districts.features.map((f) => ({
    id: `districts-label-${f.properties.id}`,
    text: marksSignificance(stats.get(f.properties.id), metric) ? `${f.properties.name} *` : f.properties.name,
    position: labelPoint(f),
  }));
}
