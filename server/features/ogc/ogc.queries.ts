import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** WGS84 bounding box [minLon, minLat, maxLon, maxLat] of a municipality's districts; null without districts. */
export async function measureDistrictExtent(db: Db, municipality: string): Promise<[number, number, number, number] | null> {
  const { rows } = await sql<{ x0: number | null; y0: number | null; x1: number | null; y1: number | null }>`
    SELECT ST_XMin(e)::float8 AS x0, ST_YMin(e)::float8 AS y0, ST_XMax(e)::float8 AS x1, ST_YMax(e)::float8 AS y1
      FROM (SELECT ST_Extent(ST_Transform(geom, 4326))::geometry AS e FROM district WHERE municipality_code = ${municipality}) s`.execute(db);
  const r = rows[0];
  return r && r.x0 !== null ? [r.x0, r.y0!, r.x1!, r.y1!] : null;
}

/**
 * Transforms WGS84 GeoJSON geometries (one JSON text each) to `srid`, in order; with `flipAxes` the
 * coordinates come out in the CRS's authority axis order (northing, easting for EPSG:3006).
 */
export async function transformGeometries(db: Db, geometries: string[], srid: number, flipAxes: boolean): Promise<string[]> {
  if (!geometries.length) return [];
  const { rows } = await sql<{ g: string }>`
    SELECT ST_AsGeoJSON(${flipAxes ? sql`ST_FlipCoordinates(t.g)` : sql`t.g`}, 2) AS g
      FROM (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(value), 4326), ${srid}::int) AS g, ordinality AS k
              FROM jsonb_array_elements_text(${JSON.stringify(geometries)}::jsonb) WITH ORDINALITY) t
     ORDER BY t.k`.execute(db);
  return rows.map((r) => r.g);
}

/** A WGS84 envelope given in EPSG:`srid` (corners in x, y order), as [minLon, minLat, maxLon, maxLat]. */
export async function envelopeToWgs84(db: Db, bbox: [number, number, number, number], srid: number): Promise<[number, number, number, number]> {
  const { rows } = await sql<{ x0: number; y0: number; x1: number; y1: number }>`
    SELECT ST_XMin(e)::float8 AS x0, ST_YMin(e)::float8 AS y0, ST_XMax(e)::float8 AS x1, ST_YMax(e)::float8 AS y1
      FROM (SELECT ST_Transform(ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, ${srid}::int), 4326) AS e) s`.execute(db);
  const r = rows[0];
  return [r.x0, r.y0, r.x1, r.y1];
}

/** WGS84 GeoJSON area of each published promise: its own geometry, else the union of its districts. */
export async function listPromiseGeometries(db: Db, municipality: string, ids: number[]): Promise<Map<number, string | null>> {
  if (!ids.length) return new Map();
  const { rows } = await sql<{ id: number; geometry: string | null }>`
    SELECT p.id::int AS id,
           ST_AsGeoJSON(ST_Transform(COALESCE(p.geom, (
             SELECT ST_Multi(ST_Union(d.geom)) FROM district d
              WHERE d.municipality_code = p.municipality_code AND d.id = ANY (p.district_ids))), 4326), 7) AS geometry
      FROM citizen_promise p
     WHERE p.municipality_code = ${municipality} AND p.id = ANY (${sql`ARRAY[${sql.join(ids)}]::bigint[]`})`.execute(db);
  return new Map(rows.map((r) => [Number(r.id), r.geometry]));
}

/** A district's attributes and geometry as GeoJSON text in the asked CRS. */
export interface DistrictGeometryRow {
  id: number;
  name: string;
  kind: string;
  parent_id: number | null;
  population: number | null;
  geometry: string;
}

/**
 * Every district of a municipality, ordered by kind and name, with its geometry as GeoJSON text: WGS84
 * (6 decimals, as the API's GeoJSON) or, for `srid` 3006, the stored SWEREF 99 TM coordinates in the
 * CRS's axis order (northing, easting; centimetres) with no transform at all.
 */
/**
 * A fingerprint of a municipality's district rows that changes whenever one is inserted, updated or deleted:
 * their number, highest id and the sum of their row versions (xmin, which every write of a row renews). Unlike
 * the data version it stays put across incident imports, which is what the boundaries memo needs; reading it
 * touches no geometry.
 */
export async function readDistrictsFingerprint(db: Db, municipality: string): Promise<string> {
  const { rows } = await sql<{ n: number; m: string; x: string }>`
    SELECT count(*)::int AS n, coalesce(max(id), 0)::text AS m, coalesce(sum(xmin::text::bigint), 0)::text AS x
      FROM district WHERE municipality_code = ${municipality}`.execute(db);
  return `${rows[0].n}:${rows[0].m}:${rows[0].x}`;
}

export async function listDistrictGeometries(db: Db, municipality: string, srid: 4326 | 3006): Promise<DistrictGeometryRow[]> {
  const geometry = srid === 3006 ? sql`ST_AsGeoJSON(ST_FlipCoordinates(geom), 2)` : sql`ST_AsGeoJSON(ST_Transform(geom, 4326), 6)`;
  const { rows } = await sql<DistrictGeometryRow>`
    SELECT id::float8 AS id, name, kind, parent_id::float8 AS parent_id, population, ${geometry} AS geometry
      FROM district WHERE municipality_code = ${municipality}
     ORDER BY kind, name`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id), parent_id: r.parent_id === null ? null : Number(r.parent_id) }));
}

