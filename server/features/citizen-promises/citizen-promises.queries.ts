import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { stockholmMidnight } from '../../infra/postgis.ts';
import { coveredCellsAreaSql, incidentInGeometrySql } from '../disclosure/disclosure.queries.ts';
import { splitPeriodByMonth } from '../incidents/incident-rollups.ts';

/**
 * A promise's area as SQL: the subtree of the named districts, or a drawn SWEREF 99 TM multipolygon
 * (as hex EWKB). Incidents are matched by their finest district or by ST_Covers respectively.
 */
export type AreaRef =
  | { kind: 'districts'; municipality: string; districtIds: number[] }
  /** `onGrid`: incidents count by the centre of their fixed 500 m grid cell (a drawn area below police, docs/security.md). */
  | { kind: 'geometry'; municipality: string; ewkb: string; onGrid?: boolean };

function subtreeIds(municipality: string, ids: number[]): RawBuilder<unknown> {
  return sql`ARRAY(WITH RECURSIVE subtree AS (
      SELECT id FROM district WHERE municipality_code = ${municipality} AND id = ANY(${ids}::bigint[])
      UNION
      SELECT d.id FROM district d JOIN subtree s ON d.parent_id = s.id WHERE d.municipality_code = ${municipality}
    ) SELECT id FROM subtree)`;
}

/** Condition on table alias `t` (with `district_id` and `geom`) selecting rows inside the area (survey responses: exact). */
function insideAreaSql(area: AreaRef, alias: string): RawBuilder<unknown> {
  const t = sql.ref(alias);
  if (area.kind === 'districts') return sql`${t}.district_id = ANY(${subtreeIds(area.municipality, area.districtIds)})`;
  return sql`ST_Covers(${area.ewkb}::geometry, ${t}.geom)`;
}

/** The area's size in m² (EPSG:3006) and the municipality's (union of its districts). */
export async function measureArea(db: Db, area: AreaRef): Promise<{ area_m2: number; municipality_m2: number }> {
  const areaGeom = area.kind === 'districts'
    ? sql`(SELECT ST_Union(geom) FROM district WHERE municipality_code = ${area.municipality} AND id = ANY(${area.districtIds}::bigint[]))`
    : sql`${area.ewkb}::geometry`;
  const measured = area.kind === 'geometry' && area.onGrid ? coveredCellsAreaSql(areaGeom, sql`m.g`) : sql`ST_Area(ST_Intersection(${areaGeom}, m.g))::float8`;
  const rows = await sql<{ area_m2: number | null; municipality_m2: number | null }>`
    SELECT ${measured} AS area_m2, ST_Area(m.g)::float8 AS municipality_m2
      FROM (SELECT ST_Union(geom) AS g FROM district WHERE municipality_code = ${area.municipality}) m`.execute(db);
  return { area_m2: rows.rows[0]?.area_m2 ?? 0, municipality_m2: rows.rows[0]?.municipality_m2 ?? 0 };
}

/**
 * Located incidents inside the area per category in each half-open Stockholm-day period, in a cost that does
 * not depend on the order the rows were imported in: districts from the monthly and daily rollups (whole
 * months and the days around them, keyed by the incident's finest district), a drawn area from the 500 m cells
 * of incident_cell_idx (server/features/disclosure, counted at cell centres when `onGrid`).
 */
export async function countAreaIncidents(
  db: Db, area: AreaRef, categories: string[], periods: { from: string; to: string }[],
): Promise<{ period: number; category_code: string; n: number }[]> {
  if (!categories.length || !periods.length) return [];
  return area.kind === 'districts' ? countDistrictsFromRollups(db, area, categories, periods) : countDrawnAreaByCell(db, area, categories, periods);
}

