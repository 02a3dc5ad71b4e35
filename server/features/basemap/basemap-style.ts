import type { BasemapRow } from './basemap.queries.ts';

/** The background of the offline map; the data layers were designed over it. */
export const BACKGROUND = '#eef1f4';

/** Line widths in pixels per zoom: wider than true scale at town zoom, so roads and the river still read under the districts' colours. */
const widths = (...stops: number[]) => ['interpolate', ['exponential', 1.6], ['zoom'], ...stops];

const byKind = (kind: string) => ['==', ['get', 'kind'], kind];

/**
 * A MapLibre style for the offline basemap: the landscape a municipality ships, drawn in quiet
 * colours so the data above it stays the message. No glyphs or sprites: nothing to fetch.
 */
export function basemapStyle(rows: readonly BasemapRow[]) {
  const features = rows.map((r) => ({ type: 'Feature', properties: { kind: r.kind, name: r.name }, geometry: JSON.parse(r.geometry) }));
  return {
    version: 8,
    name: 'Lägesbild offline',
    sources: { landscape: { type: 'geojson', data: { type: 'FeatureCollection', features } } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
      { id: 'forest', type: 'fill', source: 'landscape', filter: byKind('forest'), paint: { 'fill-color': '#d3e3cc' } },
      { id: 'park', type: 'fill', source: 'landscape', filter: byKind('park'), paint: { 'fill-color': '#c8e3bd' } },
      { id: 'industrial', type: 'fill', source: 'landscape', filter: byKind('industrial'), paint: { 'fill-color': '#e1dde8' } },
      { id: 'water', type: 'fill', source: 'landscape', filter: byKind('water'), paint: { 'fill-color': '#aecfe6' } },
      { id: 'river', type: 'line', source: 'landscape', filter: byKind('river'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#aecfe6', 'line-width': widths(9, 2, 12, 7, 14, 16, 17, 60) } },
      { id: 'street', type: 'line', source: 'landscape', filter: byKind('street'), minzoom: 12, layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': widths(12, 1, 14, 3, 17, 12) } },
      { id: 'main-road-casing', type: 'line', source: 'landscape', filter: byKind('main_road'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#b3b9c2', 'line-width': widths(9, 2, 12, 5.5, 14, 10, 17, 30) } },
      { id: 'main-road', type: 'line', source: 'landscape', filter: byKind('main_road'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#fdfdfd', 'line-width': widths(9, 1, 12, 3.5, 14, 7, 17, 24) } },
      { id: 'railway', type: 'line', source: 'landscape', filter: byKind('railway'), paint: { 'line-color': '#8d939c', 'line-width': 2, 'line-dasharray': [3, 2] } },
    ],
  };
}
