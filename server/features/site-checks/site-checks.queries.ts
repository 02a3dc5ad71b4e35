import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { AREA_GRID_M } from '../disclosure/disclosure.ts';
import { areaGridCentreSql, coveredCellsAreaSql } from '../disclosure/disclosure.queries.ts';
import { incidentConditionsSql } from '../incidents/incident-filter-sql.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { cellsOfArea, incidentInListedCellsSql } from '../incidents/incident-cells.ts';
import { splitPeriodByMonth } from '../incidents/incident-rollups.ts';

/** A site geometry as hex EWKB (SWEREF 99 TM), passed between queries so PostGIS parses the input once. */
export type SiteEwkb = string;

const site = (ewkb: SiteEwkb): RawBuilder<unknown> => sql`${ewkb}::geometry`;

/** The municipality's extent: the union of its districts (SWEREF 99 TM). */
function municipalityAreaSql(municipality: string): RawBuilder<unknown> {
  return sql`(SELECT ST_Union(geom) FROM district WHERE municipality_code = ${municipality})`;
}

/** What PostGIS says about a drawn geometry (WGS84 GeoJSON text) after buffering by `bufferM` metres in EPSG:3006. */
export interface SiteGeometryCheck {
  valid: boolean;
  reason: string | null;
  input_area_m2: number;
  area_m2: number;
  /** Area of the buffered site inside the municipality's districts. */
  inside_m2: number;
  has_districts: boolean;
  ewkb: SiteEwkb | null;
}

/**
 * Validates a drawn site with PostGIS as the truth (ST_IsValid in EPSG:3006) and builds the site:
 * the geometry buffered by `bufferM` metres (a point needs a buffer; a polygon may have 0).
 */
export async function checkSiteGeometry(db: Db, municipality: string, geojson: string, bufferM: number): Promise<SiteGeometryCheck> {
  const rows = await sql<SiteGeometryCheck>`
    WITH g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326), 3006) AS g),
    checked AS (SELECT g, ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM g),
    s AS (
      SELECT valid, reason, ST_Area(g)::float8 AS input_area_m2,
             CASE WHEN valid THEN CASE WHEN ${bufferM}::float8 > 0 THEN ST_Buffer(g, ${bufferM}::float8, 16) ELSE g END END AS site
        FROM checked
    ),
    m AS (SELECT ${municipalityAreaSql(municipality)} AS geom)
    SELECT s.valid, CASE WHEN s.valid THEN NULL ELSE s.reason END AS reason, s.input_area_m2,
           coalesce(ST_Area(s.site), 0)::float8 AS area_m2,
           coalesce(ST_Area(ST_Intersection(s.site, m.geom)), 0)::float8 AS inside_m2,
           m.geom IS NOT NULL AS has_districts,
           CASE WHEN s.site IS NULL THEN NULL ELSE encode(ST_AsEWKB(s.site), 'hex') END AS ewkb
      FROM s, m`.execute(db);
  return rows.rows[0];
}

/** Distance rings around the site, metres; 0 is the site itself. */
export const ZONES_M = [0, 100, 250, 500] as const;

/**
 * Areas of each zone (the site grown by its distance) and of their part inside the municipality, m² (EPSG:3006).
 * Counted on the grid (every role but police, see {@link incidentPosition}), the part inside the municipality is
 * that of the 500 m cells whose centres the zone covers, so the expected count describes what was counted.
 */
export async function measureZones(
  db: Db, municipality: string, ewkb: SiteEwkb, onGrid = false,
): Promise<{ municipality_m2: number; zones: { distance_m: number; area_m2: number; inside_m2: number }[] }> {
  const rows = await sql<{ distance_m: number; area_m2: number; inside_m2: number; municipality_m2: number }>`
    WITH m AS (SELECT ${municipalityAreaSql(municipality)} AS geom),
    z AS (SELECT d AS distance_m, CASE WHEN d = 0 THEN ${site(ewkb)} ELSE ST_Buffer(${site(ewkb)}, d, 16) END AS geom
            FROM unnest(${[...ZONES_M]}::float8[]) d)
    SELECT z.distance_m::float8 AS distance_m, ST_Area(z.geom)::float8 AS area_m2,
           ${onGrid
             ? coveredCellsAreaSql(sql`z.geom`, sql`m.geom`)
             : sql`ST_Area(ST_Intersection(z.geom, m.geom))::float8`} AS inside_m2,
           ST_Area(m.geom)::float8 AS municipality_m2
      FROM z, m ORDER BY z.distance_m`.execute(db);
  return { municipality_m2: rows.rows[0]?.municipality_m2 ?? 0, zones: rows.rows.map(({ distance_m, area_m2, inside_m2 }) => ({ distance_m, area_m2, inside_m2 })) };
}

