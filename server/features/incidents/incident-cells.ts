import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** Side (m) of the cells of `incident_cell_idx` (migrations/0013): the fixed grid drawn areas are counted on. */
export const INCIDENT_CELL_M = 500;

/** Most cells one read lists before it falls back to the GiST index (a zoomed-out tile, a whole-town area). */
export const MAX_LISTED_CELLS = 4096;

// Cell keys pack the column and row of a SWEREF 99 TM cell into one bigint. Written as literals, not
// parameters: the planner uses the index only for the very expression of the migration.
const KEY = (x: string, y: string) => `((floor(${x} / ${INCIDENT_CELL_M}))::bigint * 1048576 + (floor(${y} / ${INCIDENT_CELL_M}))::bigint)`;

/** The cell key of `incident.geom`, exactly as `incident_cell_idx` indexes it. */
export const incidentCellKeySql: RawBuilder<unknown> = sql.raw(KEY('ST_X(incident.geom)', 'ST_Y(incident.geom)'));

/**
 * The condition that an incident is located in one of the cells meeting `box` (any SWEREF 99 TM geometry;
 * its bounding box counts), readable from `incident_cell_idx` alone. Callers still test the exact place, as
 * cells are wider than the box, and keep to boxes of at most MAX_LISTED_CELLS cells (see cellsOfLonLatBox).
 */
export function incidentInCellsSql(box: RawBuilder<unknown>): RawBuilder<unknown> {
  const g = sql.lit(INCIDENT_CELL_M);
  return sql`incident.geom IS NOT NULL AND ${incidentCellKeySql} = ANY(ARRAY(
      SELECT gx * 1048576 + gy FROM (SELECT ${box} AS b) q,
             generate_series(floor(ST_XMin(q.b) / ${g})::bigint, floor(ST_XMax(q.b) / ${g})::bigint) gx,
             generate_series(floor(ST_YMin(q.b) / ${g})::bigint, floor(ST_YMax(q.b) / ${g})::bigint) gy))`;
}

/**
 * About how many cells a WGS84 box [west, south, east, north] meets (on the generous side: the longitude scale
 * of its edge nearest the equator and a cell to spare each way), to choose between the cells and the GiST index.
 */
export function cellsOfLonLatBox([west, south, east, north]: readonly number[]): number {
  const mPerDegLat = 111_320;
  const mPerDegLon = mPerDegLat * Math.cos((Math.min(Math.abs(south), Math.abs(north)) * Math.PI) / 180);
  const across = ((east - west) * mPerDegLon) / INCIDENT_CELL_M + 2;
  const up = ((north - south) * mPerDegLat) / INCIDENT_CELL_M + 2;
  return Math.ceil(across) * Math.ceil(up);
}

/** The cells of an area, as keys of incident_cell_idx. */
export interface AreaCells {
  /** Cells whose centre the area covers (the disclosure grid's reading of the area). */
  centred: number[];
  /** Cells the area covers whole. */
  whole: number[];
  /** Cells the area meets at all (every incident in the area lies in one of them). */
  meeting: number[];
}

/**
 * The cells of an area (SQL for a SWEREF 99 TM geometry), listed by the database before the incidents are
 * read: as a list of values the planner can count, the incidents are then read index-only from exactly these
 * cells (an array computed inside the same query is estimated blindly and read through the heap instead).
 * Null when the area's bounding box holds more than MAX_LISTED_CELLS cells (read those through GiST).
 */
export async function cellsOfArea(db: Db, area: RawBuilder<unknown>): Promise<AreaCells | null> {
  const g = sql.lit(INCIDENT_CELL_M);
  const half = sql.lit(INCIDENT_CELL_M / 2);
  const row = await sql<AreaCells & { listed: boolean }>`
    WITH q AS (
      SELECT a, floor(ST_XMin(a) / ${g})::bigint AS x0, floor(ST_XMax(a) / ${g})::bigint AS x1,
                floor(ST_YMin(a) / ${g})::bigint AS y0, floor(ST_YMax(a) / ${g})::bigint AS y1
        FROM (SELECT ${area} AS a) s
    ),
    listed AS (SELECT * FROM q WHERE (x1 - x0 + 1) * (y1 - y0 + 1) <= ${sql.lit(MAX_LISTED_CELLS)})
    SELECT EXISTS (SELECT 1 FROM listed) AS listed,
           coalesce(array_agg(k) FILTER (WHERE ST_Covers(a, ST_SetSRID(ST_MakePoint(x0 + ${half}, y0 + ${half}), 3006))), '{}') AS centred,
           coalesce(array_agg(k) FILTER (WHERE ST_Covers(a, ST_MakeEnvelope(x0, y0, x0 + ${g}, y0 + ${g}, 3006))), '{}') AS whole,
           coalesce(array_agg(k) FILTER (WHERE ST_Intersects(a, ST_MakeEnvelope(x0, y0, x0 + ${g}, y0 + ${g}, 3006))), '{}') AS meeting
      FROM (SELECT a, x0 AS gx0, x1 AS gx1, y0 AS gy0, y1 AS gy1 FROM listed) b,
           generate_series(gx0, gx1) gx, generate_series(gy0, gy1) gy,
           LATERAL (SELECT gx * 1048576 + gy AS k, gx * ${g}::float8 AS x0, gy * ${g}::float8 AS y0) c`.execute(db);
  const { listed, ...cells } = row.rows[0];
  return listed ? cells : null;
}

/** The condition that an incident is located in one of the cells `keys`, readable from incident_cell_idx alone. */
export function incidentInListedCellsSql(keys: number[]): RawBuilder<unknown> {
  return sql`incident.geom IS NOT NULL AND ${incidentCellKeySql} = ANY(${keys}::bigint[])`;
}