async function countDistrictsFromRollups(
  db: Db, area: Extract<AreaRef, { kind: 'districts' }>, categories: string[], periods: { from: string; to: string }[],
): Promise<{ period: number; category_code: string; n: number }[]> {
  const parts: RawBuilder<unknown>[] = [];
  const common = sql`municipality_code = ${area.municipality} AND located AND n <> 0
    AND category_code = ANY(${categories}::text[]) AND district_key = ANY(${subtreeIds(area.municipality, area.districtIds)})`;
  periods.forEach((p, k) => {
    const split = splitPeriodByMonth(p.from, p.to);
    if (split.months) {
      parts.push(sql`SELECT ${k}::int AS period, category_code, n FROM incident_month_rollup
        WHERE ${common} AND month >= ${split.months.first} AND month < ${split.months.end}`);
    }
    for (const e of split.edges) {
      parts.push(sql`SELECT ${k}::int AS period, category_code, n FROM incident_day_rollup
        WHERE ${common} AND day >= ${e.from}::date AND day < ${e.to}::date`);
    }
  });
  const rows = await sql<{ period: number; category_code: string; n: number }>`
    SELECT period, category_code, sum(n)::int AS n FROM (${sql.join(parts, sql` UNION ALL `)}) x GROUP BY 1, 2`.execute(db);
  return rows.rows;
}

async function countDrawnAreaByCell(
  db: Db, area: Extract<AreaRef, { kind: 'geometry' }>, categories: string[], periods: { from: string; to: string }[],
): Promise<{ period: number; category_code: string; n: number }[]> {
  const lo = periods.reduce((m, p) => (p.from < m ? p.from : m), periods[0].from);
  const hi = periods.reduce((m, p) => (p.to > m ? p.to : m), periods[0].to);
  const inArea = await incidentInGeometrySql(db, sql`${area.ewkb}::geometry`, area.onGrid ?? false);
  const matching = (condition: RawBuilder<unknown>, geom = false) => sql`
      SELECT incident.occurred_at, incident.category_code${geom ? sql`, incident.geom` : sql``}
        FROM incident
       WHERE incident.municipality_code = ${area.municipality}
         AND incident.category_code = ANY(${categories}::text[])
         AND incident.occurred_at >= ${stockholmMidnight(lo)} AND incident.occurred_at < ${stockholmMidnight(hi)}
         AND ${condition}`;
  const cases = periods.map((p, k) => sql`WHEN occurred_at >= ${stockholmMidnight(p.from)} AND occurred_at < ${stockholmMidnight(p.to)} THEN ${k}::int`);
  const edge = inArea.edge;
  const rows = await sql<{ period: number | null; category_code: string; n: number }>`
    SELECT CASE ${sql.join(cases, sql` `)} END AS period, category_code, count(*)::int AS n FROM (
      ${matching(sql`incident.geom IS NOT NULL AND ${inArea.inside}`)}
      ${edge ? sql`UNION ALL SELECT occurred_at, category_code FROM (${matching(edge.read, true)} OFFSET 0) incident WHERE ${edge.refine}` : sql``}
    ) x
     GROUP BY 1, 2`.execute(db);
  return rows.rows.filter((r) => r.period !== null) as { period: number; category_code: string; n: number }[];
}

export interface AreaResponseRow {
  survey_id: number;
  gender: string | null;
  age_group: string | null;
  weight: number;
  otrygg_kvall: number | null;
  avstar_aktivitet: boolean | null;
  oro_brott: number | null;
  problems: Record<string, number | null>;
  district_id: number | null;
}

/** Survey responses located in the area (by their district, or their point when the area is drawn). */
export async function listAreaResponses(db: Db, area: AreaRef, surveyId: number): Promise<AreaResponseRow[]> {
  const rows = await sql<AreaResponseRow>`
    SELECT r.survey_id::float8 AS survey_id, r.gender, r.age_group, r.weight::float8 AS weight, r.otrygg_kvall, r.avstar_aktivitet, r.oro_brott, r.problems,
           r.district_id::float8 AS district_id
      FROM survey_response r
     WHERE r.municipality_code = ${area.municipality} AND r.survey_id = ${surveyId}
       AND ${area.kind === 'districts' ? insideAreaSql(area, 'r') : sql`(r.geom IS NOT NULL AND ${insideAreaSql(area, 'r')})`}`.execute(db);
  return rows.rows;
}

/** Every response of a survey (the municipality's level to compare an area against). */
export async function listSurveyResponses(db: Db, municipality: string, surveyId: number): Promise<AreaResponseRow[]> {
  const rows = await sql<AreaResponseRow>`
    SELECT r.survey_id::float8 AS survey_id, r.gender, r.age_group, r.weight::float8 AS weight, r.otrygg_kvall, r.avstar_aktivitet, r.oro_brott, r.problems,
           r.district_id::float8 AS district_id
      FROM survey_response r WHERE r.municipality_code = ${municipality} AND r.survey_id = ${surveyId}`.execute(db);
  return rows.rows;
}

