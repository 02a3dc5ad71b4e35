import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { DISCREPANCY_COLORS, NO_DATA } from '../../ui/color-scale.ts';
import type { DistrictCollection, DistrictFeature } from '../districts/districts.api.ts';
import { labelPoint } from '../districts/districts.layers.ts';
import type { Discrepancy } from '../discrepancy/discrepancy.api.ts';
import type { PublicPromise } from './plans.api.ts';

/** Citizen-promise areas as thick outlines (no fill, so the data beneath stays readable) with the promise title. */
export function promiseLayers(districts: DistrictCollection, promises: PublicPromise[], version: string): Layer[] {
  const byId = new Map(districts.features.map((f) => [f.properties.id, f]));
  const outlined: DistrictFeature[] = [];
  const labels: { position: [number, number]; text: string }[] = [];
  for (const p of promises) {
    const features = p.area.district_ids.map((id) => byId.get(id)).filter((f): f is DistrictFeature => f !== undefined);
    outlined.push(...features);
    if (features.length) labels.push({ position: labelPoint(features[0]), text: p.title.length > 40 ? `${p.title.slice(0, 38)}…` : p.title });
  }
  return [
    new GeoJsonLayer({
      id: 'plans-promise-outlines', data: { type: 'FeatureCollection', features: outlined } as never,
      filled: false, stroked: true, getLineColor: [84, 39, 136, 255], lineWidthUnits: 'pixels', getLineWidth: 5,
      updateTriggers: { getLineColor: version },
    }),
    new TextLayer<{ position: [number, number]; text: string }>({
      id: 'plans-promise-labels', data: labels, getPosition: (d) => d.position, getText: (d) => d.text, getSize: 13,
      getPixelOffset: [0, 18], getColor: [84, 39, 136, 255], outlineWidth: 4, outlineColor: [255, 255, 255, 240],
      fontSettings: { sdf: true }, fontFamily: 'Liberation Sans, Arial, sans-serif', characterSet: 'auto',
      updateTriggers: { getText: version },
    }),
  ];
}

/** Discrepancy hexagons coloured by class (both-low and unclassified cells left clear). */
export function discrepancyCellLayer(cells: NonNullable<Discrepancy['cells']>, version: string): Layer {
  return new GeoJsonLayer({
    id: 'discrepancy-cells', data: cells as never, filled: true, stroked: false,
    getFillColor: ((f: { properties: { class: string } }) => (f.properties.class === 'both_low' || f.properties.class === 'insufficient_data'
      ? [0, 0, 0, 0] : [...(DISCREPANCY_COLORS[f.properties.class] ?? NO_DATA), 220])) as never,
    updateTriggers: { getFillColor: version },
  });
}
