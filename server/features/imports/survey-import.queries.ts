import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { finestDistrictIdSql } from '../districts/districts.queries.ts';
import { importPointTo3006, type ImportSrid } from './coordinates.ts';

/** Finds a survey by name or creates it with this batch; returns its id and whether it was created. */
export async function findOrCreateSurvey(db: Db, municipalityCode: string, name: string, batchId: number): Promise<{ id: number; created: boolean }> {
  const found = await db.selectFrom('survey').select('id').where('municipality_code', '=', municipalityCode).where('name', '=', name).executeTakeFirst();
  if (found) return { id: found.id, created: false };
  const row = await db.insertInto('survey').values({ municipality_code: municipalityCode, name, batch_id: batchId }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, created: true };
}

/** A response on its way into the stage table. */
export interface ResponseStageRow {
  row_number: number;
  response_ref: string;
  district: string | null;
  x: number | null;
  y: number | null;
  srid: ImportSrid | null;
  gender: string;
  age_group: string | null;
  weight: number | null;
  otrygg_kvall: number | null;
  avstar_aktivitet: boolean | null;
  oro_brott: number | null;
  problems: Record<string, number>;
}

/** A mark on its way into the stage table. */
export interface MarkStageRow {
  row_number: number;
  mark_ref: string;
  response_ref: string | null;
  x: number;
  y: number;
  srid: ImportSrid;
  reasons: string[];
  time_of_day: string | null;
  comment: string | null;
}

const point3006 = importPointTo3006;

/** Creates both stage tables for a survey import. */
export async function createSurveyStages(db: Db): Promise<void> {
  await sql`CREATE TEMP TABLE import_response_stage (
    row_number int NOT NULL, response_ref text NOT NULL, district text, geom geometry(Point, 3006), far boolean NOT NULL DEFAULT false,
    district_id bigint, gender text, age_group text, weight float8, otrygg_kvall smallint, avstar_aktivitet boolean,
    oro_brott smallint, problems jsonb NOT NULL, reject text
  ) ON COMMIT DROP`.execute(db);
  await sql`CREATE TEMP TABLE import_mark_stage (
    row_number int NOT NULL, mark_ref text NOT NULL, response_ref text, geom geometry(Point, 3006), reasons text[] NOT NULL,
    time_of_day text, comment text, reject text
  ) ON COMMIT DROP`.execute(db);
}

/** Stages responses (points transformed to SWEREF 99 TM in SQL). */
export async function insertResponseStageRows(db: Db, rows: readonly ResponseStageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO import_response_stage (row_number, response_ref, district, geom, far, gender, age_group, weight,
                                       otrygg_kvall, avstar_aktivitet, oro_brott, problems)
    SELECT r.row_number, r.response_ref, r.district, ${point3006(sql`r.x`, sql`r.y`, sql`r.srid`)},
           r.x IS NOT NULL AND ${point3006(sql`r.x`, sql`r.y`, sql`r.srid`)} IS NULL,
           r.gender, r.age_group, r.weight, r.otrygg_kvall, r.avstar_aktivitet, r.oro_brott, r.problems
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
             row_number int, response_ref text, district text, x float8, y float8, srid int, gender text, age_group text,
             weight float8, otrygg_kvall smallint, avstar_aktivitet boolean, oro_brott smallint, problems jsonb)`.execute(db);
}

/** Stages marks. */
export async function insertMarkStageRows(db: Db, rows: readonly MarkStageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO import_mark_stage (row_number, mark_ref, response_ref, geom, reasons, time_of_day, comment, reject)
    SELECT r.row_number, r.mark_ref, r.response_ref, ${point3006(sql`r.x`, sql`r.y`, sql`r.srid`)},
           ARRAY(SELECT jsonb_array_elements_text(r.reasons)), r.time_of_day, r.comment,
           CASE WHEN ${point3006(sql`r.x`, sql`r.y`, sql`r.srid`)} IS NULL THEN 'far' END
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
             row_number int, mark_ref text, response_ref text, x float8, y float8, srid int, reasons jsonb, time_of_day text, comment text)`.execute(db);
}

/**
 * Links staged responses to districts: a `district` cell by id, name (case-insensitive) or external
 * id; otherwise the finest district containing the point. An unknown district name rejects the row.
 */
