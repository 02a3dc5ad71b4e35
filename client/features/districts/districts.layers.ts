import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import { colorFor, type Rgb } from '../../ui/color-scale.ts';
import type { DistrictCollection, DistrictFeature, DistrictStat } from './districts.api.ts';

export interface DistrictLayerInput {
  districts: DistrictCollection;
  stats: Map<number, DistrictStat>;
  breaks: number[];
  selectedId: number | null;
  /** Changes whenever stats or breaks change, so deck.gl recolours (updateTriggers). */
  version: string;
  onSelect(id: number | null): void;
}

/** A polygon's label point: the centroid of its largest outer ring's vertices (good enough for compact districts). */
export function labelPoint(feature: DistrictFeature): [number, number] {
  const rings = feature.geometry.type === 'Polygon'
    ? [(feature.geometry.coordinates as number[][][])[0]]
    : (feature.geometry.coordinates as number[][][][]).map((p) => p[0]);
  const ring = rings.reduce((a, b) => (b.length > a.length ? b : a));
  let x = 0, y = 0;
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) { x += ring[i][0]; y += ring[i][1]; }
  return [x / n, y / n];
}

/** The district choropleth (fill by rate per 1000) and its labels, as cheap deck.gl descriptors. */
export function districtLayers(input: DistrictLayerInput): Layer[] {
  const fill = (f: DistrictFeature): [...Rgb, number] => {
    const stat = input.stats.get(f.properties.id);
    return [...colorFor(stat?.rate_per_1000 ?? null, input.breaks), 215];
  };
  return [
    new GeoJsonLayer<DistrictFeature['properties']>({
      id: 'districts-fill',
      data: input.districts as never,
      pickable: true,
      stroked: true,
      filled: true,
      getFillColor: fill as never,
      getLineColor: (f: unknown) => ((f as DistrictFeature).properties.id === input.selectedId ? [20, 20, 20, 255] : [70, 70, 80, 200]),
      getLineWidth: (f: unknown) => ((f as DistrictFeature).properties.id === input.selectedId ? 4 : 1.5),
      lineWidthUnits: 'pixels',
      autoHighlight: true,
      highlightColor: [0, 0, 0, 40],
      updateTriggers: { getFillColor: input.version, getLineColor: input.selectedId, getLineWidth: input.selectedId },
      onClick: (info: PickingInfo) => input.onSelect((info.object as DistrictFeature | undefined)?.properties.id ?? null),
    }),
    new TextLayer<DistrictFeature>({
      id: 'districts-labels',
      data: input.districts.features,
      getPosition: labelPoint,
      getText: (f) => f.properties.name,
      getSize: 13,
      getColor: [20, 20, 30, 255],
      outlineWidth: 3,
      outlineColor: [255, 255, 255, 230],
      fontSettings: { sdf: true },
      fontFamily: 'Liberation Sans, Arial, sans-serif',
      characterSet: 'auto',
      fontWeight: 600,
    }),
  ];
}
