import { sql, type RawBuilder } from 'kysely';
import { parseDecimal } from './cell-values.ts';
import type { RowError } from './import-errors.ts';

/** SWEREF 99 local zones (SWEREF 99 12 00 … 23 15), which municipal GIS data often uses. */
export const SWEREF99_LOCAL_SRIDS = [3007, 3008, 3009, 3010, 3011, 3012, 3013, 3014, 3015, 3016, 3017, 3018] as const;
/** RT 90 2.5 gon V, the national grid before SWEREF 99, still in older municipal data. */
export const RT90_SRID = 3021;

/**
 * Coordinate reference systems an import accepts: SWEREF 99 TM (metres), WGS84 (degrees), the SWEREF 99
 * local zones EPSG:3007–3018 and RT 90 2.5 gon V (EPSG:3021); everything is stored in SWEREF 99 TM.
 */
export type ImportSrid = 3006 | 4326 | (typeof SWEREF99_LOCAL_SRIDS)[number] | typeof RT90_SRID;

/** Every accepted CRS code, for messages and checks. */
export const IMPORT_SRIDS: readonly ImportSrid[] = [3006, 4326, ...SWEREF99_LOCAL_SRIDS, RT90_SRID];

/** Projected (metre) CRSs whose first axis in files is northing (`n`) and second easting (`e`). */
export function isProjected(srid: ImportSrid): boolean {
  return srid !== 4326;
}

/** The accepted CRSs as a line for error messages. */
export const IMPORT_CRS_LIST = 'EPSG:3006 (SWEREF 99 TM), EPSG:4326 (WGS84), EPSG:3007–3018 (SWEREF 99 lokala zoner) eller EPSG:3021 (RT 90 2,5 gon V)';

/**
 * A point in SWEREF 99 TM from `x`/`y` in `srid` (SQL), or NULL when absent or degrees that cannot be
 * projected (far from Sweden); projected inputs are transformed by PostGIS.
 */
export function importPointTo3006(x: RawBuilder<unknown>, y: RawBuilder<unknown>, srid: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`CASE
    WHEN ${x} IS NULL OR ${y} IS NULL THEN NULL
    WHEN ${srid} = 3006 THEN ST_SetSRID(ST_MakePoint(${x}, ${y}), 3006)
    WHEN ${srid} = 4326 THEN CASE WHEN ${x} BETWEEN -20 AND 60 AND ${y} BETWEEN 40 AND 85
                                  THEN ST_Transform(ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326), 3006) END
    WHEN ${srid} IN (${sql.join([...SWEREF99_LOCAL_SRIDS, RT90_SRID])}) THEN ST_Transform(ST_SetSRID(ST_MakePoint(${x}, ${y}), ${srid}::int), 3006)
    ELSE NULL END`;
}

/** A point as read from a file: `x` is easting or longitude, `y` northing or latitude, in `srid`. */
export interface ImportPoint {
  x: number;
  y: number;
  srid: ImportSrid;
}

/**
 * Generous bounds of SWEREF 99 TM around Sweden (metres). A point outside them in both axis orders is
 * certainly wrong; points inside are checked against the municipality in the database, which also
 * tells swapped axes apart.
 */
export const SWEREF99TM_BOUNDS = { minE: 100_000, maxE: 1_100_000, minN: 6_000_000, maxN: 7_800_000 } as const;

/** Generous bounds of a local zone (false easting 150 000 m, used within about ±1.5° of its meridian). */
export const SWEREF99_LOCAL_BOUNDS = { minE: -50_000, maxE: 350_000, minN: 6_000_000, maxN: 7_800_000 } as const;
/** Generous bounds of RT 90 2.5 gon V over Sweden (false easting 1 500 000 m). */
export const RT90_BOUNDS = { minE: 1_000_000, maxE: 2_000_000, minN: 6_000_000, maxN: 7_800_000 } as const;

function boundsOf(srid: ImportSrid) {
  if (srid === RT90_SRID) return { bounds: RT90_BOUNDS, name: 'RT 90 2,5 gon V' };
  if (srid === 3006) return { bounds: SWEREF99TM_BOUNDS, name: 'SWEREF 99 TM' };
  return { bounds: SWEREF99_LOCAL_BOUNDS, name: `SWEREF 99 lokal zon (EPSG:${srid})` };
}

const CRS_NAMES: [RegExp, ImportSrid][] = [
  [/^sweref ?99 ?12 ?00$/, 3007], [/^sweref ?99 ?13 ?30$/, 3008], [/^sweref ?99 ?15 ?00$/, 3009], [/^sweref ?99 ?16 ?30$/, 3010],
  [/^sweref ?99 ?18 ?00$/, 3011], [/^sweref ?99 ?14 ?15$/, 3012], [/^sweref ?99 ?15 ?45$/, 3013], [/^sweref ?99 ?17 ?15$/, 3014],
  [/^sweref ?99 ?18 ?45$/, 3015], [/^sweref ?99 ?20 ?15$/, 3016], [/^sweref ?99 ?21 ?45$/, 3017], [/^sweref ?99 ?23 ?15$/, 3018],
  [/^rt ?90 ?2[.,]5 ?gon ?v(äst|ast)?$/, 3021], [/^rt ?90$/, 3021],
];

