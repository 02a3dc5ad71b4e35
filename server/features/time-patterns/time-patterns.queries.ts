import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { drawnAreaSql, incidentConditionsSql, type DrawnArea } from '../incidents/incident-filter-sql.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';

/** One row of the grouped time counts: either a (dow, hour) cell or a (month, category) cell. */
export interface TimeCountRow {
  /** 1 = Monday … 7 = Sunday (ISO), Europe/Stockholm local time; null on month rows. */
  dow: number | null;
  hour: number | null;
  /** 'YYYY-MM', Europe/Stockholm; null on weekday-hour rows. */
  month: string | null;
  category_code: string | null;
  n: number;
}

/**
 * Incident counts by local weekday × hour and by local month × category in one scan (grouping
 * sets). Without an area or district every matching incident counts, located or not; a drawn
 * area (WGS84, stored as SWEREF 99 TM) keeps the located incidents it covers.
 */
export async function countIncidentsByTime(db: Db, filters: IncidentFilters, area: DrawnArea | null): Promise<TimeCountRow[]> {
  const rows = await sql<TimeCountRow>`
    WITH local AS (
      SELECT incident.occurred_at AT TIME ZONE 'Europe/Stockholm' AS t, incident.category_code
        FROM incident
       WHERE ${incidentConditionsSql(filters)}
         ${area ? sql`AND ST_Covers(${drawnAreaSql(area)}, incident.geom)` : sql``}
    ),
    parts AS (
      SELECT extract(isodow FROM t)::int AS dow, extract(hour FROM t)::int AS hour,
             to_char(t, 'YYYY-MM') AS month, category_code
        FROM local
    )
    SELECT dow, hour, month, category_code, count(*)::int AS n
      FROM parts
     GROUP BY GROUPING SETS ((dow, hour), (month, category_code))`.execute(db);
  return rows.rows;
}

/** Located-or-not split of the municipality-wide total: how many of the matching incidents have no coordinates. */
export async function countUnlocatedMatching(db: Db, filters: IncidentFilters): Promise<number> {
  const row = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM incident WHERE ${incidentConditionsSql(filters)} AND incident.geom IS NULL`.execute(db);
  return row.rows[0].n;
}
