import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { incidentConditionsSql } from '../incidents/incident-filter-sql.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';

/** Located incidents of the filters as Knox events (SWEREF 99 TM metres, days since the epoch), at most `limit`. */
export async function listNearRepeatEvents(db: Db, filters: IncidentFilters, limit: number): Promise<{ x: number; y: number; t: number }[]> {
  const rows = await sql<{ x: number; y: number; t: number }>`
    SELECT ST_X(incident.geom)::float8 AS x, ST_Y(incident.geom)::float8 AS y,
           (extract(epoch FROM incident.occurred_at) / 86400)::float8 AS t
      FROM incident
     WHERE ${incidentConditionsSql(filters)} AND incident.geom IS NOT NULL
     ORDER BY incident.occurred_at, incident.id
     LIMIT ${limit}`.execute(db);
  return rows.rows;
}