/** Reads a CRS name as given on the command line or in a GeoJSON `crs` member; `undefined` when unsupported. */
export function parseCrsName(name: string): ImportSrid | undefined {
  const normalised = name.trim().toLowerCase();
  const code = /^(?:epsg:?:?|urn:ogc:def:crs:epsg:[\d.]*:|https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/0\/)(\d{4})$/.exec(normalised);
  if (code && IMPORT_SRIDS.includes(Number(code[1]) as ImportSrid)) return Number(code[1]) as ImportSrid;
  for (const [re, srid] of CRS_NAMES) if (re.test(normalised)) return srid;
  if (normalised === 'sweref99tm' || normalised === 'sweref 99 tm') return 3006;
  if (/^(epsg:?:?|urn:ogc:def:crs:epsg:[\d.]*:|https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/0\/)4326$/.test(normalised)) return 4326;
  if (/^(urn:ogc:def:crs:ogc:1\.3:crs84|https?:\/\/www\.opengis\.net\/def\/crs\/ogc\/1\.3\/crs84|crs84|wgs84)$/.test(normalised)) return 4326;
  return undefined;
}

/** Cells that may hold a location; `undefined` when the file has no such column. */
export interface CoordinateCells {
  n?: string;
  e?: string;
  lat?: string;
  lon?: string;
}

/**
 * Reads a point from `n`/`e` (SWEREF 99 TM, or WGS84 latitude/longitude when `neSrid` is 4326) or
 * `lat`/`lon` columns, accepting decimal comma. Returns `null` when all cells are empty (an unlocated
 * row), or the errors naming the field. Half a pair (n without e) is an error, not an unlocated row.
 */
export function readPointCells(row: number, cells: CoordinateCells, neSrid: ImportSrid = 3006): { point: ImportPoint | null; errors: RowError[] } {
  const filled = (v?: string) => v !== undefined && v.trim() !== '';
  const errors: RowError[] = [];
  if (filled(cells.n) || filled(cells.e)) {
    return readPair(row, cells.n, cells.e, 'n', 'e', neSrid, errors);
  }
  if (filled(cells.lat) || filled(cells.lon)) {
    return readPair(row, cells.lat, cells.lon, 'lat', 'lon', 4326, errors);
  }
  return { point: null, errors };
}

function readPair(
  row: number,
  yText: string | undefined,
  xText: string | undefined,
  yField: string,
  xField: string,
  srid: ImportSrid,
  errors: RowError[],
): { point: ImportPoint | null; errors: RowError[] } {
  const y = parseDecimal(yText ?? '');
  const x = parseDecimal(xText ?? '');
  if (!y.ok) errors.push({ row, field: yField, message: `${yField}: ${y.message === 'värdet saknas' ? `saknas (${xField} är ifylld)` : y.message}` });
  if (!x.ok) errors.push({ row, field: xField, message: `${xField}: ${x.message === 'värdet saknas' ? `saknas (${yField} är ifylld)` : x.message}` });
  if (!x.ok || !y.ok) return { point: null, errors };
  const point: ImportPoint = { x: x.value, y: y.value, srid };
  errors.push(...checkPointRange(row, point, yField, xField));
  return { point: errors.length ? null : point, errors };
}

/** Range checks that need no database: degrees within ±90/±180, metres within the CRS's bounds over Sweden in either axis order. */
export function checkPointRange(row: number, point: ImportPoint, yField = 'y', xField = 'x'): RowError[] {
  const { x, y } = point;
  if (point.srid === 4326) {
    const errors: RowError[] = [];
    if (y < -90 || y > 90) errors.push({ row, field: yField, message: `${yField}: latitud ${y} ligger utanför −90…90` });
    if (x < -180 || x > 180) errors.push({ row, field: xField, message: `${xField}: longitud ${x} ligger utanför −180…180` });
    return errors;
  }
  const { bounds: b, name } = boundsOf(point.srid);
  const inside = (e: number, n: number) => e >= b.minE && e <= b.maxE && n >= b.minN && n <= b.maxN;
  if (inside(x, y) || inside(y, x)) return [];
  const fmt = (v: number) => v.toLocaleString('sv-SE').replace(/\u00a0/g, ' ').replace('−', '-');
  return [
    {
      row,
      field: yField,
      message: `${yField}/${xField}: koordinaten (${y}, ${x}) ligger långt utanför Sverige i ${name} (nordlig ${fmt(b.minN)}–${fmt(b.maxN)}, östlig ${fmt(b.minE)}–${fmt(b.maxE)})`,
    },
  ];
}
