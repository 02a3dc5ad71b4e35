import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { badRequest } from '../../infra/errors.ts';
import { multiPolygon3006FromGeoJson, stockholmMidnight } from '../../infra/postgis.ts';
import type { IncidentFilters } from './incident-filters.ts';

/**
 * SQL for the ids of a district and all its descendants (a coarser district holds the incidents
 * of every finer district below it; incidents carry their finest district).
 */
export function districtSubtreeSql(municipality: string, districtId: number): RawBuilder<unknown> {
  return sql`(WITH RECURSIVE subtree AS (
      SELECT id FROM district WHERE municipality_code = ${municipality} AND id = ${districtId}
      UNION ALL
      SELECT d.id FROM district d JOIN subtree s ON d.parent_id = s.id WHERE d.municipality_code = ${municipality}
    ) SELECT id FROM subtree)`;
}

/**
 * The WHERE conditions (without the keyword) selecting the incidents of resolved filters from
 * table alias `incident`: municipality, half-open Stockholm-local period, categories, sources and,
 * when a district is given, that district's subtree. Unlocated incidents are included unless a
 * district narrows the set. The subtree is an ARRAY(…) init plan so the planner can use the
 * (municipality_code, district_id, occurred_at) index instead of a semi-join over every row.
 */
export function incidentConditionsSql(f: IncidentFilters): RawBuilder<unknown> {
  return sql`incident.municipality_code = ${f.municipality}
     AND incident.occurred_at >= ${stockholmMidnight(f.from)}
     AND incident.occurred_at < ${stockholmMidnight(f.to)}
     AND incident.category_code = ANY(${f.categories}::text[])
     ${f.sources ? sql`AND incident.source = ANY(${f.sources}::text[])` : sql``}
     ${f.districtId !== null ? sql`AND incident.district_id = ANY(ARRAY${districtSubtreeSql(f.municipality, f.districtId)})` : sql``}`;
}

/** Throws a 400 naming `district` when the filters name a district the municipality does not have. */
export async function assertDistrictInMunicipality(db: Db, f: IncidentFilters): Promise<void> {
  if (f.districtId === null) return;
  const row = await db.selectFrom('district').select('id').where('municipality_code', '=', f.municipality).where('id', '=', f.districtId).executeTakeFirst();
  if (!row) throw badRequest('district', `no district ${f.districtId} in municipality ${f.municipality}`);
}

/** A drawn area after validation: GeoJSON text of a WGS84 Polygon or MultiPolygon. */
export interface DrawnArea {
  geojson: string;
}

const MAX_AREA_VERTICES = 10_000;

/**
 * Validates a drawn area (RFC 7946 Polygon or MultiPolygon in WGS84, given as an object or JSON
 * text) and returns it normalised; every problem is a 400 naming `field`.
 */
export function parseDrawnArea(value: unknown, field = 'area'): DrawnArea {
  let geometry = value;
  if (typeof value === 'string') {
    try {
      geometry = JSON.parse(value);
    } catch {
      throw badRequest(field, 'not valid JSON (expected a GeoJSON Polygon or MultiPolygon in WGS84)');
    }
  }
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry)) throw badRequest(field, 'expected a GeoJSON geometry object');
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') throw badRequest(field, 'type must be Polygon or MultiPolygon');
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown;
  if (!Array.isArray(polygons) || polygons.length === 0) throw badRequest(field, 'coordinates must be a non-empty array');
  let vertices = 0;
  for (const polygon of polygons) {
    if (!Array.isArray(polygon) || polygon.length === 0) throw badRequest(field, 'each polygon needs at least one ring');
    for (const ring of polygon) {
      if (!Array.isArray(ring) || ring.length < 4) throw badRequest(field, 'each ring needs at least four positions');
      for (const pos of ring) {
        if (!Array.isArray(pos) || pos.length < 2 || pos.length > 3 || !pos.every((c) => typeof c === 'number' && Number.isFinite(c))) {
          throw badRequest(field, 'each position must be [longitude, latitude] with finite numbers');
        }
        if (pos[0] < -180 || pos[0] > 180 || pos[1] < -90 || pos[1] > 90) throw badRequest(field, 'positions must be WGS84 longitude/latitude');
        vertices++;
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) throw badRequest(field, 'each ring must be closed (first position = last)');
    }
  }
  if (vertices > MAX_AREA_VERTICES) throw badRequest(field, `at most ${MAX_AREA_VERTICES} positions`);
  return { geojson: JSON.stringify({ type: g.type, coordinates: g.coordinates }) };
}

/** The drawn area as SWEREF 99 TM SQL (repaired when its rings self-intersect). */
export function drawnAreaSql(area: DrawnArea): RawBuilder<unknown> {
  return multiPolygon3006FromGeoJson(area.geojson);
}
