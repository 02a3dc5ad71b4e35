import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { asWgs84GeoJson, multiPolygon3006FromGeoJson, stockholmMidnight } from '../../infra/postgis.ts';
import type { ResponseRow } from '../surveys/surveys.queries.ts';

/** An action row; `geometry` is WGS84 GeoJSON text when the action has a drawn area. */
export interface ActionRow {
  id: number;
  municipality_code: string;
  title: string;
  description: string | null;
  district_ids: number[];
  geometry: string | null;
  responsible: string | null;
  start_date: string;
  end_date: string | null;
  status: string;
  priority_id: number | null;
  promise_id: number | null;
  indicators: { key: string }[];
  created_at: Date;
  updated_at: Date;
}

const ACTION_SELECT = sql`SELECT id, municipality_code, title, description,
    (CASE WHEN district_id IS NULL THEN district_ids ELSE array_append(district_ids, district_id) END) AS district_ids,
    ${asWgs84GeoJson(sql`geom`)} AS geometry, responsible, start_date, end_date, status, priority_id, promise_id, indicators, created_at, updated_at
  FROM action`;

/** One action by id. */
export async function findAction(db: Db, id: number): Promise<ActionRow | undefined> {
  return (await sql<ActionRow>`${ACTION_SELECT} WHERE id = ${id}`.execute(db)).rows[0];
}

/** Actions of a municipality, optionally by status or priority, newest start first. */
export async function listActions(db: Db, municipality: string, f: { status?: string; priorityId?: number }): Promise<ActionRow[]> {
  return (await sql<ActionRow>`${ACTION_SELECT} WHERE municipality_code = ${municipality}
    ${f.status ? sql`AND status = ${f.status}` : sql``}
    ${f.priorityId ? sql`AND priority_id = ${f.priorityId}` : sql``}
    ORDER BY start_date DESC NULLS LAST, id DESC LIMIT 5000`.execute(db)).rows;
}

export interface ActionValues {
  title: string;
  description: string | null;
  district_ids: number[];
  /** WGS84 GeoJSON text of a validated drawn area. */
  geometry: string | null;
  responsible: string;
  start_date: string;
  end_date: string | null;
  status: string;
  priority_id: number | null;
  promise_id: number | null;
  indicators: { key: string }[];
}

const geomValue = (v: ActionValues) => (v.geometry ? multiPolygon3006FromGeoJson(v.geometry) : sql`NULL`);

/** Inserts an action and returns its id. */
export async function insertAction(db: Db, municipality: string, v: ActionValues, userId: number | null): Promise<number> {
  return (await sql<{ id: number }>`INSERT INTO action (municipality_code, title, description, district_ids, geom, responsible, start_date, end_date, status, priority_id, promise_id, indicators, created_by, updated_by)
    VALUES (${municipality}, ${v.title}, ${v.description}, ${v.district_ids}::bigint[], ${geomValue(v)}, ${v.responsible}, ${v.start_date}, ${v.end_date}, ${v.status},
            ${v.priority_id}, ${v.promise_id}, ${JSON.stringify(v.indicators)}::jsonb, ${userId}, ${userId}) RETURNING id`.execute(db)).rows[0].id;
}

/** Replaces an action's fields. */
export async function updateAction(db: Db, municipality: string, id: number, v: ActionValues, userId: number | null): Promise<void> {
  await sql`UPDATE action SET title = ${v.title}, description = ${v.description}, district_id = NULL, district_ids = ${v.district_ids}::bigint[], geom = ${geomValue(v)},
    responsible = ${v.responsible}, start_date = ${v.start_date}, end_date = ${v.end_date}, status = ${v.status}, priority_id = ${v.priority_id},
    promise_id = ${v.promise_id}, indicators = ${JSON.stringify(v.indicators)}::jsonb, updated_by = ${userId}, updated_at = now()
    WHERE municipality_code = ${municipality} AND id = ${id}`.execute(db);
}

