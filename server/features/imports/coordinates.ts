import { parseDecimal } from './cell-values.ts';
import type { RowError } from './import-errors.ts';

/** Coordinate reference systems an import accepts: SWEREF 99 TM (metres) or WGS84 (degrees). */
export type ImportSrid = 3006 | 4326;

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

/** Reads a CRS name as given on the command line or in a GeoJSON `crs` member; `undefined` when unsupported. */
export function parseCrsName(name: string): ImportSrid | undefined {
  const normalised = name.trim().toLowerCase();
  if (/^(epsg:?:?|urn:ogc:def:crs:epsg:[\d.]*:|https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/0\/)3006$/.test(normalised)) return 3006;
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

/** Range checks that need no database: degrees within ±90/±180, SWEREF 99 TM within {@link SWEREF99TM_BOUNDS} in either axis order. */
export function checkPointRange(row: number, point: ImportPoint, yField = 'y', xField = 'x'): RowError[] {
  const { x, y } = point;
  if (point.srid === 4326) {
    const errors: RowError[] = [];
    if (y < -90 || y > 90) errors.push({ row, field: yField, message: `${yField}: latitud ${y} ligger utanför −90…90` });
    if (x < -180 || x > 180) errors.push({ row, field: xField, message: `${xField}: longitud ${x} ligger utanför −180…180` });
    return errors;
  }
  const b = SWEREF99TM_BOUNDS;
  const inside = (e: number, n: number) => e >= b.minE && e <= b.maxE && n >= b.minN && n <= b.maxN;
  if (inside(x, y) || inside(y, x)) return [];
  return [
    {
      row,
      field: yField,
      message: `${yField}/${xField}: koordinaten (${y}, ${x}) ligger långt utanför Sverige i SWEREF 99 TM (nordlig 6 000 000–7 800 000, östlig 100 000–1 100 000)`,
    },
  ];
}
