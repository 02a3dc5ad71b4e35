import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

export interface ReportRow {
  id: number;
  municipality_code: string;
  year: number;
  version: number;
  data_cutoff_at: string;
  filters: unknown;
  content: unknown;
  viewer_role: string | null;
  created_by_name: string | null;
  created_at: string;
}

/**
 * Stores a new version of a municipality's report for a year (the next version number, taken under a
 * transaction-scoped advisory lock so two publishers never collide); earlier versions are never changed.
 */
export async function insertReportVersion(
  db: Db,
  r: { municipality: string; year: number; cutoff: string; filters: unknown; content: unknown; role: string; createdBy: number | null; createdByName: string | null },
): Promise<{ id: number; version: number; created_at: string }> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('situation_report:' || ${r.municipality} || ':' || ${r.year}::text))`.execute(tx);
    const { rows } = await sql<{ id: number; version: number; created_at: string }>`
      INSERT INTO situation_report (municipality_code, year, version, data_cutoff_at, filters, content, created_by, viewer_role, created_by_name)
      SELECT ${r.municipality}, ${r.year}::int, coalesce(max(version), 0) + 1, ${r.cutoff}::timestamptz, ${JSON.stringify(r.filters)}::jsonb,
             ${JSON.stringify(r.content)}::jsonb, ${r.createdBy}::bigint, ${r.role}, ${r.createdByName}
        FROM situation_report WHERE municipality_code = ${r.municipality} AND year = ${r.year}::int
      RETURNING id::int AS id, version, created_at::text AS created_at`.execute(tx);
    return rows[0];
  });
}

/** One stored report by id. */
export async function findReport(db: Db, id: number): Promise<ReportRow | undefined> {
  const { rows } = await sql<ReportRow>`
    SELECT id::int AS id, municipality_code, year, version, data_cutoff_at::text AS data_cutoff_at, filters, content,
           viewer_role, created_by_name, created_at::text AS created_at
      FROM situation_report WHERE id = ${id}`.execute(db);
  return rows[0];
}

/** The latest incident time stored for the municipality (the data cut-off), or null without incidents. */
export async function findLatestIncidentTime(db: Db, municipality: string): Promise<string | null> {
  const { rows } = await sql<{ at: string | null }>`SELECT max(occurred_at)::text AS at FROM incident WHERE municipality_code = ${municipality}`.execute(db);
  return rows[0]?.at ?? null;
}

/** Sources with incidents in [from, to) among the given categories (names only: no counts leave here). */
export async function listSourcesWithIncidents(db: Db, municipality: string, from: string, to: string, categories: string[]): Promise<string[]> {
  const { rows } = await sql<{ source: string }>`
    SELECT DISTINCT source FROM incident
     WHERE municipality_code = ${municipality} AND category_code = ANY(${categories}::text[])
       AND occurred_at >= (${from}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
       AND occurred_at <  (${to}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
     ORDER BY source`.execute(db);
  return rows.map((r) => r.source);
}

/** Decided (or done) priorities of the municipality: the åtgärdsplan's priorities. */
export async function listDecidedPriorities(db: Db, municipality: string) {
  const { rows } = await sql<{ title: string; rationale: string | null; owner: string | null; due_date: string | null; status: string }>`
    SELECT title, rationale, owner, due_date::text AS due_date, status FROM priority
     WHERE municipality_code = ${municipality} AND status IN ('decided', 'done') ORDER BY due_date NULLS LAST, title`.execute(db);
  return rows;
}

/** Actions (insatser) of the municipality overlapping the year. */
export async function listActionsOfYear(db: Db, municipality: string, year: number) {
  const { rows } = await sql<{ title: string; responsible: string | null; start_date: string | null; end_date: string | null }>`
    SELECT title, responsible, start_date::text AS start_date, end_date::text AS end_date FROM action
     WHERE municipality_code = ${municipality}
       AND (start_date IS NULL OR start_date < make_date(${year}::int + 1, 1, 1))
       AND (end_date IS NULL OR end_date >= make_date(${year}::int, 1, 1))
     ORDER BY start_date NULLS LAST, title`.execute(db);
  return rows;
}

/** District outlines simplified to ~10 m, WGS84 GeoJSON, for the report's map (frozen into each version). */
export async function listDistrictOutlines(db: Db, municipality: string, kind: string | null) {
  const { rows } = await sql<{ id: number; geometry: string }>`
    SELECT id::int AS id, ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(geom, 10), 4326), 6) AS geometry
      FROM district WHERE municipality_code = ${municipality} ${kind ? sql`AND kind = ${kind}` : sql``}`.execute(db);
  return rows;
}

/** A published version in a list: who made it when, never its content. */
export interface ReportVersionRow {
  id: number;
  year: number;
  version: number;
  data_cutoff_at: string;
  created_by_name: string | null;
  created_at: string;
}

/** The published versions of a municipality's reports built for one role, newest year and version first. */
export async function listReportVersions(db: Db, municipality: string, role: string, year: number | null): Promise<ReportVersionRow[]> {
  const { rows } = await sql<ReportVersionRow>`
    SELECT id::int AS id, year, version, data_cutoff_at::text AS data_cutoff_at, created_by_name, created_at::text AS created_at
      FROM situation_report
     WHERE municipality_code = ${municipality} AND viewer_role = ${role}
       ${year !== null ? sql`AND year = ${year}::int` : sql``}
     ORDER BY year DESC, version DESC
     LIMIT 200`.execute(db);
  return rows;
}