/** Whether a priority / citizen promise with this id belongs to the municipality. */
export async function linkedRecordExists(db: Db, table: 'priority' | 'citizen_promise', municipality: string, id: number): Promise<boolean> {
  const t = table === 'priority' ? sql`priority` : sql`citizen_promise`;
  return (await sql<{ one: number }>`SELECT 1 AS one FROM ${t} WHERE municipality_code = ${municipality} AND id = ${id}`.execute(db)).rows.length > 0;
}

/** The area condition on a table alias with `geom` and `district_id`: the listed districts' subtrees, or within the drawn area. */
function inAreaSql(alias: RawBuilder<unknown>, municipality: string, area: { district_ids: number[]; geometry: string | null }): RawBuilder<unknown> {
  if (area.geometry) return sql`ST_Intersects(${alias}.geom, ${multiPolygon3006FromGeoJson(area.geometry)})`;
  return sql`${alias}.district_id = ANY(ARRAY(WITH RECURSIVE subtree AS (
      SELECT id FROM district WHERE municipality_code = ${municipality} AND id = ANY(${area.district_ids}::bigint[])
      UNION ALL
      SELECT d.id FROM district d JOIN subtree s ON d.parent_id = s.id WHERE d.municipality_code = ${municipality}
    ) SELECT id FROM subtree))`;
}

/** Incidents per category in the area over two half-open Stockholm-local periods [from, mid) and [mid, to). */
export async function countIncidentsBeforeAfter(
  db: Db, municipality: string, area: { district_ids: number[]; geometry: string | null }, categories: readonly string[],
  p: { from: string; mid: string; to: string },
): Promise<Map<string, { before: number; after: number }>> {
  const rows = await sql<{ category_code: string; before: number; after: number }>`
    SELECT incident.category_code,
           count(*) FILTER (WHERE incident.occurred_at < ${stockholmMidnight(p.mid)})::int AS before,
           count(*) FILTER (WHERE incident.occurred_at >= ${stockholmMidnight(p.mid)})::int AS after
      FROM incident
     WHERE incident.municipality_code = ${municipality}
       AND incident.category_code = ANY(${[...categories]}::text[])
       AND incident.occurred_at >= ${stockholmMidnight(p.from)} AND incident.occurred_at < ${stockholmMidnight(p.to)}
       AND ${inAreaSql(sql`incident`, municipality, area)}
     GROUP BY incident.category_code`.execute(db);
  return new Map(rows.rows.map((r) => [r.category_code, { before: r.before, after: r.after }]));
}

/** The municipality's surveys with their fieldwork dates, oldest first. */
export async function listSurveyPeriods(db: Db, municipality: string) {
  return (await sql<{ id: number; name: string; conducted_from: string | null; conducted_to: string | null }>`
    SELECT id, name, conducted_from, conducted_to FROM survey WHERE municipality_code = ${municipality}
     ORDER BY coalesce(conducted_from, conducted_to), id`.execute(db)).rows;
}

/** A survey's responses inside the area (by district subtree, or located inside the drawn area). */
export async function listResponsesInArea(
  db: Db, municipality: string, surveyId: number, area: { district_ids: number[]; geometry: string | null },
): Promise<ResponseRow[]> {
  return (await sql<ResponseRow>`SELECT r.district_id, r.gender, r.age_group, r.weight::float8 AS weight, r.otrygg_kvall, r.avstar_aktivitet, r.oro_brott, r.problems
      FROM survey_response r WHERE r.municipality_code = ${municipality} AND r.survey_id = ${surveyId}
       AND ${inAreaSql(sql`r`, municipality, area)}`.execute(db)).rows;
}

/** The day after the latest incident of the municipality ('YYYY-MM-DD', Stockholm), or null without incidents. */
export async function findIncidentDataEnd(db: Db, municipality: string): Promise<string | null> {
  const rows = await sql<{ day: string | null }>`SELECT ((max(occurred_at) AT TIME ZONE 'Europe/Stockholm')::date + 1)::text AS day
    FROM incident WHERE municipality_code = ${municipality}`.execute(db);
  return rows.rows[0]?.day ?? null;
}