/**
 * Where an incident counts for a site check: its own position for police, and for every other role the
 * centre of its fixed 500 m grid cell, as for drawn areas (docs/security.md): moving or shrinking a site by
 * a few metres then changes nothing, so a sequence of sites cannot locate an incident finer than a cell.
 */
function incidentPosition(onGrid: boolean): RawBuilder<unknown> {
  return onGrid ? areaGridCentreSql(sql`incident.geom`) : sql`incident.geom`;
}
/** Half a cell's diagonal: how far a cell centre can be from an incident in it. */
const CELL_REACH_M = Math.ceil((AREA_GRID_M * Math.SQRT2) / 2);

/**
 * The condition that an incident lies within `reachM` of the site, read from the 500 m cells of
 * incident_cell_idx around it (an index-only scan whatever order the rows were imported in), or through the
 * GiST index for a site too long for a list of cells.
 */
async function incidentNearSiteSql(db: Db, ewkb: SiteEwkb, reachM: number): Promise<RawBuilder<unknown>> {
  const near = sql`incident.geom IS NOT NULL AND ST_DWithin(incident.geom, ${site(ewkb)}, ${reachM}::float8)`;
  const cells = await cellsOfArea(db, sql`ST_Expand(${site(ewkb)}, ${reachM}::float8)`);
  return cells ? sql`${incidentInListedCellsSql(cells.meeting)} AND ${near}` : near;
}

/** Located incidents per category within each zone: `zone` is the smallest ring (0, 100, 250, 500 m) holding it. */
export async function countIncidentsNearSite(db: Db, filters: IncidentFilters, ewkb: SiteEwkb, onGrid = false): Promise<{ category_code: string; zone: number; n: number }[]> {
  const maxM = ZONES_M[ZONES_M.length - 1];
  const near = await incidentNearSiteSql(db, ewkb, maxM + (onGrid ? CELL_REACH_M : 0));
  const rows = await sql<{ category_code: string; zone: number; n: number }>`
    WITH near AS (
      SELECT incident.category_code, ST_Distance(${incidentPosition(onGrid)}, ${site(ewkb)}) AS d
        FROM incident
       WHERE ${incidentConditionsSql(filters)} AND ${near}
    )
    SELECT category_code,
           (CASE WHEN d <= 0 THEN 0 WHEN d <= 100 THEN 100 WHEN d <= 250 THEN 250 ELSE 500 END)::int AS zone,
           count(*)::int AS n
        FROM near WHERE d <= ${maxM}::float8 GROUP BY 1, 2`.execute(db);
  return rows.rows;
}

/** Located incidents within `distanceM` of the site by local hour of the week (0 = Monday 00:00 … 167). */
export async function countIncidentsNearSiteByHour(
  db: Db, filters: IncidentFilters, ewkb: SiteEwkb, distanceM: number, onGrid = false,
): Promise<{ how: number; n: number }[]> {
  const near = await incidentNearSiteSql(db, ewkb, distanceM + (onGrid ? CELL_REACH_M : 0));
  const rows = await sql<{ how: number; n: number }>`
    SELECT incident.local_how::int AS how, count(*)::int AS n
      FROM incident
     WHERE ${incidentConditionsSql(filters)} AND ${near}
       ${onGrid ? sql`AND ST_DWithin(${incidentPosition(true)}, ${site(ewkb)}, ${distanceM}::float8)` : sql``}
     GROUP BY 1`.execute(db);
  return rows.rows;
}

/**
 * Located incidents of the whole municipality per category in [from, to): the denominator of the
 * area-share comparison. Whole local months come from the rollup (migrations/0004), the days around them from the
 * daily rollup (0011): never the raw rows, whose order on disk is that of the import files.
 */
export async function countLocatedByCategory(db: Db, f: IncidentFilters): Promise<Map<string, number>> {
  const split = splitPeriodByMonth(f.from, f.to);
  const parts: RawBuilder<unknown>[] = [];
  if (split.months) {
    parts.push(sql`SELECT category_code, n FROM incident_month_rollup
       WHERE municipality_code = ${f.municipality} AND month >= ${split.months.first} AND month < ${split.months.end}
         AND located AND n <> 0 AND category_code = ANY(${f.categories}::text[])
         ${f.sources ? sql`AND source = ANY(${f.sources}::text[])` : sql``}`);
  }
  for (const e of split.edges) {
    parts.push(sql`SELECT category_code, n FROM incident_day_rollup
       WHERE municipality_code = ${f.municipality} AND day >= ${e.from}::date AND day < ${e.to}::date
         AND located AND n <> 0 AND category_code = ANY(${f.categories}::text[])
         ${f.sources ? sql`AND source = ANY(${f.sources}::text[])` : sql``}`);
  }
  const rows = await sql<{ category_code: string; n: number }>`
    SELECT category_code, sum(n)::int AS n FROM (${sql.join(parts, sql` UNION ALL `)}) x GROUP BY category_code`.execute(db);
  return new Map(rows.rows.map((r) => [r.category_code, r.n]));
}

