import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import type { Rgb } from '../../ui/color-scale.ts';
import { geometryBounds, type GeoJsonLike } from '../../map/geometry.ts';
import type { CitizenPromise, PromiseStatus } from './citizen-promises.api.ts';
import type { PromiseSelection } from './citizen-promises.state.ts';

/** Status colours: grey draft, blue agreed, purple published (as the public page's outlines), green followed up. */
export const STATUS_COLORS: Record<PromiseStatus, Rgb> = {
  draft: [120, 120, 120], agreed: [33, 102, 172], published: [84, 39, 136], followed_up: [27, 120, 55],
};
/** The colour of what is picked for a draft (orange, apart from every status and the hotspot reds). */
export const SELECTION_COLOR: Rgb = [230, 97, 1];

interface AreaFeature { type: 'Feature'; geometry: { type: string; coordinates: unknown }; properties: { id: number; status: PromiseStatus; title: string } }
interface ShapeFeature { type: 'Feature'; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> & { id?: number; i?: number; j?: number } }

/** A promise's area as features: its stored polygon, else the polygons of its districts (any level). */
export function promiseAreaFeatures(promises: CitizenPromise[], districts: { features: ShapeFeature[] }): AreaFeature[] {
  const byId = new Map(districts.features.map((f) => [Number(f.properties.id), f]));
  const out: AreaFeature[] = [];
  for (const p of promises) {
    const props = { id: p.id, status: p.status, title: p.title };
    if (p.area.geometry) out.push({ type: 'Feature', geometry: p.area.geometry, properties: props });
    else for (const id of p.area.district_ids) {
      const f = byId.get(id);
      if (f) out.push({ type: 'Feature', geometry: f.geometry, properties: props });
    }
  }
  return out;
}

export interface PromiseLabel { position: [number, number]; text: string; offset: [number, number] }

/**
 * Where each promise's title goes: under the centre of its area's bounding box, moved down a line at a time while
 * it would overlap a title already placed at this zoom (promises side by side otherwise print over each other).
 * Sizes are estimated (7 px a character, 16 px a line at 13 px text) in Web Mercator pixels.
 */
