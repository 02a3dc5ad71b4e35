import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { asWgs84GeoJson } from '../../infra/postgis.ts';
import { splitPeriodByMonth } from '../incidents/incident-rollups.ts';

export interface DistrictFeatureRow {
  id: number;
  name: string;
  kind: string;
  parent_id: number | null;
  population: number | null;
  population_by_gender: Record<string, number> | null;
  population_by_age: Record<string, number> | null;
  geometry: string;
  label_lon: number | null;
  label_lat: number | null;
}

/** Districts of a municipality with WGS84 GeoJSON geometry, optionally of one kind. */
export async function listDistrictFeatures(db: Db, municipalityCode: string, kind?: string): Promise<DistrictFeatureRow[]> {
  const rows = await sql<DistrictFeatureRow>`
    SELECT id, name, kind, parent_id, population, population_by_gender, population_by_age,
           ${asWgs84GeoJson(sql`geom`)} AS geometry,
           -- A label point inside the polygon: the vertex average of a U-shaped district lies outside it.
           ST_X(ST_Transform(ST_PointOnSurface(geom), 4326))::float8 AS label_lon,
           ST_Y(ST_Transform(ST_PointOnSurface(geom), 4326))::float8 AS label_lat
      FROM district
     WHERE municipality_code = ${municipalityCode}
       ${kind ? sql`AND kind = ${kind}` : sql``}
     ORDER BY kind, name`.execute(db);
  return rows.rows;
}

export interface DistrictCountRow {
  id: number;
  name: string;
  kind: string;
  parent_id: number | null;
  population: number | null;
  count: number;
  previous_count: number;
}

type CountFilter = { municipality: string; categories: string[]; sources: string[] | null };

/**
 * SQL for (district_id, n): located incidents per finest district in [from, to). Whole local
 * months come from `incident_month_rollup` (kept exact by triggers, migrations/0004), the days
 * before and after them from `incident_day_rollup` (0011), so the cost does not depend on the order
 * in which the raw rows were written.
 */
function districtCountsSql(p: CountFilter, from: string, to: string) {
  const split = splitPeriodByMonth(from, to);
  const parts = [];
  if (split.months) {
    parts.push(sql`SELECT district_key AS district_id, n FROM incident_month_rollup
       WHERE municipality_code = ${p.municipality} AND month >= ${split.months.first} AND month < ${split.months.end}
         AND district_key <> 0 AND n <> 0
         AND category_code = ANY(${p.categories}::text[])
         ${p.sources ? sql`AND source = ANY(${p.sources}::text[])` : sql``}`);
  }
  for (const e of split.edges) {
    parts.push(sql`SELECT district_key AS district_id, n FROM incident_day_rollup
       WHERE municipality_code = ${p.municipality} AND day >= ${e.from}::date AND day < ${e.to}::date
         AND district_key <> 0 AND n <> 0
         AND category_code = ANY(${p.categories}::text[])
         ${p.sources ? sql`AND source = ANY(${p.sources}::text[])` : sql``}`);
  }
  return sql`(${sql.join(parts, sql` UNION ALL `)})`;
}

/**
 * Incident counts per district in [from, to) and in the comparison period [prevFrom, prevTo),
 * every district listed (zero counts included). Incidents carry their finest district; a coarser
 * district counts the incidents of all its descendants.
 */