export async function linkStagedResponses(db: Db, municipalityCode: string): Promise<void> {
  await sql`
    UPDATE import_response_stage s SET district_id = (
      SELECT d.id FROM district d
       WHERE d.municipality_code = ${municipalityCode}
         AND (lower(d.name) = lower(s.district) OR d.external_id = s.district
              OR (s.district ~ '^[0-9]{1,15}$' AND d.id = s.district::bigint))
       ORDER BY (lower(d.name) = lower(s.district)) DESC, d.id LIMIT 1)
     WHERE s.district IS NOT NULL`.execute(db);
  await sql`UPDATE import_response_stage SET reject = 'district' WHERE district IS NOT NULL AND district_id IS NULL`.execute(db);
  await sql`UPDATE import_response_stage SET reject = 'far' WHERE far`.execute(db);
  await sql`
    UPDATE import_response_stage s SET district_id = ${finestDistrictIdSql(municipalityCode, sql`s.geom`)}
     WHERE s.district IS NULL AND s.geom IS NOT NULL AND s.reject IS NULL`.execute(db);
}

/** Rejects marks whose response_ref names no response of the survey (stored or in this file). */
export async function checkStagedMarks(db: Db, municipalityCode: string, surveyId: number): Promise<void> {
  await sql`
    UPDATE import_mark_stage m SET reject = 'response'
     WHERE m.reject IS NULL AND m.response_ref IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM import_response_stage s WHERE s.response_ref = m.response_ref AND s.reject IS NULL)
       AND NOT EXISTS (SELECT 1 FROM survey_response r WHERE r.municipality_code = ${municipalityCode} AND r.survey_id = ${surveyId}::bigint AND r.response_ref = m.response_ref)`.execute(db);
}

/** Rejected staged rows of one stage table. */
export async function listSurveyStageRejects(db: Db, table: 'responses' | 'marks'): Promise<{ row_number: number; reject: string; ref: string; district: string | null }[]> {
  const rows =
    table === 'responses'
      ? await sql<{ row_number: number; reject: string; ref: string; district: string | null }>`
          SELECT row_number, reject, response_ref AS ref, district FROM import_response_stage WHERE reject IS NOT NULL ORDER BY row_number`.execute(db)
      : await sql<{ row_number: number; reject: string; ref: string; district: string | null }>`
          SELECT row_number, reject, response_ref AS ref, NULL AS district FROM import_mark_stage WHERE reject IS NOT NULL ORDER BY row_number`.execute(db);
  return rows.rows;
}

const sameResponse = sql`(r.district_id IS NOT DISTINCT FROM s.district_id
  AND coalesce(ST_AsBinary(r.geom), '') = coalesce(ST_AsBinary(s.geom), '')
  AND r.gender IS NOT DISTINCT FROM s.gender AND r.age_group IS NOT DISTINCT FROM s.age_group
  AND r.weight = coalesce(s.weight, 1) AND r.otrygg_kvall IS NOT DISTINCT FROM s.otrygg_kvall
  AND r.avstar_aktivitet IS NOT DISTINCT FROM s.avstar_aktivitet AND r.oro_brott IS NOT DISTINCT FROM s.oro_brott
  AND r.problems = s.problems)`;

const sameMark = sql`(ST_AsBinary(k.geom) = ST_AsBinary(s.geom) AND k.response_ref IS NOT DISTINCT FROM s.response_ref
  AND k.reasons = s.reasons AND k.time_of_day IS NOT DISTINCT FROM s.time_of_day AND k.comment IS NOT DISTINCT FROM s.comment)`;

/** New / changed / unchanged counts of the accepted staged responses and marks. */
export async function classifySurveyStages(db: Db, municipalityCode: string, surveyId: number) {
  const responses = await sql<{ accepted: number; unlocated: number; updated: number; unchanged: number }>`
    SELECT count(*) FILTER (WHERE r.id IS NULL)::int AS accepted,
           count(*) FILTER (WHERE r.id IS NULL AND s.geom IS NULL AND s.district_id IS NULL)::int AS unlocated,
           count(*) FILTER (WHERE r.id IS NOT NULL AND NOT ${sameResponse})::int AS updated,
           count(*) FILTER (WHERE r.id IS NOT NULL AND ${sameResponse})::int AS unchanged
      FROM import_response_stage s
      LEFT JOIN survey_response r ON r.municipality_code = ${municipalityCode} AND r.survey_id = ${surveyId}::bigint AND r.response_ref = s.response_ref
     WHERE s.reject IS NULL`.execute(db);
  const marks = await sql<{ accepted: number; updated: number; unchanged: number }>`
    SELECT count(*) FILTER (WHERE k.id IS NULL)::int AS accepted,
           count(*) FILTER (WHERE k.id IS NOT NULL AND NOT ${sameMark})::int AS updated,
           count(*) FILTER (WHERE k.id IS NOT NULL AND ${sameMark})::int AS unchanged
      FROM import_mark_stage s
      LEFT JOIN survey_mark k ON k.municipality_code = ${municipalityCode} AND k.survey_id = ${surveyId}::bigint AND k.mark_ref = s.mark_ref
     WHERE s.reject IS NULL`.execute(db);
  return { responses: responses.rows[0], marks: { ...marks.rows[0], unlocated: 0 } };
}

