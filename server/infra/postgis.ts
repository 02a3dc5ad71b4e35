import { sql, type RawBuilder } from 'kysely';

/** Storage CRS: SWEREF 99 TM, metres. */
export const STORAGE_SRID = 3006;
/** Wire CRS: WGS84 lon/lat (RFC 7946). */
export const WIRE_SRID = 4326;

/** A geometry column as RFC 7946 GeoJSON text in WGS84, 6 decimals (~0.1 m). */
export function asWgs84GeoJson(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`ST_AsGeoJSON(ST_Transform(${column}, 4326), 6)`;
}

/** A SWEREF 99 TM point from easting/northing in metres. */
export function point3006(easting: number, northing: number): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_MakePoint(${easting}::float8, ${northing}::float8), 3006)`;
}

/** A GeoJSON geometry text in the given CRS, stored as a SWEREF 99 TM multipolygon (repaired when invalid). */
export function multiPolygon3006FromGeoJson(geojson: string, srid: number = WIRE_SRID): RawBuilder<unknown> {
  return sql`ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), ${srid}::int), 3006)), 3))`;
}

/** Local midnight in Europe/Stockholm of a 'YYYY-MM-DD' date, as timestamptz. */
export function stockholmMidnight(date: string): RawBuilder<Date> {
  return sql<Date>`(${date}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`;
}

/** A SWEREF 99 TM point moved to the centre of its 100 m grid cell (location protection, SPEC §6). */
export function snapTo100mCellCentre(geom: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_MakePoint(floor(ST_X(${geom}) / 100) * 100 + 50, floor(ST_Y(${geom}) / 100) * 100 + 50), 3006)`;
}
