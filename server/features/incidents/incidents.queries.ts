import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { finestDistrictIdSql } from '../districts/districts.queries.ts';

/** One incident ready for storage: coordinates already in SWEREF 99 TM metres, or null when unlocated. */
export interface IncidentInsert {
  source: string;
  source_ref: string;
  category_code: string;
  source_category: string | null;
  /** ISO 8601 with offset. */
  occurred_at: string;
  occurred_until: string | null;
  x: number | null;
  y: number | null;
  place: string | null;
  description: string | null;
  content_hash: string;
}

/**
 * Inserts incidents in one set-based statement, assigning each its finest district at insert time
 * (an UPDATE afterwards costs minutes on a million rows). Callers batch a few thousand rows per call.
 */
export async function insertIncidents(db: Db, municipalityCode: string, rows: IncidentInsert[], batchId: number | null): Promise<number> {
  if (!rows.length) return 0;
  const result = await sql`
    INSERT INTO incident (municipality_code, source, source_ref, category_code, source_category, occurred_at,
                          occurred_until, geom, district_id, place, description, content_hash, batch_id)
    SELECT ${municipalityCode}, r.source, r.source_ref, r.category_code, r.source_category, r.occurred_at,
           r.occurred_until, g.geom, ${finestDistrictIdSql(municipalityCode, sql`g.geom`)}, r.place, r.description,
           r.content_hash, ${batchId}::bigint
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
             source text, source_ref text, category_code text, source_category text, occurred_at timestamptz,
             occurred_until timestamptz, x float8, y float8, place text, description text, content_hash text)
     CROSS JOIN LATERAL (
       SELECT CASE WHEN r.x IS NULL OR r.y IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(r.x, r.y), 3006) END AS geom
     ) g`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * After a write of incidents (an import, a rollback): marks the pages of the incident table and of the daily
 * rollups all-visible and refreshes the planner's statistics, so reads by cell (incident_cell_idx) and of edge
 * days (migrations/0014) stay index-only. PostgreSQL's autovacuum would get there in time; the embedded backend
 * has no autovacuum at all, and there every tile, drawn area and partial month would read the heap in file order
 * until someone did this. Cheap: only pages written since the last run are visited. Skipped where an autovacuum
 * launcher runs, and inside a transaction (VACUUM refuses one).
 */
export async function tidyIncidentTable(db: Db, options: { evenWithAutovacuum?: boolean } = {}): Promise<void> {
  if (db.isTransaction) return;
  // A server with autovacuum does this itself, off the import's time (on 200,000 rows it cost the import ~2 s).
  if (!options.evenWithAutovacuum) {
    const launcher = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher'`.execute(db);
    if (launcher.rows[0].n > 0) return;
  }
  for (const table of ['incident', 'incident_day_rollup', 'incident_day_how_rollup']) {
    await sql`VACUUM (ANALYZE) ${sql.table(table)}`.execute(db);
  }
}
