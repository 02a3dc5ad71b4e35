import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { snapTo100mCellCentre, stockholmMidnight } from '../../infra/postgis.ts';

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
  const rows = await sql<IncidentPointRow>`
    ${withinDistrict(q)}
    SELECT i.id::float8 AS id, i.category_code, i.source,
           to_char(i.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at,
           round(ST_X(p.wgs)::numeric, 6)::float8 AS lon, round(ST_Y(p.wgs)::numeric, 6)::float8 AS lat,
           p.snapped,
           CASE WHEN p.snapped THEN NULL ELSE i.place END AS place,
           ${q.withDescriptions ? sql`CASE WHEN p.snapped THEN NULL ELSE i.description END` : sql`NULL::text`} AS description
      ${pointsFrom(q)}
     ORDER BY i.id
     LIMIT ${q.limit}::int`.execute(db);
  return rows.rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Points as parallel columns (id order): what the map client draws, without place, source or description. */
export interface IncidentPointColumns {
  count: number;
  lonLat: number[];
  categoryCodes: string[];
  epochS: number[];
  snapped: boolean[];
}

/**
 * The same points as listIncidentPoints (same filters, snapping and rounding), aggregated into one text of
 * `lon,lat,category,epoch,snapped` groups in id order. Handing 200,000 rows one by one to the driver costs
 * seconds on PGlite; one string (one sort) costs a few milliseconds to split.
 */
export async function listIncidentPointColumns(db: Db, q: IncidentPointQuery): Promise<IncidentPointColumns> {
  const none: IncidentPointColumns = { count: 0, lonLat: [], categoryCodes: [], epochS: [], snapped: [] };
  if (!q.exactCategories.length && !q.snappedCategories.length) return none;
  const { rows } = await sql<{ count: number; packed: string | null }>`
    ${withinDistrict(q)}, pts AS (
      SELECT i.id, i.category_code, i.occurred_at, p.snapped, p.wgs
        ${pointsFrom(q)}
       ORDER BY i.id
       LIMIT ${q.limit}::int
    )
    SELECT count(*)::int AS count,
           string_agg(concat_ws(',', round(ST_X(wgs)::numeric, 6), round(ST_Y(wgs)::numeric, 6), category_code,
                                floor(extract(epoch FROM occurred_at))::bigint, CASE WHEN snapped THEN 1 ELSE 0 END), ',' ORDER BY id) AS packed
      FROM pts`.execute(db);
  const { count, packed } = rows[0];
  if (!count || !packed) return none;
  const parts = packed.split(',');
  // Category codes are snake_case identifiers (SPEC §4.4); a comma in one would shift every later column.
  if (parts.length !== 5 * count) throw new Error(`incident columns: ${parts.length} values for ${count} points`);
  const out: IncidentPointColumns = { count, lonLat: new Array(2 * count), categoryCodes: new Array(count), epochS: new Array(count), snapped: new Array(count) };
  for (let i = 0; i < count; i++) {
    out.lonLat[2 * i] = Number(parts[5 * i]);
    out.lonLat[2 * i + 1] = Number(parts[5 * i + 1]);
    out.categoryCodes[i] = parts[5 * i + 2];
    out.epochS[i] = Number(parts[5 * i + 3]);
    out.snapped[i] = parts[5 * i + 4] === '1';
  }
  return out;
}

/** The district and its descendants, for the `district` filter (an empty set when none is asked for). */
function withinDistrict(q: IncidentPointQuery) {
  return sql`
    WITH RECURSIVE within_district AS (
      SELECT id FROM district WHERE municipality_code = ${q.municipality} AND id = ${q.withinDistrictId ?? 0}::bigint
      UNION ALL
      SELECT d.id FROM district d JOIN within_district w ON d.parent_id = w.id WHERE d.municipality_code = ${q.municipality}
    )`;
}

/**
 * FROM and WHERE shared by both answers: `p.wgs` is the WGS84 point, moved to its 100 m cell centre first for
 * snapped categories, so an exact position of a snapped category never reaches the application. The bbox and
 * district filters test that same published point (disclosure control): testing the exact point while returning
 * the snapped one would let bisecting the bbox or choosing districts undo the snapping.
 */
function pointsFrom(q: IncidentPointQuery) {
  const [x0, y0, x1, y1] = q.bbox;
  const envelope = sql`ST_Transform(ST_MakeEnvelope(${x0}::float8, ${y0}::float8, ${x1}::float8, ${y1}::float8, 4326), 3006)`;
  return sql`
      FROM incident i
     CROSS JOIN LATERAL (
       SELECT (i.category_code = ANY(${q.snappedCategories}::text[])) AS snapped
     ) s
     CROSS JOIN LATERAL (
       SELECT s.snapped, CASE WHEN s.snapped THEN ${snapTo100mCellCentre(sql`i.geom`)} ELSE i.geom END AS g
     ) c
     CROSS JOIN LATERAL (
       SELECT c.snapped, c.g, ST_Transform(c.g, 4326) AS wgs
     ) p
     WHERE i.municipality_code = ${q.municipality}
       AND i.geom IS NOT NULL
       -- The index condition, widened by one snap cell; the exact test is on the published point below.
       AND i.geom && ST_Expand(${envelope}, 100)
       AND p.g && ${envelope}
       AND i.category_code = ANY(${[...q.exactCategories, ...q.snappedCategories]}::text[])
       ${q.sources ? sql`AND i.source = ANY(${q.sources}::text[])` : sql``}
       ${q.withinDistrictId ? sql`AND CASE WHEN p.snapped
             THEN EXISTS (SELECT 1 FROM district d WHERE d.id IN (SELECT id FROM within_district) AND ST_Covers(d.geom, p.g))
             ELSE i.district_id IN (SELECT id FROM within_district) END` : sql``}
       AND i.occurred_at >= ${stockholmMidnight(q.from)}
       AND i.occurred_at <  ${stockholmMidnight(q.to)}`;
}