/** Surveys of a municipality with their dates, newest first. */
export async function listSurveysByDate(db: Db, municipality: string): Promise<{ id: number; name: string; conducted_from: string | null; conducted_to: string | null }[]> {
  const rows = await sql<{ id: number; name: string; conducted_from: string | null; conducted_to: string | null }>`
    SELECT id::float8 AS id, name, conducted_from::text AS conducted_from, conducted_to::text AS conducted_to
      FROM survey WHERE municipality_code = ${municipality}
     ORDER BY coalesce(conducted_to, conducted_from, created_at::date) DESC, id DESC`.execute(db);
  return rows.rows;
}

/** Validates a drawn area with PostGIS (ST_IsValid in EPSG:3006) and returns it as multipolygon EWKB, with its area. */
export async function checkAreaGeometry(db: Db, municipality: string, geojson: string): Promise<{ valid: boolean; reason: string | null; area_m2: number; inside_m2: number; ewkb: string | null }> {
  const rows = await sql<{ valid: boolean; reason: string | null; area_m2: number; inside_m2: number; ewkb: string | null }>`
    WITH g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326), 3006) AS g),
    m AS (SELECT ST_Union(geom) AS g FROM district WHERE municipality_code = ${municipality})
    SELECT ST_IsValid(g.g) AS valid, CASE WHEN ST_IsValid(g.g) THEN NULL ELSE ST_IsValidReason(g.g) END AS reason,
           ST_Area(g.g)::float8 AS area_m2,
           CASE WHEN ST_IsValid(g.g) AND m.g IS NOT NULL THEN ST_Area(ST_Intersection(g.g, m.g))::float8 ELSE 0 END AS inside_m2,
           CASE WHEN ST_IsValid(g.g) THEN encode(ST_AsEWKB(ST_Multi(g.g)), 'hex') END AS ewkb
      FROM g, m`.execute(db);
  return rows.rows[0];
}

/** Hexagons (i, j) of ST_HexagonGrid with edge `cellM` (EPSG:3006) as one multipolygon EWKB. */
export async function hexCellsAsArea(db: Db, cells: { i: number; j: number }[], cellM: number): Promise<string> {
  const h = Math.sqrt(3) * cellM;
  const polygons = cells.map(({ i, j }) => {
    const cx = 1.5 * cellM * i;
    const cy = h * j + (((i % 2) + 2) % 2) * (h / 2);
    const ring = [0, 60, 120, 180, 240, 300, 0].map((deg) => `${cx + cellM * Math.cos((deg * Math.PI) / 180)} ${cy + cellM * Math.sin((deg * Math.PI) / 180)}`);
    return `((${ring.join(',')}))`;
  });
  const rows = await sql<{ ewkb: string }>`
    SELECT encode(ST_AsEWKB(ST_Multi(ST_Union(ST_MakeValid(ST_GeomFromText(${`MULTIPOLYGON(${polygons.join(',')})`}, 3006))))), 'hex') AS ewkb`.execute(db);
  return rows.rows[0].ewkb;
}

/** Which of the ids are districts of the municipality. */
export async function existingDistrictIds(db: Db, municipality: string, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await sql<{ id: number }>`SELECT id::float8 AS id FROM district WHERE municipality_code = ${municipality} AND id = ANY(${ids}::bigint[])`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}

export interface PromiseRow {
  id: number;
  municipality_code: string;
  title: string;
  district_ids: number[];
  geometry: string | null;
  ewkb: string | null;
  period_start: string;
  period_end: string;
  problems: unknown;
  evidence: unknown;
  status: 'draft' | 'agreed' | 'published' | 'followed_up';
  internal_notes: string | null;
  agreed_at: string | null;
  published_at: string | null;
  followed_up_at: string | null;
  created_at: string;
  updated_at: string;
}

const ts = (col: string) => sql.raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