/** Unsafe-place marks within `distanceM` of the site: reasons, time of day and whether inside the site itself. */
export async function listMarksNearSite(db: Db, municipality: string, ewkb: SiteEwkb, distanceM: number): Promise<{ reasons: string[]; time_of_day: string | null; inside: boolean }[]> {
  const rows = await sql<{ reasons: string[]; time_of_day: string | null; inside: boolean }>`
    SELECT m.reasons, m.time_of_day, ST_Intersects(m.geom, ${site(ewkb)}) AS inside
      FROM survey_mark m
     WHERE m.municipality_code = ${municipality} AND ST_DWithin(m.geom, ${site(ewkb)}, ${distanceM}::float8)`.execute(db);
  return rows.rows;
}

/** Distances (m) from the site to points given in SWEREF 99 TM; null where farther than `withinM`. */
export async function distancesFromSite(db: Db, ewkb: SiteEwkb, points: { x: number; y: number }[], withinM: number): Promise<(number | null)[]> {
  if (!points.length) return [];
  const rows = await sql<{ k: number; d: number | null }>`
    SELECT p.k::int AS k,
           CASE WHEN ST_DWithin(ST_SetSRID(ST_MakePoint(p.x, p.y), 3006), ${site(ewkb)}, ${withinM}::float8)
                THEN ST_Distance(ST_SetSRID(ST_MakePoint(p.x, p.y), 3006), ${site(ewkb)})::float8 END AS d
      FROM unnest(${points.map((p) => p.x)}::float8[], ${points.map((p) => p.y)}::float8[]) WITH ORDINALITY AS p(x, y, k)`.execute(db);
  const out = new Array<number | null>(points.length).fill(null);
  for (const r of rows.rows) out[r.k - 1] = r.d;
  return out;
}

/** The site as WGS84 GeoJSON text (6 decimals), for drawing a saved check again. */
export async function siteAsGeoJson(db: Db, ewkb: SiteEwkb): Promise<string> {
  const rows = await sql<{ g: string }>`SELECT ST_AsGeoJSON(ST_Transform(${site(ewkb)}, 4326), 6) AS g`.execute(db);
  return rows.rows[0].g;
}

export interface SiteCheckRow {
  id: number;
  municipality_code: string;
  name: string | null;
  buffer_m: number;
  period_from: string;
  period_to: string;
  report: unknown;
  geometry_input: unknown;
  created_by_role: string | null;
  created_at: string;
  ewkb: SiteEwkb;
}

/** Stores a site check with the site (buffered, SWEREF 99 TM), the drawn input and the report as its author saw it. */
export async function insertSiteCheck(
  db: Db,
  p: { municipality: string; name: string; ewkb: SiteEwkb; bufferM: number; from: string; to: string; report: unknown; input: unknown; userId: number | null; role: string },
): Promise<{ id: number; created_at: string }> {
  const rows = await sql<{ id: number; created_at: string }>`
    INSERT INTO site_check (municipality_code, name, geom, buffer_m, period_from, period_to, report, geometry_input, created_by, created_by_role)
    VALUES (${p.municipality}, ${p.name}, ${site(p.ewkb)}, ${p.bufferM}, ${p.from}, ${p.to}, ${JSON.stringify(p.report)}::jsonb,
            ${JSON.stringify(p.input)}::jsonb, ${p.userId}, ${p.role})
    RETURNING id::float8 AS id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`.execute(db);
  return rows.rows[0];
}

/** Saved site checks of a municipality, newest first (without their reports). */
export async function listSiteChecks(db: Db, municipality: string): Promise<{ id: number; name: string | null; buffer_m: number; period_from: string; period_to: string; created_at: string; area_m2: number }[]> {
  const rows = await sql<{ id: number; name: string | null; buffer_m: number; period_from: string; period_to: string; created_at: string; area_m2: number }>`
    SELECT id::float8 AS id, name, buffer_m::float8 AS buffer_m, period_from::text AS period_from, period_to::text AS period_to,
           to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at, ST_Area(geom)::float8 AS area_m2
      FROM site_check WHERE municipality_code = ${municipality} AND name IS NOT NULL
     ORDER BY created_at DESC, id DESC LIMIT 500`.execute(db);
  return rows.rows;
}

/** One saved site check by id, or undefined. */
export async function findSiteCheck(db: Db, id: number): Promise<SiteCheckRow | undefined> {
  const rows = await sql<SiteCheckRow>`
    SELECT id::float8 AS id, municipality_code, name, buffer_m::float8 AS buffer_m, period_from::text AS period_from, period_to::text AS period_to,
           report, geometry_input, created_by_role,
           to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at, encode(ST_AsEWKB(geom), 'hex') AS ewkb
      FROM site_check WHERE id = ${id}`.execute(db);
  return rows.rows[0];
}