export async function countIncidentsByDistrict(
  db: Db,
  p: {
    municipality: string; from: string; to: string; prevFrom: string; prevTo: string;
    categories: string[]; sources: string[] | null; kind: string | null; withinDistrictId: number | null;
  },
): Promise<DistrictCountRow[]> {
  const rows = await sql<DistrictCountRow>`
    WITH RECURSIVE lineage AS (
      SELECT id AS leaf_id, id AS ancestor_id FROM district WHERE municipality_code = ${p.municipality}
      UNION ALL
      SELECT l.leaf_id, d.parent_id
        FROM lineage l JOIN district d ON d.municipality_code = ${p.municipality} AND d.id = l.ancestor_id
       WHERE d.parent_id IS NOT NULL
    ),
    counts AS (
      SELECT district_id, sum(cur)::int AS cur, sum(prev)::int AS prev FROM (
        SELECT district_id, n AS cur, 0 AS prev FROM ${districtCountsSql(p, p.from, p.to)} cur_counts
        UNION ALL
        SELECT district_id, 0 AS cur, n AS prev FROM ${districtCountsSql(p, p.prevFrom, p.prevTo)} prev_counts
      ) both_periods
      GROUP BY district_id
    )
    SELECT d.id, d.name, d.kind, d.parent_id, d.population,
           coalesce(sum(c.cur), 0)::int AS count, coalesce(sum(c.prev), 0)::int AS previous_count
      FROM district d
      LEFT JOIN lineage l ON l.ancestor_id = d.id
      LEFT JOIN counts c ON c.district_id = l.leaf_id
     WHERE d.municipality_code = ${p.municipality}
       ${p.kind ? sql`AND d.kind = ${p.kind}` : sql``}
       ${p.withinDistrictId ? sql`AND d.id IN (SELECT leaf_id FROM lineage WHERE ancestor_id = ${p.withinDistrictId})` : sql``}
     GROUP BY d.id, d.name, d.kind, d.parent_id, d.population
     ORDER BY d.kind, d.name`.execute(db);
  return rows.rows;
}

/** Incidents without coordinates in [from, to): they count in municipality totals only (from the monthly and daily rollups). */
export async function countUnlocatedIncidents(
  db: Db,
  p: { municipality: string; from: string; to: string; categories: string[]; sources: string[] | null },
): Promise<number> {
  const split = splitPeriodByMonth(p.from, p.to);
  const parts = [];
  // An unlocated incident has no district (district_key 0): the key's index then reads only those rows.
  if (split.months) {
    parts.push(sql`SELECT coalesce(sum(n), 0)::int AS n FROM incident_month_rollup
       WHERE municipality_code = ${p.municipality} AND month >= ${split.months.first} AND month < ${split.months.end}
         AND district_key = 0 AND NOT located AND category_code = ANY(${p.categories}::text[])
         ${p.sources ? sql`AND source = ANY(${p.sources}::text[])` : sql``}`);
  }
  for (const e of split.edges) {
    parts.push(sql`SELECT coalesce(sum(n), 0)::int AS n FROM incident_day_rollup
       WHERE municipality_code = ${p.municipality} AND day >= ${e.from}::date AND day < ${e.to}::date
         AND district_key = 0 AND NOT located AND category_code = ANY(${p.categories}::text[])
         ${p.sources ? sql`AND source = ANY(${p.sources}::text[])` : sql``}`);
  }
  const row = await sql<{ n: number }>`SELECT coalesce(sum(n), 0)::int AS n FROM (${sql.join(parts, sql` UNION ALL `)}) parts`.execute(db);
  return row.rows[0].n;
}

/** Whether a district id belongs to the municipality. */
export async function districtExists(db: Db, municipalityCode: string, id: number): Promise<boolean> {
  const row = await db.selectFrom('district').select('id').where('municipality_code', '=', municipalityCode).where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** The district kinds present in a municipality, finest last. */
export async function listDistrictKinds(db: Db, municipalityCode: string): Promise<string[]> {
  const rows = await db.selectFrom('district').select('kind').distinct().where('municipality_code', '=', municipalityCode).execute();
  const order = ['kommundel', 'stadsdel', 'omrade'];
  return rows.map((r) => r.kind).sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/**
 * SQL for the id of the finest district of a municipality covering a SWEREF 99 TM point
 * (område before stadsdel before kommundel; on a shared edge the lower id wins), or NULL.
 */
export function finestDistrictIdSql(municipalityCode: string, geom: RawBuilder<unknown>): RawBuilder<number | null> {
  return sql<number | null>`(
    SELECT d.id FROM district d
     WHERE d.municipality_code = ${municipalityCode} AND ${geom} IS NOT NULL AND ST_Covers(d.geom, ${geom})
     ORDER BY CASE d.kind WHEN 'omrade' THEN 0 WHEN 'stadsdel' THEN 1 ELSE 2 END, d.id
     LIMIT 1)`;
}