/** Promises of a municipality (optionally only some statuses), newest period first. */
export async function listPromises(db: Db, municipality: string, statuses: string[] | null, id: number | null = null): Promise<PromiseRow[]> {
  const rows = await sql<PromiseRow>`
    SELECT id::float8 AS id, municipality_code, title, district_ids::float8[] AS district_ids,
           CASE WHEN geom IS NOT NULL THEN ST_AsGeoJSON(ST_Transform(geom, 4326), 6) END AS geometry,
           CASE WHEN geom IS NOT NULL THEN encode(ST_AsEWKB(geom), 'hex') END AS ewkb,
           period_start::text AS period_start, period_end::text AS period_end, problems, evidence, status, internal_notes,
           ${ts('agreed_at')} AS agreed_at, ${ts('published_at')} AS published_at, ${ts('followed_up_at')} AS followed_up_at,
           ${ts('created_at')} AS created_at, ${ts('updated_at')} AS updated_at
      FROM citizen_promise
     WHERE municipality_code = ${municipality}
       ${statuses ? sql`AND status = ANY(${statuses}::text[])` : sql``}
       ${id !== null ? sql`AND id = ${id}` : sql``}
     ORDER BY period_start DESC, id DESC LIMIT 500`.execute(db);
  return rows.rows;
}

/** The municipality a promise id belongs to, if it exists. */
export async function findPromiseMunicipality(db: Db, id: number): Promise<string | undefined> {
  const row = await sql<{ m: string }>`SELECT municipality_code AS m FROM citizen_promise WHERE id = ${id}`.execute(db);
  return row.rows[0]?.m;
}

export interface IndicatorRow {
  promise_id: number;
  key: string;
  label: string | null;
  baseline: number | null;
  baseline_from: string | null;
  baseline_to: string | null;
  target: number | null;
  followup: number | null;
}

export async function listIndicators(db: Db, municipality: string, ids: number[]): Promise<IndicatorRow[]> {
  if (!ids.length) return [];
  const rows = await sql<IndicatorRow>`
    SELECT promise_id::float8 AS promise_id, key, label, baseline, baseline_from::text AS baseline_from, baseline_to::text AS baseline_to, target, followup
      FROM citizen_promise_indicator WHERE municipality_code = ${municipality} AND promise_id = ANY(${ids}::bigint[])
     ORDER BY promise_id, sort_order, id`.execute(db);
  return rows.rows;
}

export async function listCommitments(db: Db, municipality: string, ids: number[]) {
  if (!ids.length) return [];
  const rows = await sql<{ promise_id: number; actor: 'police' | 'municipality'; text: string; responsible: string | null }>`
    SELECT promise_id::float8 AS promise_id, actor, text, responsible
      FROM citizen_promise_commitment WHERE municipality_code = ${municipality} AND promise_id = ANY(${ids}::bigint[])
     ORDER BY promise_id, sort_order, id`.execute(db);
  return rows.rows;
}

export async function listTransitions(db: Db, municipality: string, id: number) {
  const rows = await sql<{ from_status: string; to_status: string; actor: string | null; role: string; at: string }>`
    SELECT from_status, to_status, actor, role, ${ts('at')} AS at
      FROM citizen_promise_transition WHERE municipality_code = ${municipality} AND promise_id = ${id} ORDER BY id`.execute(db);
  return rows.rows;
}

export interface PromiseWrite {
  municipality: string;
  title: string;
  districtIds: number[];
  ewkb: string | null;
  periodStart: string;
  periodEnd: string;
  problems: string[];
  evidence: unknown;
  internalNotes: string | null;
  commitments: { actor: string; text: string; responsible: string | null }[];
  indicators: { key: string; label: string | null; baseline: number | null; baselineFrom: string | null; baselineTo: string | null; target: number | null }[];
}

