import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Layer } from '@deck.gl/core';

maplibregl.setWorkerUrl(workerUrl);

/**
 * Without a configured basemap the server's own offline style: the landscape the municipality (or the
 * demo) ships — roads, water, railway, green areas — so the data never floats on a blank page.
 */
export const OFFLINE_STYLE_URL = '/api/basemap/style.json';

export interface MapView {
  map: maplibregl.Map;
  setLayers(layers: Layer[]): void;
  fitBounds(bounds: [number, number, number, number]): void;
  /** The canvases to compose for a PNG export: basemap first, then deck.gl's overlay. */
  canvases(): HTMLCanvasElement[];
}

/** Creates the MapLibre map with one deck.gl overlay that draws every data layer (STYLE: deck.gl). */
export async function createMapView(container: HTMLElement, basemapStyleUrl: string | null): Promise<MapView> {
  const map = new maplibregl.Map({
    container,
    style: basemapStyleUrl ?? new URL(OFFLINE_STYLE_URL, location.href).href,
    center: [15, 62],
    zoom: 4,
    attributionControl: false,
    // Needed so a PNG export can read the canvas.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  // Frames drawn by deck.gl, for benchmarks and browser tests that wait for a redraw after a change.
  const counter = globalThis as { __lagesbildFrames?: number };
  counter.__lagesbildFrames = 0;
  const overlay = new MapLibreOverlay({ interleaved: false, layers: [], onAfterRender: () => {
    if (counter.__lagesbildFrames === 1) performance.mark('lagesbild:first-frame');
    counter.__lagesbildFrames! += 1;
  } });
  map.addControl(overlay);
  performance.mark('lagesbild:overlay-added');
  performance.mark('lagesbild:map-created');
  await new Promise<void>((resolve) => (map.loaded() ? resolve() : map.once('load', () => resolve())));
  performance.mark('lagesbild:map-loaded');
  // A handle for browser tests and debugging in the console (projecting coordinates to pixels).
  (globalThis as { __lagesbildMap?: maplibregl.Map }).__lagesbildMap = map;
  return {
    map,
    setLayers: (layers) => overlay.setProps({ layers }),
    fitBounds: (b) => {
      // Keep the districts clear of the layer list (left) and the time slider (bottom).
      const wide = container.clientWidth > 900;
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: { top: 30, bottom: wide ? 110 : 30, left: wide ? 370 : 30, right: 30 }, duration: 0 });
    },
    canvases: () => {
      const deckCanvas = overlay.getCanvas();
      return deckCanvas ? [map.getCanvas(), deckCanvas] : [map.getCanvas()];
    },
  };
}
