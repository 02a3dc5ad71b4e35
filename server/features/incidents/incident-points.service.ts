import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import { mayReadDescriptions, pointAccess } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import type { Viewer } from '../auth/viewer.ts';
import { districtExists } from '../districts/districts.queries.ts';
import type { IncidentFilters } from './incident-filters.ts';
import { listIncidentPointColumns, listIncidentPoints, type Bbox, type IncidentPointQuery, type IncidentPointRow } from './incident-points.queries.ts';

/** Largest bbox a request may cover, in km² (a whole large municipality fits; a county does not). */
export const MAX_BBOX_AREA_KM2 = 10_000;
/** Most points in one GeoJSON answer, and in one columnar answer. */
export const MAX_POINTS_GEOJSON = 50_000;
export const MAX_POINTS_COLUMNS = 250_000;

/** Parses and checks a `bbox` parameter (WGS84 minLon,minLat,maxLon,maxLat); a 400 names what is wrong. */
export function parseBbox(text: string): Bbox {
  const parts = text.split(',');
  if (parts.length !== 4) throw badRequest('bbox', 'four numbers expected: minLon,minLat,maxLon,maxLat (WGS84)');
  const nums = parts.map((p) => (/^\s*-?\d{1,3}(\.\d{1,12})?\s*$/.test(p) ? Number(p) : Number.NaN));
  if (nums.some((n) => !Number.isFinite(n))) throw badRequest('bbox', 'every value must be a finite decimal number');
  const [x0, y0, x1, y1] = nums;
  if (x0 < -180 || x1 > 180 || y0 < -90 || y1 > 90) throw badRequest('bbox', 'outside WGS84 longitude/latitude range');
  if (x0 >= x1 || y0 >= y1) throw badRequest('bbox', 'min must be below max (minLon,minLat,maxLon,maxLat)');
  const midLat = ((y0 + y1) / 2) * (Math.PI / 180);
  const areaKm2 = (x1 - x0) * 111.32 * Math.cos(midLat) * (y1 - y0) * 110.57;
  if (areaKm2 > MAX_BBOX_AREA_KM2) {
    throw badRequest('bbox', `covers about ${Math.round(areaKm2)} km²; at most ${MAX_BBOX_AREA_KM2} km² per request`);
  }
  return [x0, y0, x1, y1];
}

/** The categories of the filters split by how this viewer may see their points (SPEC §6); 403 when none. */
export function pointCategoriesFor(viewer: Viewer, filters: IncidentFilters, requested: boolean): { exact: string[]; snapped: string[] } {
  const exact: string[] = [];
  const snapped: string[] = [];
  const denied: string[] = [];
  for (const code of filters.categories) {
    const access = pointAccess(viewer.role, CATEGORY_BY_CODE.get(code)!.sensitivity);
    if (access === 'exact') exact.push(code);
    else if (access === 'snapped_100m') snapped.push(code);
    else denied.push(code);
  }
  if (requested && denied.length) {
    throw new AppError(403, 'FORBIDDEN_CATEGORY', `Your role may not see incident points of: ${denied.join(', ')}`, [
      { field: 'category', message: `not permitted: ${denied.join(', ')}` },
    ]);
  }
  if (!exact.length && !snapped.length) throw new AppError(403, 'FORBIDDEN_POINTS', 'Your role may not see incident points');
  return { exact, snapped };
}

export interface IncidentPointResult {
  rows: IncidentPointRow[];
  truncated: boolean;
  limit: number;
  withDescriptions: boolean;
}

/** The query for a viewer: categories split by access (SPEC §6), district checked, one row more than `limit`. */
async function pointQueryFor(
  db: Db, viewer: Viewer, filters: IncidentFilters, p: { bbox: Bbox; limit: number; categoriesRequested: boolean },
): Promise<IncidentPointQuery> {
  const { exact, snapped } = pointCategoriesFor(viewer, filters, p.categoriesRequested);
  if (filters.districtId !== null && !(await districtExists(db, filters.municipality, filters.districtId))) {
    throw badRequest('district', `no district ${filters.districtId} in municipality ${filters.municipality}`);
  }
  return {
    municipality: filters.municipality, from: filters.from, to: filters.to, exactCategories: exact, snappedCategories: snapped,
    sources: filters.sources, withinDistrictId: filters.districtId, bbox: p.bbox, withDescriptions: mayReadDescriptions(viewer.role),
    limit: p.limit + 1,
  };
}

/** Incident points for a viewer: role-gated per category, snapped in SQL, capped at `limit` (truncated says so). */
export async function findIncidentPoints(
  db: Db, viewer: Viewer, filters: IncidentFilters, p: { bbox: Bbox; limit: number; categoriesRequested: boolean },
): Promise<IncidentPointResult> {
  const query = await pointQueryFor(db, viewer, filters, p);
  const rows = await listIncidentPoints(db, query);
  const truncated = rows.length > p.limit;
  return { rows: truncated ? rows.slice(0, p.limit) : rows, truncated, limit: p.limit, withDescriptions: query.withDescriptions };
}

/** The same points as flat columns for deck.gl binary attributes: positions [lon0, lat0, lon1, …], category indices, epoch seconds. */
export async function findIncidentPointColumns(
  db: Db, viewer: Viewer, filters: IncidentFilters, p: { bbox: Bbox; limit: number; categoriesRequested: boolean },
) {
  const c = await listIncidentPointColumns(db, await pointQueryFor(db, viewer, filters, p));
  const count = Math.min(c.count, p.limit);
  const categories: string[] = [];
  const index = new Map<string, number>();
  const category = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let k = index.get(c.categoryCodes[i]);
    if (k === undefined) { k = categories.length; categories.push(c.categoryCodes[i]); index.set(c.categoryCodes[i], k); }
    category[i] = k;
  }
  return {
    count, truncated: c.count > p.limit, limit: p.limit,
    categories, positions: c.lonLat.slice(0, 2 * count), category, time: c.epochS.slice(0, count), snapped: c.snapped.slice(0, count).map((v) => (v ? 1 : 0)),
  };
}
