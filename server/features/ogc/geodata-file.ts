import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { AppError } from '../../infra/errors.ts';

const run = promisify(execFile);

/** File formats a collection can be downloaded in besides GeoJSON. */
export type GeodataFormat = 'gpkg' | 'fgb';

export const GEODATA_MEDIA_TYPES: Record<GeodataFormat, string> = {
  gpkg: 'application/geopackage+sqlite3',
  fgb: 'application/flatgeobuf',
};

interface WgsFeature {
  geometry: unknown;
  properties: Record<string, string | number | boolean | null>;
}

let ogr2ogrAvailable: Promise<boolean> | null = null;

/** Whether GDAL's ogr2ogr can be run on this server (checked once). */
export function hasOgr2ogr(): Promise<boolean> {
  ogr2ogrAvailable ??= run('ogr2ogr', ['--version']).then(() => true, () => false);
  return ogr2ogrAvailable;
}

/**
 * A GeoPackage of WGS84 features as one layer, in EPSG:4326 or EPSG:3006 (x = easting as GIS files
 * store it), written by ogr2ogr from GeoJSON in a private temporary directory.
 */
export async function writeGeoPackage(layer: string, features: WgsFeature[], srid: 4326 | 3006): Promise<Buffer> {
  if (!(await hasOgr2ogr())) {
    throw new AppError(503, 'GEOPACKAGE_UNAVAILABLE', 'GeoPackage needs GDAL (ogr2ogr) on the server, which is not installed; ask for f=fgb (FlatGeobuf) instead');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lagesbild-gpkg-'));
  try {
    const input = path.join(dir, 'in.geojson');
    const output = path.join(dir, 'out.gpkg');
    fs.writeFileSync(input, JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) }));
    await run('ogr2ogr', ['-f', 'GPKG', output, input, '-nln', layer, '-s_srs', 'EPSG:4326', '-t_srs', `EPSG:${srid}`, '-lco', 'FID=fid'], { timeout: 120_000 });
    return fs.readFileSync(output);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(500, 'GEOPACKAGE_FAILED', 'Writing the GeoPackage failed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** PostgreSQL types the FlatGeobuf columns are written from (Long, Double, Bool and String in the file). */
export type ColumnType = 'text' | 'float8' | 'int8' | 'boolean';

function columnTypes(features: WgsFeature[]): [string, ColumnType][] {
  const types = new Map<string, ColumnType>();
  for (const f of features) {
    for (const [k, v] of Object.entries(f.properties)) {
      if (v === null) { if (!types.has(k)) types.set(k, 'int8'); continue; }
      const t: ColumnType = typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? (Number.isInteger(v) ? 'int8' : 'float8') : 'text';
      const was = types.get(k);
      types.set(k, was === undefined || was === t ? t : was === 'text' || t === 'text' ? 'text' : (was === 'float8' || t === 'float8') && was !== 'boolean' && t !== 'boolean' ? 'float8' : 'text');
    }
  }
  // A column that was null everywhere is text, the most neutral type for a GIS client.
  const nonNull = new Set(features.flatMap((f) => Object.entries(f.properties).filter(([, v]) => v !== null).map(([k]) => k)));
  return [...types].map(([k, t]) => [k, nonNull.has(k) ? t : 'text']);
}

/**
 * A FlatGeobuf of WGS84 features in EPSG:4326 or EPSG:3006 written by PostGIS (ST_AsFlatGeobuf, available
 * on both backends, so this works where GDAL is not installed). Attribute types follow the values; a null
 * attribute is left out of its feature, as the FlatGeobuf spec says (see {@link renumberFlatGeobufProperties}).
 * Written without the spatial index, so the features keep our order (the index would sort them).
 */
export async function writeFlatGeobuf(db: Db, features: WgsFeature[], srid: 4326 | 3006): Promise<Buffer> {
  const columns = columnTypes(features);
  const names = columns.map(([k]) => k);
  if (names.some((k) => !/^[a-z_][a-z0-9_]*$/.test(k))) throw new AppError(500, 'FLATGEOBUF_FAILED', 'an attribute name is not a plain identifier');
  const rows = features.map((f, k) => ({ k, g: JSON.stringify(f.geometry), ...f.properties }));
  const record = sql.raw(['k int', 'g text', ...columns.map(([k, t]) => `${k} ${t}`)].join(', '));
  const { rows: out } = await sql<{ fgb: Uint8Array | null }>`
    SELECT ST_AsFlatGeobuf(q, false, 'geom') AS fgb
      FROM (SELECT ${sql.join(names.map((n) => sql.ref(`r.${n}`)))}, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.g), 4326), ${srid}::int) AS geom
              FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${record}) ORDER BY r.k) q`.execute(db);
  const file = Buffer.from(out[0]?.fgb ?? new Uint8Array());
  if (file.length) {
    const present = features.map((f) => columns.map(([k]) => f.properties[k] !== null && f.properties[k] !== undefined));
    renumberFlatGeobufProperties(file, columns.map(([, t]) => t), present);
  }
  return file;
}

const FLATGEOBUF_MAGIC_BYTES = 8;
/** Bytes of a value of each column type in a FlatGeobuf feature's properties (text: a 4-byte length first). */
const VALUE_BYTES: Record<ColumnType, number | 'string'> = { int8: 8, float8: 8, boolean: 1, text: 'string' };

/**
 * Puts the right column index before every property value of a FlatGeobuf written without a spatial index,
 * in place. PostGIS's writer (3.x) numbers the values it writes for a feature 0, 1, 2… instead of giving their
 * columns' indexes, so after a null every later value names the wrong column and GDAL stops reading the file
 * ("Invalid size detected"); a feature with no value at all is given the previous feature's values. The nth
 * value of feature k belongs to the nth column present in row k (rewriting an already right index changes
 * nothing), and a feature without values gets an empty vector. `present[k][c]`: row k has a value in column c.
 */
export function renumberFlatGeobufProperties(file: Uint8Array, types: ColumnType[], present: boolean[][]): void {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const fail = (why: string): never => { throw new AppError(500, 'FLATGEOBUF_FAILED', `Writing the FlatGeobuf failed: ${why}`); };
  const u32 = (at: number) => (at + 4 <= file.length ? view.getUint32(at, true) : fail('truncated'));
  let pos = FLATGEOBUF_MAGIC_BYTES;
  pos += 4 + u32(pos); // the size-prefixed header
  for (let k = 0; pos < file.length; k++) {
    if (k >= present.length) fail('more features than rows');
    const size = u32(pos);
    const start = pos + 4;
    pos = start + size;
    // Feature table: its vtable's entry for field 1 (`properties: [ubyte]`) is at vtable + 4 + 2·1.
    const table = start + u32(start);
    const vtable = table - view.getInt32(table, true);
    const voffset = view.getUint16(vtable, true) > 6 ? view.getUint16(vtable + 6, true) : 0;
    const columns = present[k].map((has, c) => (has ? c : -1)).filter((c) => c >= 0);
    if (!voffset) {
      if (columns.length) fail(`feature ${k} lost its properties`);
      continue;
    }
    const vector = table + voffset + u32(table + voffset);
    const end = vector + 4 + u32(vector);
    if (end > pos) fail(`feature ${k} properties overrun`);
    if (!columns.length) {
      // A feature whose every attribute is null gets the previous feature's values from PostGIS's writer
      // (its buffer is not cleared): empty the vector and wipe the stale bytes.
      file.fill(0, vector + 4, end);
      view.setUint32(vector, 0, true);
      continue;
    }
    let p = vector + 4;
    for (const column of columns) {
      if (p + 2 > end) fail(`feature ${k} has fewer values than columns`);
      view.setUint16(p, column, true);
      const bytes = VALUE_BYTES[types[column]];
      p += 2 + (bytes === 'string' ? 4 + u32(p + 2) : bytes);
    }
    if (p !== end) fail(`feature ${k} has more values than columns`);
  }
}
