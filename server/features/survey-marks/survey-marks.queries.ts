import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** One unsafe-place mark as it may leave the database. */
export interface SurveyMarkRow {
  id: number;
  survey_id: number;
  district_id: number | null;
  reasons: string[];
  time_of_day: string | null;
  lon: number;
  lat: number;
  comment: string | null;
  comment_status: string;
}

/**
 * Unsafe-place marks of a municipality (WGS84), optionally one survey, marks with any of `reasons`,
 * and `times` of day. A comment leaves the database only when its status is among `commentStatuses`.
 */
export async function listSurveyMarks(
  db: Db,
  q: {
    municipality: string; surveyId: number | null; reasons: string[] | null; times: string[] | null; districtId: number | null;
    commentStatuses: string[]; limit: number;
  },
): Promise<SurveyMarkRow[]> {
  const rows = await sql<SurveyMarkRow>`
    WITH RECURSIVE within_district AS (
      SELECT id FROM district WHERE municipality_code = ${q.municipality} AND id = ${q.districtId ?? 0}::bigint
      UNION ALL
      SELECT d.id FROM district d JOIN within_district w ON d.parent_id = w.id WHERE d.municipality_code = ${q.municipality}
    )
    SELECT m.id::float8 AS id, m.survey_id::float8 AS survey_id, m.district_id::float8 AS district_id, m.reasons, m.time_of_day,
           round(ST_X(ST_Transform(m.geom, 4326))::numeric, 6)::float8 AS lon,
           round(ST_Y(ST_Transform(m.geom, 4326))::numeric, 6)::float8 AS lat,
           CASE WHEN m.comment_status = ANY(${q.commentStatuses}::text[]) THEN m.comment ELSE NULL END AS comment,
           m.comment_status
      FROM survey_mark m
     WHERE m.municipality_code = ${q.municipality}
       ${q.surveyId !== null ? sql`AND m.survey_id = ${q.surveyId}::bigint` : sql``}
       ${q.reasons ? sql`AND m.reasons && ${q.reasons}::text[]` : sql``}
       ${q.times ? sql`AND m.time_of_day = ANY(${q.times}::text[])` : sql``}
       ${q.districtId ? sql`AND m.district_id IN (SELECT id FROM within_district)` : sql``}
     ORDER BY m.id
     LIMIT ${q.limit}::int`.execute(db);
  return rows.rows.map((r) => ({
    ...r, id: Number(r.id), survey_id: Number(r.survey_id), district_id: r.district_id === null ? null : Number(r.district_id),
  }));
}

/** An unsafe-place mark in integer tile coordinates (web mercator, y down). */
export interface MarkTileRow {
  tx: number;
  ty: number;
  survey_id: number;
  reasons: string[];
  time_of_day: string | null;
}

/**
 * Marks of a municipality inside web-mercator tile z/x/y and its buffer, in tile coordinates of `extent`
 * units, ordered by id; the same plain-SQL transform the incident tiles use, so both backends agree.
 */
export async function selectMarkTilePoints(
  db: Db,
  q: {
    municipality: string; z: number; x: number; y: number; extent: number; buffer: number;
    surveyId: number | null; reasons: string[] | null; times: string[] | null; limit: number;
  },
): Promise<MarkTileRow[]> {
  const rows = await sql<MarkTileRow>`
    WITH bounds AS (
      SELECT ST_XMin(e) AS x0, ST_XMax(e) AS x1, ST_YMin(e) AS y0, ST_YMax(e) AS y1,
             ST_Transform(ST_Expand(e, (ST_XMax(e) - ST_XMin(e)) * ${q.buffer + 1}::float8 / ${q.extent}::float8), 3006) AS filter
        FROM (SELECT ST_TileEnvelope(${q.z}::int, ${q.x}::int, ${q.y}::int) AS e) t
    ),
    in_tile AS (
      SELECT m.id, m.survey_id, m.reasons, m.time_of_day, ST_Transform(m.geom, 3857) AS g
        FROM survey_mark m, bounds b
       WHERE m.municipality_code = ${q.municipality}
         AND m.geom && b.filter
         ${q.surveyId !== null ? sql`AND m.survey_id = ${q.surveyId}::bigint` : sql``}
         ${q.reasons ? sql`AND m.reasons && ${q.reasons}::text[]` : sql``}
         ${q.times ? sql`AND m.time_of_day = ANY(${q.times}::text[])` : sql``}
    ),
    projected AS (
      SELECT p.id, p.survey_id::float8 AS survey_id, p.reasons, p.time_of_day,
             round((ST_X(p.g) - b.x0) * ${q.extent}::float8 / (b.x1 - b.x0))::int AS tx,
             round((b.y1 - ST_Y(p.g)) * ${q.extent}::float8 / (b.y1 - b.y0))::int AS ty
        FROM in_tile p, bounds b
    )
    SELECT tx, ty, survey_id, reasons, time_of_day FROM projected
     WHERE tx BETWEEN ${-q.buffer}::int AND ${q.extent + q.buffer}::int
       AND ty BETWEEN ${-q.buffer}::int AND ${q.extent + q.buffer}::int
     ORDER BY id
     LIMIT ${q.limit}::int`.execute(db);
  return rows.rows.map((r) => ({ ...r, survey_id: Number(r.survey_id) }));
}
