import type { BasemapRow } from './basemap.queries.ts';

/** The background of the offline map; the data layers were designed over it. */
export const BACKGROUND = '#eef1f4';

// Metres → pixels at Swedish latitudes (~59°): 1 px is about 80,000 m / 2^zoom.
const metres = (m: number) => ['interpolate', ['exponential', 2], ['zoom'], 8, (m / 80_000) * 256, 18, (m / 80_000) * 262_144];

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
      { id: 'river', type: 'line', source: 'landscape', filter: byKind('river'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#aecfe6', 'line-width': metres(60) } },
      { id: 'street', type: 'line', source: 'landscape', filter: byKind('street'), minzoom: 12, layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': metres(12) } },
      { id: 'main-road-casing', type: 'line', source: 'landscape', filter: byKind('main_road'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#c9ced6', 'line-width': ['+', 1.5, metres(22)] } },
      { id: 'main-road', type: 'line', source: 'landscape', filter: byKind('main_road'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#fdfdfd', 'line-width': metres(22) } },
      { id: 'railway', type: 'line', source: 'landscape', filter: byKind('railway'), paint: { 'line-color': '#8d939c', 'line-width': 2, 'line-dasharray': [3, 2] } },
    ],
  };
}