/**
 * Writes staged responses and marks: revisions of changed rows, updates, inserts. A mark whose
 * comment is new or changed is held for moderation (`pending`).
 */
export async function writeSurveyStages(db: Db, municipalityCode: string, surveyId: number, batchId: number): Promise<void> {
  const m = municipalityCode;
  await sql`
    INSERT INTO import_revision (municipality_code, batch_id, table_name, row_id, previous)
    SELECT ${m}, ${batchId}::bigint, 'survey_response', r.id,
           to_jsonb(r) - 'geom' || jsonb_build_object('geom', CASE WHEN r.geom IS NULL THEN NULL ELSE encode(ST_AsEWKB(r.geom), 'hex') END)
      FROM import_response_stage s
      JOIN survey_response r ON r.municipality_code = ${m} AND r.survey_id = ${surveyId}::bigint AND r.response_ref = s.response_ref
     WHERE s.reject IS NULL AND NOT ${sameResponse}`.execute(db);
  await sql`
    UPDATE survey_response r
       SET district_id = s.district_id, geom = s.geom, gender = s.gender, age_group = s.age_group, weight = coalesce(s.weight, 1),
           otrygg_kvall = s.otrygg_kvall, avstar_aktivitet = s.avstar_aktivitet, oro_brott = s.oro_brott, problems = s.problems,
           batch_id = ${batchId}::bigint
      FROM import_response_stage s
     WHERE r.municipality_code = ${m} AND r.survey_id = ${surveyId}::bigint AND r.response_ref = s.response_ref
       AND s.reject IS NULL AND NOT ${sameResponse}`.execute(db);
  await sql`
    INSERT INTO survey_response (municipality_code, survey_id, response_ref, district_id, geom, gender, age_group, weight,
                                 otrygg_kvall, avstar_aktivitet, oro_brott, problems, batch_id)
    SELECT ${m}, ${surveyId}::bigint, s.response_ref, s.district_id, s.geom, s.gender, s.age_group, coalesce(s.weight, 1),
           s.otrygg_kvall, s.avstar_aktivitet, s.oro_brott, s.problems, ${batchId}::bigint
      FROM import_response_stage s
     WHERE s.reject IS NULL
       AND NOT EXISTS (SELECT 1 FROM survey_response r WHERE r.municipality_code = ${m} AND r.survey_id = ${surveyId}::bigint AND r.response_ref = s.response_ref)
     ORDER BY s.row_number`.execute(db);
  await sql`
    INSERT INTO import_revision (municipality_code, batch_id, table_name, row_id, previous)
    SELECT ${m}, ${batchId}::bigint, 'survey_mark', k.id,
           to_jsonb(k) - 'geom' || jsonb_build_object('geom', encode(ST_AsEWKB(k.geom), 'hex'))
      FROM import_mark_stage s
      JOIN survey_mark k ON k.municipality_code = ${m} AND k.survey_id = ${surveyId}::bigint AND k.mark_ref = s.mark_ref
     WHERE s.reject IS NULL AND NOT ${sameMark}`.execute(db);
  await sql`
    UPDATE survey_mark k
       SET response_ref = s.response_ref, geom = s.geom, district_id = ${finestDistrictIdSql(m, sql`s.geom`)}, reasons = s.reasons,
           time_of_day = s.time_of_day,
           comment_status = CASE WHEN s.comment IS NULL THEN 'none'
                                 WHEN k.comment IS NOT DISTINCT FROM s.comment THEN k.comment_status ELSE 'pending' END,
           comment = s.comment, batch_id = ${batchId}::bigint
      FROM import_mark_stage s
     WHERE k.municipality_code = ${m} AND k.survey_id = ${surveyId}::bigint AND k.mark_ref = s.mark_ref
       AND s.reject IS NULL AND NOT ${sameMark}`.execute(db);
  await sql`
    INSERT INTO survey_mark (municipality_code, survey_id, mark_ref, response_ref, geom, district_id, reasons, time_of_day, comment, comment_status, batch_id)
    SELECT ${m}, ${surveyId}::bigint, s.mark_ref, s.response_ref, s.geom, ${finestDistrictIdSql(m, sql`s.geom`)}, s.reasons, s.time_of_day,
           s.comment, CASE WHEN s.comment IS NULL THEN 'none' ELSE 'pending' END, ${batchId}::bigint
      FROM import_mark_stage s
     WHERE s.reject IS NULL
       AND NOT EXISTS (SELECT 1 FROM survey_mark k WHERE k.municipality_code = ${m} AND k.survey_id = ${surveyId}::bigint AND k.mark_ref = s.mark_ref)
     ORDER BY s.row_number`.execute(db);
}

