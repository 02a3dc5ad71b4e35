import { HeatmapLayer, GridLayer } from '@deck.gl/aggregation-layers';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { OKABE_ITO, SEQUENTIAL_5 } from '../../ui/color-scale.ts';
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

/** The heatmap of incident density (weights 1 per incident). */
export function heatmapLayer(points: IncidentPoints, version: string): Layer {
  return new HeatmapLayer({
    id: 'incidents-heatmap',
    data: { length: points.length, attributes: { getPosition: { value: points.positions, size: 2 } } } as never,
    radiusPixels: 30,
    intensity: 1,
    threshold: 0.05,
    colorRange: SEQUENTIAL_5.map((c) => [...c, 255]) as never,
    updateTriggers: { getPosition: version },
  });
}

/** Incident points: summed in a 200 m grid at low zoom, coloured dots from POINTS_MIN_ZOOM. */
export function pointLayers(points: IncidentPoints, zoom: number, version: string): Layer[] {
  if (zoom < POINTS_MIN_ZOOM) {
    return [new GridLayer({
      id: 'incidents-grid',
      data: { length: points.length, attributes: { getPosition: { value: points.positions, size: 2 } } } as never,
      cellSize: 200,
      colorRange: SEQUENTIAL_5.map((c) => [...c]) as never,
      extruded: false,
      opacity: 0.8,
      pickable: false,
      updateTriggers: { getPosition: version },
    })];
  }
  return [new ScatterplotLayer({
    id: 'incidents-points',
    data: binaryData(points) as never,
    radiusUnits: 'pixels',
    getRadius: 4,
    stroked: true,
    getLineColor: [255, 255, 255, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    updateTriggers: { getPosition: version, getFillColor: version },
  })];
}
