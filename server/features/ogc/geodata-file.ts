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

type ColumnType = 'text' | 'float8' | 'int8' | 'boolean';

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
 * on both backends, so this works where GDAL is not installed). Attribute types follow the values. With
 * the spatial index the header also carries the feature count, which GIS clients show.
 */
export async function writeFlatGeobuf(db: Db, features: WgsFeature[], srid: 4326 | 3006): Promise<Buffer> {
  const columns = columnTypes(features);
  const names = columns.map(([k]) => k);
  if (names.some((k) => !/^[a-z_][a-z0-9_]*$/.test(k))) throw new AppError(500, 'FLATGEOBUF_FAILED', 'an attribute name is not a plain identifier');
  const rows = features.map((f, k) => ({ k, g: JSON.stringify(f.geometry), ...f.properties }));
  const record = sql.raw(['k int', 'g text', ...columns.map(([k, t]) => `${k} ${t}`)].join(', '));
  const { rows: out } = await sql<{ fgb: Uint8Array | null }>`
    SELECT ST_AsFlatGeobuf(q, true, 'geom') AS fgb
      FROM (SELECT ${sql.join(names.map((n) => sql.ref(`r.${n}`)))}, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.g), 4326), ${srid}::int) AS geom
              FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${record}) ORDER BY r.k) q`.execute(db);
  return Buffer.from(out[0]?.fgb ?? new Uint8Array());
}
