import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** A survey with its response and mark counts. */
export interface SurveyRow {
  id: number;
  municipality_code: string;
  name: string;
  kind: string;
  conducted_from: string | null;
  conducted_to: string | null;
  responses: number;
  marks: number;
}

const SURVEY_COLUMNS = sql`s.id, s.municipality_code, s.name, s.kind, s.conducted_from, s.conducted_to,
  (SELECT count(*)::int FROM survey_response r WHERE r.municipality_code = s.municipality_code AND r.survey_id = s.id) AS responses,
  (SELECT count(*)::int FROM survey_mark k WHERE k.municipality_code = s.municipality_code AND k.survey_id = s.id) AS marks`;

/** The municipality's surveys, newest first. */
export async function listSurveys(db: Db, municipality: string): Promise<SurveyRow[]> {
  const rows = await sql<SurveyRow>`
    SELECT ${SURVEY_COLUMNS} FROM survey s WHERE s.municipality_code = ${municipality}
     ORDER BY s.conducted_to DESC NULLS LAST, s.created_at DESC, s.id DESC`.execute(db);
  return rows.rows;
}

/** One survey by id (ids are unique across municipalities), or undefined. */
export async function findSurvey(db: Db, id: number): Promise<SurveyRow | undefined> {
  const rows = await sql<SurveyRow>`SELECT ${SURVEY_COLUMNS} FROM survey s WHERE s.id = ${id}`.execute(db);
  return rows.rows[0];
}

/** A survey response as the indicator computation needs it; district_id already rolled up to the asked level. */
export interface ResponseRow {
  district_id: number | null;
  gender: string | null;
  age_group: string | null;
  weight: number;
  otrygg_kvall: number | null;
  avstar_aktivitet: boolean | null;
  oro_brott: number | null;
  problems: Record<string, number | null>;
}

/**
 * The survey's responses. With a district kind, each response's district is replaced by its
 * ancestor (or itself) of that kind, null when it has none.
 */
export async function listResponses(db: Db, municipality: string, surveyId: number, level: string | null): Promise<ResponseRow[]> {
  const rows = await sql<ResponseRow>`
    WITH RECURSIVE lineage AS (
      SELECT id AS leaf_id, id AS ancestor_id, kind FROM district WHERE municipality_code = ${municipality}
      UNION ALL
      SELECT l.leaf_id, d.parent_id, p.kind
        FROM lineage l
        JOIN district d ON d.municipality_code = ${municipality} AND d.id = l.ancestor_id
        JOIN district p ON p.municipality_code = ${municipality} AND p.id = d.parent_id
    )
    -- A join, not a subquery per response: the subquery rescanned the recursive CTE for every one of them.
    SELECT ${level === null ? sql`r.district_id` : sql`a.ancestor_id`} AS district_id,
           r.gender, r.age_group, r.weight::float8 AS weight, r.otrygg_kvall, r.avstar_aktivitet, r.oro_brott, r.problems
      FROM survey_response r
      ${level === null ? sql`` : sql`LEFT JOIN (SELECT DISTINCT ON (leaf_id) leaf_id, ancestor_id FROM lineage WHERE kind = ${level} ORDER BY leaf_id, ancestor_id) a
        ON a.leaf_id = r.district_id`}
     WHERE r.municipality_code = ${municipality} AND r.survey_id = ${surveyId}
     -- A fixed order: weighted shares are float sums, and a frozen snapshot must equal the live answer to the bit.
     ORDER BY r.id`.execute(db);
  return rows.rows;
}

/** District names and area (km²) of a municipality, for labelling groups and densities. */
export async function listDistrictLabels(db: Db, municipality: string): Promise<{ id: number; name: string; kind: string; parent_id: number | null; area_km2: number }[]> {
  const rows = await sql<{ id: number; name: string; kind: string; parent_id: number | null; area_km2: number }>`
    SELECT id, name, kind, parent_id, (ST_Area(geom) / 1e6)::float8 AS area_km2 FROM district WHERE municipality_code = ${municipality} ORDER BY id`.execute(db);
  return rows.rows;
}
