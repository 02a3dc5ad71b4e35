import Pbf from 'pbf';

/** A point feature in tile coordinates (integers, origin top-left, y down). */
export interface TilePoint {
  x: number;
  y: number;
  properties: Record<string, string | number | boolean | null>;
}

// Mapbox Vector Tile 2.1 field numbers.
const TILE_LAYERS = 3;
const LAYER = { name: 1, features: 2, keys: 3, values: 4, extent: 5, version: 15 } as const;
const FEATURE = { tags: 2, type: 3, geometry: 4 } as const;
const VALUE = { string: 1, double: 3, sint: 6, bool: 7 } as const;
const POINT = 1;
const MOVE_TO = 1;

const zigzag = (n: number) => (n << 1) ^ (n >> 31);

/**
 * Encodes one layer of points as a Mapbox Vector Tile — the fallback for ST_AsMVT on PGlite,
 * whose PostGIS lacks protobuf. Null properties are left out, as ST_AsMVT does; an empty layer
 * gives an empty tile, as ST_AsMVT does.
 */
export function encodePointLayer(name: string, extent: number, points: TilePoint[]): Uint8Array {
  if (!points.length) return new Uint8Array(0);
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const values: (string | number | boolean)[] = [];
  const valueIndex = new Map<string, number>();
  const tagsOf = (props: TilePoint['properties']) => {
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
  const features = points.map((p) => ({ tags: tagsOf(p.properties), geometry: [(1 << 3) | MOVE_TO, zigzag(p.x), zigzag(p.y)] }));

  const pbf = new Pbf();
  pbf.writeMessage(TILE_LAYERS, (_: unknown, layer: Pbf) => {
    layer.writeVarintField(LAYER.version, 2);
    layer.writeStringField(LAYER.name, name);
    for (const f of features) {
      layer.writeMessage(LAYER.features, (_f: unknown, out: Pbf) => {
        if (f.tags.length) out.writePackedVarint(FEATURE.tags, f.tags);
        out.writeVarintField(FEATURE.type, POINT);
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
