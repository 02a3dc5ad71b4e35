import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { stockholmMidnight } from '../../infra/postgis.ts';

/** A WGS84 bounding box: minLon, minLat, maxLon, maxLat. */
export type Bbox = [number, number, number, number];

/** One incident point as it may leave the database for a viewer. */
export interface IncidentPointRow {
  id: number;
  category_code: string;
  source: string;
  occurred_at: string;
  lon: number;
  lat: number;
  snapped: boolean;
  place: string | null;
  description: string | null;
}

export interface IncidentPointQuery {
  municipality: string;
  from: string;
  to: string;
  /** Categories whose points leave the database at their recorded position. */
  exactCategories: string[];
  /** Categories whose points are moved to the centre of their 100 m SWEREF 99 TM grid cell first. */
  snappedCategories: string[];
  sources: string[] | null;
  withinDistrictId: number | null;
  bbox: Bbox;
  withDescriptions: boolean;
  limit: number;
}

/**
 * Incident points in a WGS84 bbox and [from, to), ordered by id. Snapping to the 100 m grid cell centre
 * happens here, in SQL, so an exact position of a snapped category never reaches the application; place
 * and description of snapped points stay in the database too (an address would undo the snapping).
 */
export async function listIncidentPoints(db: Db, q: IncidentPointQuery): Promise<IncidentPointRow[]> {
  const all = [...q.exactCategories, ...q.snappedCategories];
  if (!all.length) return [];
  const [x0, y0, x1, y1] = q.bbox;
  const rows = await sql<IncidentPointRow>`
    WITH RECURSIVE within_district AS (
      SELECT id FROM district WHERE municipality_code = ${q.municipality} AND id = ${q.withinDistrictId ?? 0}::bigint
      UNION ALL
      SELECT d.id FROM district d JOIN within_district w ON d.parent_id = w.id WHERE d.municipality_code = ${q.municipality}
    )
    SELECT i.id::float8 AS id, i.category_code, i.source,
           to_char(i.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at,
           round(ST_X(p.wgs)::numeric, 6)::float8 AS lon, round(ST_Y(p.wgs)::numeric, 6)::float8 AS lat,
           p.snapped,
           CASE WHEN p.snapped THEN NULL ELSE i.place END AS place,
           ${q.withDescriptions ? sql`CASE WHEN p.snapped THEN NULL ELSE i.description END` : sql`NULL::text`} AS description
      FROM incident i
     CROSS JOIN LATERAL (
       SELECT (i.category_code = ANY(${q.snappedCategories}::text[])) AS snapped
     ) s
     CROSS JOIN LATERAL (
       SELECT s.snapped,
              ST_Transform(CASE WHEN s.snapped
                THEN ST_SetSRID(ST_MakePoint(floor(ST_X(i.geom) / 100) * 100 + 50, floor(ST_Y(i.geom) / 100) * 100 + 50), 3006)
                ELSE i.geom END, 4326) AS wgs
     ) p
     WHERE i.municipality_code = ${q.municipality}
       AND i.geom IS NOT NULL
       AND i.geom && ST_Transform(ST_MakeEnvelope(${x0}::float8, ${y0}::float8, ${x1}::float8, ${y1}::float8, 4326), 3006)
       AND i.category_code = ANY(${all}::text[])
       ${q.sources ? sql`AND i.source = ANY(${q.sources}::text[])` : sql``}
       ${q.withinDistrictId ? sql`AND i.district_id IN (SELECT id FROM within_district)` : sql``}
       AND i.occurred_at >= ${stockholmMidnight(q.from)}
       AND i.occurred_at <  ${stockholmMidnight(q.to)}
     ORDER BY i.id
     LIMIT ${q.limit}::int`.execute(db);
  return rows.rows.map((r) => ({ ...r, id: Number(r.id) }));
}