export function promiseLabels(features: AreaFeature[], zoom: number): PromiseLabel[] {
  const byPromise = new Map<number, AreaFeature[]>();
  for (const f of features) byPromise.set(f.properties.id, [...(byPromise.get(f.properties.id) ?? []), f]);
  const scale = (256 * 2 ** zoom) / 360;
  const toPixels = ([lon, lat]: [number, number]) => [lon * scale, -(180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * scale];
  const placed: { x0: number; x1: number; y0: number; y1: number }[] = [];
  const out: PromiseLabel[] = [];
  for (const fs of byPromise.values()) {
    const b = geometryBounds({ type: 'FeatureCollection', features: fs as unknown as GeoJsonLike[] });
    if (!b) continue;
    const title = fs[0].properties.title;
    const text = title.length > 40 ? `${title.slice(0, 38)}…` : title;
    const position: [number, number] = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
    const [x, y] = toPixels(position);
    const half = (text.length * 7) / 2;
    let dy = 20;
    const box = () => ({ x0: x - half, x1: x + half, y0: y + dy - 8, y1: y + dy + 8 });
    const overlaps = () => placed.some((p) => { const q = box(); return q.x0 < p.x1 && p.x0 < q.x1 && q.y0 < p.y1 && p.y0 < q.y1; });
    for (let tries = 0; tries < 10 && overlaps(); tries++) dy += 16;
    placed.push(box());
    out.push({ position, text, offset: [0, dy] });
  }
  return out;
}

/** Promise areas tinted and outlined by status (the open one thicker), with their titles. */
export function promiseAreaLayers(features: AreaFeature[], openId: number | null, version: string, zoom = 12): Layer[] {
  const labels = promiseLabels(features, zoom);
  return [
    new GeoJsonLayer({
      id: 'citizen-promises-areas', data: { type: 'FeatureCollection', features } as never,
      filled: true, stroked: true, lineWidthUnits: 'pixels',
      getFillColor: ((f: AreaFeature) => [...STATUS_COLORS[f.properties.status], 40]) as never,
      getLineColor: ((f: AreaFeature) => [...STATUS_COLORS[f.properties.status], 255]) as never,
      getLineWidth: ((f: AreaFeature) => (f.properties.id === openId ? 6 : 3)) as never,
      updateTriggers: { getFillColor: version, getLineColor: version, getLineWidth: `${version}|${openId}` },
    }),
    new TextLayer<PromiseLabel>({
      id: 'citizen-promises-labels', data: labels, getPosition: (d) => d.position, getText: (d) => d.text, getSize: 14,
      // Below the centre, so the title does not sit on the district's own label there (and stacked, see promiseLabels).
      getPixelOffset: (d) => d.offset, getColor: [40, 20, 70, 255], outlineWidth: 4, outlineColor: [255, 255, 255, 235],
      // The district labels' font settings: with the default atlas the outline swallowed the glyphs.
      fontSettings: { sdf: true, fontSize: 40, buffer: 4 }, fontFamily: 'Liberation Sans, Arial, sans-serif', characterSet: 'auto', fontWeight: 600,
      updateTriggers: { getText: version, getPixelOffset: `${version}|${Math.round(zoom)}` },
    }),
  ];
}

/** A stable key of what is selected, for updateTriggers. */
export function selectionKey(sel: PromiseSelection): string {
  return `${sel.mode}|${sel.cells.map((c) => `${c.i},${c.j}`).join(';')}|${sel.districtIds.join(',')}|${sel.drawn ? 'drawn' : ''}`;
}

/**
 * What a draft is picked from: while picking cells or districts, a clickable layer over them (the picked ones
 * filled orange; the others nearly clear but still pickable, so a click toggles them); a drawn polygon outlined.
 */
export function selectionLayers(
  sel: PromiseSelection, shapes: { cells: ShapeFeature[]; districts: ShapeFeature[] },
  onPick: (feature: ShapeFeature) => void,
): Layer[] {
  const key = selectionKey(sel);
  if (sel.mode === 'hotspots' || sel.mode === 'districts') {
    const isPicked = sel.mode === 'hotspots'
      ? (f: ShapeFeature) => sel.cells.some((c) => c.i === f.properties.i && c.j === f.properties.j)
      : (f: ShapeFeature) => sel.districtIds.includes(Number(f.properties.id));
    return [new GeoJsonLayer({
      id: 'citizen-promises-pick', data: { type: 'FeatureCollection', features: sel.mode === 'hotspots' ? shapes.cells : shapes.districts } as never,
      pickable: true, filled: true, stroked: true, lineWidthUnits: 'pixels', autoHighlight: true, highlightColor: [230, 97, 1, 90],
      // Alpha 1 keeps unpicked shapes invisible yet pickable (deck.gl picks by the rendered shape).
      getFillColor: ((f: ShapeFeature) => (isPicked(f) ? [...SELECTION_COLOR, 150] : [0, 0, 0, 1])) as never,
      getLineColor: ((f: ShapeFeature) => (isPicked(f) ? [...SELECTION_COLOR, 255] : [0, 0, 0, 0])) as never,
      getLineWidth: 3,
      updateTriggers: { getFillColor: key, getLineColor: key },
      onClick: (info: PickingInfo) => {
        if (info.object) onPick(info.object as ShapeFeature);
        return true;
      },
    })];
  }
  if (sel.mode === 'draw') {
    // The clicks that draw the polygon must not also select the district beneath (which opens its panel):
    // an invisible pickable cover over the districts takes them and does nothing.
    const cover = new GeoJsonLayer({
      id: 'citizen-promises-draw-cover', data: { type: 'FeatureCollection', features: shapes.districts } as never,
      pickable: true, filled: true, stroked: false, getFillColor: [0, 0, 0, 1], onClick: () => true,
    });
    if (!sel.drawn) return [cover];
    return [cover, new GeoJsonLayer({
      id: 'citizen-promises-drawn', data: { type: 'Feature', geometry: sel.drawn, properties: {} } as never,
      filled: true, stroked: true, lineWidthUnits: 'pixels', getFillColor: [...SELECTION_COLOR, 60], getLineColor: [...SELECTION_COLOR, 255], getLineWidth: 3,
      updateTriggers: { getFillColor: key },
    })];
  }
  return [];
}