async function writeChildren(db: Db, municipality: string, id: number, p: PromiseWrite) {
  await sql`DELETE FROM citizen_promise_commitment WHERE municipality_code = ${municipality} AND promise_id = ${id}`.execute(db);
  await sql`DELETE FROM citizen_promise_indicator WHERE municipality_code = ${municipality} AND promise_id = ${id}`.execute(db);
  for (const [k, c] of p.commitments.entries()) {
    await sql`INSERT INTO citizen_promise_commitment (municipality_code, promise_id, actor, text, responsible, sort_order)
              VALUES (${municipality}, ${id}, ${c.actor}, ${c.text}, ${c.responsible}, ${k})`.execute(db);
  }
  for (const [k, i] of p.indicators.entries()) {
    await sql`INSERT INTO citizen_promise_indicator (municipality_code, promise_id, key, label, baseline, baseline_from, baseline_to, target, sort_order)
              VALUES (${municipality}, ${id}, ${i.key}, ${i.label}, ${i.baseline}, ${i.baselineFrom}::date, ${i.baselineTo}::date, ${i.target}, ${k})`.execute(db);
  }
}

/** Inserts a draft promise with its commitments and indicators (call inside a transaction). */
export async function insertPromise(db: Db, p: PromiseWrite, userId: number | null, role: string): Promise<number> {
  const row = await sql<{ id: number }>`
    INSERT INTO citizen_promise (municipality_code, title, district_ids, geom, period_start, period_end, problems, evidence, internal_notes, created_by, created_by_role)
    VALUES (${p.municipality}, ${p.title}, ${p.districtIds}::bigint[], ${p.ewkb}::geometry, ${p.periodStart}::date, ${p.periodEnd}::date,
            ${JSON.stringify(p.problems)}::jsonb, ${JSON.stringify(p.evidence ?? {})}::jsonb, ${p.internalNotes}, ${userId}, ${role})
    RETURNING id::float8 AS id`.execute(db);
  const id = row.rows[0].id;
  await writeChildren(db, p.municipality, id, p);
  return id;
}

/** Replaces a promise's content (call inside a transaction). */
export async function updatePromise(db: Db, id: number, p: PromiseWrite): Promise<void> {
  await sql`
    UPDATE citizen_promise SET title = ${p.title}, district_ids = ${p.districtIds}::bigint[], geom = ${p.ewkb}::geometry,
           period_start = ${p.periodStart}::date, period_end = ${p.periodEnd}::date, problems = ${JSON.stringify(p.problems)}::jsonb,
           evidence = ${JSON.stringify(p.evidence ?? {})}::jsonb, internal_notes = ${p.internalNotes}, updated_at = now()
     WHERE municipality_code = ${p.municipality} AND id = ${id}`.execute(db);
  await writeChildren(db, p.municipality, id, p);
}

export async function deletePromise(db: Db, municipality: string, id: number): Promise<void> {
  await sql`DELETE FROM citizen_promise WHERE municipality_code = ${municipality} AND id = ${id}`.execute(db);
}

/**
 * Moves a promise from `from` to `to` (only if it is still in `from`: concurrent transitions cannot
 * both win), stamps the matching *_at column and records who did it. Returns false when the status had changed.
 */
export async function transitionPromise(
  db: Db, municipality: string, id: number, from: string, to: string, who: { userId: number | null; tokenId: number | null; role: string },
): Promise<boolean> {
  const stamp = to === 'agreed' ? sql`, agreed_at = now()` : to === 'published' ? sql`, published_at = now()` : to === 'followed_up' ? sql`, followed_up_at = now()` : sql``;
  const res = await sql`UPDATE citizen_promise SET status = ${to}, updated_at = now() ${stamp}
                         WHERE municipality_code = ${municipality} AND id = ${id} AND status = ${from}`.execute(db);
  if (Number(res.numAffectedRows ?? 0) !== 1) return false;
  await sql`
    INSERT INTO citizen_promise_transition (municipality_code, promise_id, from_status, to_status, user_id, actor, role)
    VALUES (${municipality}, ${id}, ${from}, ${to}, ${who.userId},
            coalesce((SELECT email FROM app_user WHERE id = ${who.userId}), (SELECT name FROM api_token WHERE id = ${who.tokenId})), ${who.role})`.execute(db);
  return true;
}

/** Stores the follow-up values of a promise's indicators (by key). */
export async function storeFollowups(db: Db, municipality: string, id: number, values: { key: string; followup: number | null }[]): Promise<void> {
  for (const v of values) {
    await sql`UPDATE citizen_promise_indicator SET followup = ${v.followup}
               WHERE municipality_code = ${municipality} AND promise_id = ${id} AND key = ${v.key}`.execute(db);
  }
}