/** Undoes a survey batch; returns the blocking later batch, or null when done. */
export async function rollbackSurveyRows(db: Db, municipalityCode: string, batchId: number): Promise<number | null> {
  const m = municipalityCode;
  const blocking = await sql<{ batch_id: number | null }>`
    SELECT min(batch_id)::bigint AS batch_id FROM import_revision
     WHERE municipality_code = ${m} AND table_name IN ('survey_response', 'survey_mark') AND batch_id > ${batchId}::bigint
       AND (previous->>'batch_id')::bigint = ${batchId}::bigint`.execute(db);
  if (blocking.rows[0]?.batch_id != null) return Number(blocking.rows[0].batch_id);
  await sql`
    UPDATE survey_response t
       SET district_id = (r.previous->>'district_id')::bigint,
           geom = CASE WHEN r.previous->>'geom' IS NULL THEN NULL ELSE ST_GeomFromEWKB(decode(r.previous->>'geom', 'hex')) END,
           gender = r.previous->>'gender', age_group = r.previous->>'age_group', weight = (r.previous->>'weight')::float8,
           otrygg_kvall = (r.previous->>'otrygg_kvall')::smallint, avstar_aktivitet = (r.previous->>'avstar_aktivitet')::boolean,
           oro_brott = (r.previous->>'oro_brott')::smallint, problems = r.previous->'problems', batch_id = (r.previous->>'batch_id')::bigint
      FROM import_revision r
     WHERE r.municipality_code = ${m} AND r.table_name = 'survey_response' AND r.batch_id = ${batchId}::bigint
       AND t.municipality_code = r.municipality_code AND t.id = r.row_id`.execute(db);
  await sql`
    UPDATE survey_mark t
       SET response_ref = r.previous->>'response_ref', geom = ST_GeomFromEWKB(decode(r.previous->>'geom', 'hex')),
           district_id = (r.previous->>'district_id')::bigint,
           reasons = ARRAY(SELECT jsonb_array_elements_text(r.previous->'reasons')), time_of_day = r.previous->>'time_of_day',
           comment = r.previous->>'comment', comment_status = r.previous->>'comment_status', batch_id = (r.previous->>'batch_id')::bigint
      FROM import_revision r
     WHERE r.municipality_code = ${m} AND r.table_name = 'survey_mark' AND r.batch_id = ${batchId}::bigint
       AND t.municipality_code = r.municipality_code AND t.id = r.row_id`.execute(db);
  await sql`DELETE FROM import_revision WHERE municipality_code = ${m} AND table_name IN ('survey_response', 'survey_mark') AND batch_id = ${batchId}::bigint`.execute(db);
  await sql`DELETE FROM survey_mark WHERE municipality_code = ${m} AND batch_id = ${batchId}::bigint`.execute(db);
  await sql`DELETE FROM survey_response WHERE municipality_code = ${m} AND batch_id = ${batchId}::bigint`.execute(db);
  await sql`
    DELETE FROM survey s WHERE s.municipality_code = ${m} AND s.batch_id = ${batchId}::bigint
       AND NOT EXISTS (SELECT 1 FROM survey_response r WHERE r.municipality_code = s.municipality_code AND r.survey_id = s.id)
       AND NOT EXISTS (SELECT 1 FROM survey_mark k WHERE k.municipality_code = s.municipality_code AND k.survey_id = s.id)`.execute(db);
  return null;
}
