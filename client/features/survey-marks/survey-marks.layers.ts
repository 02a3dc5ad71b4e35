import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { MARK_REASONS } from '../../../shared/constants.ts';
import { OKABE_ITO, type Rgb } from '../../ui/color-scale.ts';
import type { MarkCollection, MarkFeature } from './survey-marks.api.ts';

/** Colour of a reason (Okabe–Ito, in the fixed reason order so legends stay stable). */
export function reasonColor(reason: string): Rgb {
  const i = (MARK_REASONS as readonly string[]).indexOf(reason);
  return OKABE_ITO[i < 0 ? OKABE_ITO.length - 2 : i];
}

/** A mark's colour: its first reason among the selected ones (or its first reason). */
export function markColor(mark: MarkFeature, selected: string[]): Rgb {
  const reasons = mark.properties.reasons;
  const first = (selected.length ? reasons.find((r) => selected.includes(r)) : undefined) ?? reasons[0] ?? 'ovrigt';
  return reasonColor(first);
}

/** Unsafe-place marks as dots coloured by reason. */
export function markLayers(marks: MarkCollection, selectedReasons: string[], version: string): Layer[] {
  return [new ScatterplotLayer<MarkFeature>({
    id: 'marks-points',
    data: marks.features,
    getPosition: (f) => f.geometry.coordinates,
    getFillColor: (f) => [...markColor(f, selectedReasons), 235],
    getLineColor: [255, 255, 255, 255],
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5,
    radiusUnits: 'pixels',
    getRadius: 6,
    pickable: true,
    updateTriggers: { getFillColor: `${version}|${selectedReasons.join(',')}` },
  })];
}
