import Pbf from 'pbf';

type TileProperties = Record<string, string | number | boolean | null>;

/** A point feature in tile coordinates (integers, origin top-left, y down). */
export interface TilePoint {
  x: number;
  y: number;
  properties: TileProperties;
}

/** A polygon feature in tile coordinates: rings of [x, y], the first the exterior, closed or not. */
export interface TilePolygon {
  rings: [number, number][][];
  properties: TileProperties;
}

// Mapbox Vector Tile 2.1 field numbers.
const TILE_LAYERS = 3;
const LAYER = { name: 1, features: 2, keys: 3, values: 4, extent: 5, version: 15 } as const;
const FEATURE = { tags: 2, type: 3, geometry: 4 } as const;
const VALUE = { string: 1, double: 3, sint: 6, bool: 7 } as const;
const POINT = 1;
const POLYGON = 3;
const MOVE_TO = 1;
const LINE_TO = 2;
const CLOSE_PATH = 7;

const zigzag = (n: number) => (n << 1) ^ (n >> 31);
const command = (id: number, count: number) => (count << 3) | id;

interface EncodedFeature {
  type: number;
  properties: TileProperties;
  geometry: number[];
}

/**
 * Encodes one layer of points as a Mapbox Vector Tile — the fallback for ST_AsMVT on PGlite,
 * whose PostGIS lacks protobuf. Null properties are left out, as ST_AsMVT does; an empty layer
 * gives an empty tile, as ST_AsMVT does.
 */
export function encodePointLayer(name: string, extent: number, points: TilePoint[]): Uint8Array {
  return encodeLayer(name, extent, points.map((p) => ({
    type: POINT, properties: p.properties, geometry: [command(MOVE_TO, 1), zigzag(p.x), zigzag(p.y)],
  })));
}

/**
 * Encodes one layer of polygons (MVT 2.1 §4.3.4): coordinates rounded to integers, repeated vertices
 * dropped, exterior rings wound clockwise in tile space (y down) and holes the other way, as the
 * spec demands of decoders that tell them apart; a ring that collapses below three vertices at this
 * zoom is left out, and a polygon without its exterior ring too.
 */
export function encodePolygonLayer(name: string, extent: number, polygons: TilePolygon[]): Uint8Array {
  const features: EncodedFeature[] = [];
  for (const polygon of polygons) {
    const geometry: number[] = [];
    let cx = 0, cy = 0;
    for (let r = 0; r < polygon.rings.length; r++) {
      const ring = cleanRing(polygon.rings[r]);
      if (!ring) {
        if (r === 0) break;
        continue;
      }
      const exterior = r === 0;
      // Surveyor's formula in tile space: positive is clockwise on screen, the exterior's winding.
      if ((signedArea(ring) > 0) !== exterior) ring.reverse();
      geometry.push(command(MOVE_TO, 1), zigzag(ring[0][0] - cx), zigzag(ring[0][1] - cy));
      cx = ring[0][0]; cy = ring[0][1];
      geometry.push(command(LINE_TO, ring.length - 1));
      for (let k = 1; k < ring.length; k++) {
        geometry.push(zigzag(ring[k][0] - cx), zigzag(ring[k][1] - cy));
        cx = ring[k][0]; cy = ring[k][1];
      }
      geometry.push(command(CLOSE_PATH, 1));
    }
    if (geometry.length) features.push({ type: POLYGON, properties: polygon.properties, geometry });
  }
  return encodeLayer(name, extent, features);
}

/** Integer vertices without repeats or the closing vertex; null when fewer than three remain or no area. */
function cleanRing(ring: [number, number][]): [number, number][] | null {
  const out: [number, number][] = [];
  for (const [x, y] of ring) {
    const p: [number, number] = [Math.round(x), Math.round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out.length >= 3 && signedArea(out) !== 0 ? out : null;
}

function signedArea(ring: [number, number][]): number {
  let sum = 0;
  for (let k = 0; k < ring.length; k++) {
    const [x1, y1] = ring[k];
    const [x2, y2] = ring[(k + 1) % ring.length];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

function encodeLayer(name: string, extent: number, features: EncodedFeature[]): Uint8Array {
  if (!features.length) return new Uint8Array(0);
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const values: (string | number | boolean)[] = [];
  const valueIndex = new Map<string, number>();
  const tagsOf = (props: TileProperties) => {
    const tags: number[] = [];
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined) continue;
      let ki = keyIndex.get(k);
      if (ki === undefined) { ki = keys.push(k) - 1; keyIndex.set(k, ki); }
      const vk = `${typeof v}:${v}`;
      let vi = valueIndex.get(vk);
      if (vi === undefined) { vi = values.push(v) - 1; valueIndex.set(vk, vi); }
      tags.push(ki, vi);
    }
    return tags;
  };
  const encoded = features.map((f) => ({ tags: tagsOf(f.properties), type: f.type, geometry: f.geometry }));

  const pbf = new Pbf();
  pbf.writeMessage(TILE_LAYERS, (_: unknown, layer: Pbf) => {
    layer.writeVarintField(LAYER.version, 2);
    layer.writeStringField(LAYER.name, name);
    for (const f of encoded) {
      layer.writeMessage(LAYER.features, (_f: unknown, out: Pbf) => {
        if (f.tags.length) out.writePackedVarint(FEATURE.tags, f.tags);
        out.writeVarintField(FEATURE.type, f.type);
        out.writePackedVarint(FEATURE.geometry, f.geometry);
      }, null);
    }
    for (const k of keys) layer.writeStringField(LAYER.keys, k);
    for (const v of values) {
      layer.writeMessage(LAYER.values, (_v: unknown, out: Pbf) => {
        if (typeof v === 'string') out.writeStringField(VALUE.string, v);
        else if (typeof v === 'boolean') out.writeBooleanField(VALUE.bool, v);
        else if (Number.isInteger(v)) out.writeSVarintField(VALUE.sint, v);
        else out.writeDoubleField(VALUE.double, v);
      }, null);
    }
    layer.writeVarintField(LAYER.extent, extent);
  }, null);
  return pbf.finish();
}

/**
 * Web-mercator tile coordinates (extent units, y down) of a WGS84 position in tile z/x/y; the
 * same projection ST_Transform(…, 3857) and ST_TileEnvelope give, computed without a database trip.
 */
export function lonLatToTile(tile: { z: number; x: number; y: number }, extent: number, lon: number, lat: number): [number, number] {
  const n = 2 ** tile.z;
  const wx = ((lon + 180) / 360) * n;
  const phi = (lat * Math.PI) / 180;
  const wy = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n;
  return [(wx - tile.x) * extent, (wy - tile.y) * extent];
}
