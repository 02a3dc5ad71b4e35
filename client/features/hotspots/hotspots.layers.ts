import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { HOTSPOT_COLORS, NO_DATA } from '../../ui/color-scale.ts';
import type { HotspotCollection, HotspotFeature } from './hotspots.api.ts';

/** One short symbol per emerging-hotspot pattern (the legend spells them out); cells without a pattern get none. */
export const PATTERN_SYMBOLS: Record<string, string> = { new: 'N', intensifying: '↑', persistent: '●', diminishing: '↓', sporadic: '~' };

/** Fill colour of a Gi* class; not-significant cells are left transparent so the districts show through. */
export function hotspotFill(cls: string): [number, number, number, number] {
  if (cls === 'ns') return [0, 0, 0, 0];
  return [...(HOTSPOT_COLORS[cls] ?? NO_DATA), 200];
}

function centre(f: HotspotFeature): [number, number] {
  const ring = f.geometry.coordinates[0];
  const n = ring.length - 1;
  let x = 0, y = 0;
  for (let i = 0; i < n; i++) { x += ring[i][0]; y += ring[i][1]; }
  return [x / n, y / n];
}

/** Gi* hexagons coloured by class. */
export function hotspotLayers(cells: HotspotCollection, version: string): Layer[] {
  return [
    new GeoJsonLayer({
      id: 'hotspots-cells',
      data: cells as never,
      filled: true,
      stroked: true,
      getFillColor: ((f: HotspotFeature) => hotspotFill(f.properties.class)) as never,
      getLineColor: ((f: HotspotFeature) => (f.properties.class === 'ns' ? [0, 0, 0, 0] : [60, 60, 60, 160])) as never,
      lineWidthUnits: 'pixels',
      getLineWidth: 0.5,
      updateTriggers: { getFillColor: version, getLineColor: version },
    }),
  ];
}

/** Labels of the emerging patterns where known (cells without a pattern get none). */
export function emergingLabelLayers(emerging: HotspotCollection, version: string): Layer[] {
  const layers: Layer[] = [];
  const labelled = emerging.features.filter((f) => PATTERN_SYMBOLS[String(f.properties.pattern ?? '')] !== undefined);
  if (labelled.length) {
    layers.push(new TextLayer<HotspotFeature>({
      id: 'hotspots-emerging-labels',
      data: labelled,
      getPosition: centre,
      getText: (f) => PATTERN_SYMBOLS[String(f.properties.pattern)],
      getSize: 14,
      fontWeight: 700,
      getColor: [20, 20, 30, 255],
      outlineWidth: 3,
      outlineColor: [255, 255, 255, 230],
      fontSettings: { sdf: true },
      fontFamily: 'Liberation Sans, Arial, sans-serif',
      characterSet: 'N↑●↓~',
      updateTriggers: { getText: version },
    }));
  }
  return layers;
}
