import type * as maplibregl from 'maplibre-gl';
import { pointRadiusArea, polygonArea, type DrawMode, type DrawnArea } from './geometry.ts';

export interface DrawingOptions {
  mode: DrawMode;
  /** Radius of the point+radius mode, metres. */
  radiusM?: number;
  /** Called with each finished shape (the drawing stays on until stopped). */
  onFinish(area: DrawnArea): void;
}

/** A drawing session on the map; stop() removes it and its sketch. */
export interface Drawing { stop(): void }

/**
 * Starts drawing on a MapLibre map with terra-draw. terra-draw is loaded on first use, so the map's first
 * render does not pay for it. Emits GeoJSON in WGS84: a polygon, or a point with its radius and circle.
 */
export async function startDrawing(map: maplibregl.Map, options: DrawingOptions): Promise<Drawing> {
  const [{ TerraDraw, TerraDrawPolygonMode, TerraDrawPointMode }, { TerraDrawMapLibreGLAdapter }] = await Promise.all([
    import('terra-draw'), import('terra-draw-maplibre-gl-adapter'),
  ]);
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 6 }),
    modes: [new TerraDrawPolygonMode(), new TerraDrawPointMode()],
  });
  draw.start();
  draw.setMode(options.mode === 'polygon' ? 'polygon' : 'point');
  draw.on('finish', (id) => {
    const feature = draw.getSnapshotFeature(id);
    if (!feature) return;
    const g = feature.geometry;
    if (g.type === 'Polygon') options.onFinish(polygonArea(g.coordinates as number[][][]));
    if (g.type === 'Point') options.onFinish(pointRadiusArea(g.coordinates as [number, number], options.radiusM ?? 100));
  });
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      draw.clear();
      draw.stop();
    },
  };
}
