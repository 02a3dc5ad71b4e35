import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Layer } from '@deck.gl/core';
import { startDrawing, type Drawing, type DrawingOptions } from './drawing.ts';
import { geometryBounds, type GeoJsonLike } from './geometry.ts';
import { isSoftwareRenderer, rendererOf } from './renderer.ts';
import type { MapLabel } from '../features/contract.ts';

maplibregl.setWorkerUrl(workerUrl);

/**
 * Without a configured basemap the server's own offline style: the landscape the municipality (or the
 * demo) ships — roads, water, railway, green areas — so the data never floats on a blank page.
 */
export const OFFLINE_STYLE_URL = '/api/basemap/style.json';

export interface MapView {
  map: maplibregl.Map;
  /**
   * Settles once MapLibre has its style and basemap and drew them ('load'). Data layers need not wait for it:
   * deck.gl draws into its own canvas, so districts can be drawn (and their shaders compiled) while the basemap loads.
   */
  loaded: Promise<void>;
  setLayers(layers: Layer[]): void;
  /** Shows these text labels above the data, following the camera (HTML, no WebGL). */
  setLabels(labels: MapLabel[]): void;
  /** The labels on screen now, in canvas pixels, for the PNG export. */
  placedLabels(): { text: string; x: number; y: number }[];
  fitBounds(bounds: [number, number, number, number]): void;
  /** Fits the view to any GeoJSON (a drawn area, a site check, a promise's districts). */
  fitToGeometry(geojson: GeoJsonLike): void;
  /** Draws a polygon or a point+radius and emits GeoJSON; one drawing at a time (a new one stops the old). */
  startDrawing(options: DrawingOptions): Promise<Drawing>;
  stopDrawing(): void;
  /** Presentation mode (a meeting's projector): map controls and the side panels hidden, the data stays. */
  setPresentation(on: boolean): void;
  /** The canvases to compose for a PNG export: basemap first, then deck.gl's overlay. */
  canvases(): HTMLCanvasElement[];
}

/**
 * Creates the MapLibre map with one deck.gl overlay that draws every data layer (STYLE: deck.gl). Returns at once;
 * `loaded` says when the basemap is in.
 */
export function createMapView(container: HTMLElement, basemapStyleUrl: string | null): MapView {
  const map = new maplibregl.Map({
    container,
    style: basemapStyleUrl ?? new URL(OFFLINE_STYLE_URL, location.href).href,
    center: [15, 62],
    zoom: 4,
    attributionControl: false,
    // Needed so a PNG export can read the canvas.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  const navigation = new maplibregl.NavigationControl({ showCompass: false });
  map.addControl(navigation, 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  let drawing: Drawing | null = null;
  // Frames deck.gl drew with data layers in them, for benchmarks and browser tests that wait for a redraw after a
  // change. Empty frames (before the first data arrives) do not count: "a frame" must mean the districts are drawn.
  const counter = globalThis as { __lagesbildFrames?: number };
  counter.__lagesbildFrames = 0;
  let layerCount = 0;
  // Without a GPU (SwiftShader on a virtual desktop, headless Chromium) 4× multisampling quadruples the CPU's shading
  // of deck.gl's full-screen choropleth in every frame and pushed the first district frame past 3 s (issue 11).
  // MapLibre draws without it already; the SDF labels are smooth either way, only polygon edges lose smoothing.
  const canvas = map.getCanvas();
  const software = isSoftwareRenderer(rendererOf(canvas.getContext('webgl2') ?? canvas.getContext('webgl')));
  const overlay = new MapLibreOverlay({
    interleaved: false, layers: [], deviceProps: software ? { webgl: { antialias: false } } : undefined, onAfterRender: () => {
    if (layerCount === 0) return;
    if (counter.__lagesbildFrames === 0) performance.mark('lagesbild:first-frame');
    counter.__lagesbildFrames! += 1;
  } });
  map.addControl(overlay);
  // Labels are a control added after the overlay in the same corner: the element after deck.gl's canvas holder,
  // so drawn above it from the same origin; they let the pointer through to the map.
  const labelRoot = document.createElement('div');
  labelRoot.className = 'map-labels';
  labelRoot.setAttribute('aria-hidden', 'true');
  map.addControl({ onAdd: () => labelRoot, onRemove: () => labelRoot.remove() }, overlay.getDefaultPosition?.() ?? 'top-left');
  let labels: MapLabel[] = [];
  let labelKey = '';
  const placeLabels = () => {
    labels.forEach((label, i) => {
      const p = map.project(label.position);
      (labelRoot.children[i] as HTMLElement).style.transform = `translate(${p.x.toFixed(1)}px, ${p.y.toFixed(1)}px) translate(-50%, -50%)`;
    });
  };
  map.on('move', placeLabels);
  map.on('resize', placeLabels);
  performance.mark('lagesbild:map-created');
  const loaded = new Promise<void>((resolve) => (map.loaded() ? resolve() : map.once('load', () => resolve()))).then(() => {
    performance.mark('lagesbild:map-loaded');
  });
  // A handle for browser tests and debugging in the console (projecting coordinates to pixels).
  (globalThis as { __lagesbildMap?: maplibregl.Map }).__lagesbildMap = map;
  const fitBounds = (b: [number, number, number, number]) => {
    // Keep the districts clear of the layer list (left) and the time slider (bottom), unless those are hidden.
    const wide = container.clientWidth > 900 && !document.body.classList.contains('presentation');
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: { top: 30, bottom: wide ? 110 : 30, left: wide ? 370 : 30, right: 30 }, duration: 0, maxZoom: 17 });
  };
  return {
    map,
    loaded,
    setLayers: (layers) => { layerCount = layers.length; overlay.setProps({ layers }); },
    setLabels: (next) => {
      // Rebuilt only when a label changed: render() runs on every state change.
      const key = JSON.stringify(next);
      if (key === labelKey) return;
      labelKey = key;
      labels = next;
      labelRoot.replaceChildren(...next.map((label) => {
        const el = document.createElement('span');
        el.className = 'map-label';
        el.dataset.label = label.id;
        el.textContent = label.text;
        return el;
      }));
      placeLabels();
    },
    placedLabels: () => labels.map((label) => ({ text: label.text, ...map.project(label.position) })),
    fitBounds,
    fitToGeometry: (geojson) => {
      const b = geometryBounds(geojson);
      if (b) fitBounds(b);
    },
    startDrawing: async (options) => {
      drawing?.stop();
      drawing = await startDrawing(map, options);
      return drawing;
    },
    stopDrawing: () => { drawing?.stop(); drawing = null; },
    setPresentation: (on) => {
      document.body.classList.toggle('presentation', on);
      if (on && map.hasControl(navigation)) map.removeControl(navigation);
      if (!on && !map.hasControl(navigation)) map.addControl(navigation, 'bottom-right');
      map.resize();
    },
    canvases: () => {
      const deckCanvas = overlay.getCanvas();
      return deckCanvas ? [map.getCanvas(), deckCanvas] : [map.getCanvas()];
    },
  };
}
