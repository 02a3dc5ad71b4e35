import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { drawnAreaSql, type DrawnArea } from '../incidents/incident-filter-sql.ts';
import { cellsOfArea, incidentInListedCellsSql } from '../incidents/incident-cells.ts';
import { AREA_GRID_M } from './disclosure.ts';

/** Area of a drawn area in km² (measured in SWEREF 99 TM after repair). */
export async function measureDrawnAreaKm2(db: Db, area: DrawnArea): Promise<number> {
  const row = await sql<{ km2: number | null }>`SELECT (ST_Area(${drawnAreaSql(area)}) / 1e6)::float8 AS km2`.execute(db);
  return row.rows[0]?.km2 ?? 0;
}

/** SQL for the centre of the fixed 500 m grid cell holding a SWEREF 99 TM point. */
export function areaGridCentreSql(geom: RawBuilder<unknown>): RawBuilder<unknown> {
  const half = AREA_GRID_M / 2;
  return sql`ST_SetSRID(ST_MakePoint(floor(ST_X(${geom}) / ${AREA_GRID_M}::float8) * ${AREA_GRID_M}::float8 + ${half}::float8,
                                     floor(ST_Y(${geom}) / ${AREA_GRID_M}::float8) * ${AREA_GRID_M}::float8 + ${half}::float8), 3006)`;
}

/**
 * Whether an incident lies in a drawn area: exactly for police, and for every other role when the centre of
 * its 500 m grid cell lies in the area, so an answer describes whole published cells and moving an edge by a
 * few metres changes nothing. As conditions on table alias `incident`: the incidents matching `inside` are in
 * the area; those matching `edge` are in it when `refine` holds too. `refine` must be applied in an outer
 * query over a fenced read (OFFSET 0 or a materialised CTE): the planner costs a geometry test per row so high
 * that, seen together with the read, it gives up the index-only read by cell.
 */
export interface AreaCondition {
  inside: RawBuilder<unknown>;
  edge: { read: RawBuilder<unknown>; refine: RawBuilder<unknown> } | null;
}

export async function incidentInAreaSql(db: Db, area: DrawnArea, snapped: boolean): Promise<AreaCondition> {
  return incidentInGeometrySql(db, sql`(SELECT ${drawnAreaSql(area)})`, snapped);
}

/** As incidentInAreaSql, for an area given as SQL for a SWEREF 99 TM geometry (a stored promise area, say). */
export async function incidentInGeometrySql(db: Db, geom: RawBuilder<unknown>, snapped: boolean): Promise<AreaCondition> {
  // An area of a town's size is read from the 500 m cells of incident_cell_idx, whose grid is this one
  // (AREA_GRID_M = INCIDENT_CELL_M, asserted by a test), whatever order the rows were imported in: cells the
  // area covers whole need no test of each incident, only those on its edge do.
  const cells = await cellsOfArea(db, geom);
  if (cells) {
    const inCells = incidentInListedCellsSql;
    if (snapped) return { inside: inCells(cells.centred), edge: null };
    const whole = new Set(cells.whole);
    return {
      inside: inCells(cells.whole),
      edge: { read: inCells(cells.meeting.filter((k) => !whole.has(k))), refine: sql`ST_Covers(${geom}, incident.geom)` },
    };
  }
  if (!snapped) return { inside: sql`ST_Covers(${geom}, incident.geom)`, edge: null };
  return {
    inside: sql`incident.geom && ST_Expand(${geom}, ${AREA_GRID_M}::float8) AND ST_Covers(${geom}, ${areaGridCentreSql(sql`incident.geom`)})`,
    edge: null,
  };
}

/**
 * SQL for the area (m²) of the fixed 500 m grid cells whose centres `area` covers, clipped to `within`: the
 * area an answer counted on the grid describes, so expected counts compare like with like.
 */
export function coveredCellsAreaSql(area: RawBuilder<unknown>, within: RawBuilder<unknown>): RawBuilder<unknown> {
  const g = AREA_GRID_M;
  return sql`coalesce((SELECT sum(ST_Area(ST_Intersection(ST_MakeEnvelope(c.cx - ${g / 2}::float8, c.cy - ${g / 2}::float8, c.cx + ${g / 2}::float8, c.cy + ${g / 2}::float8, 3006), ${within})))
      FROM (SELECT ${area} AS a) q,
           generate_series(floor(ST_XMin(q.a) / ${g}::float8)::bigint, floor(ST_XMax(q.a) / ${g}::float8)::bigint) gx,
           generate_series(floor(ST_YMin(q.a) / ${g}::float8)::bigint, floor(ST_YMax(q.a) / ${g}::float8)::bigint) gy,
           LATERAL (SELECT gx * ${g}::float8 + ${g / 2}::float8 AS cx, gy * ${g}::float8 + ${g / 2}::float8 AS cy) c
     WHERE ST_Covers(q.a, ST_SetSRID(ST_MakePoint(c.cx, c.cy), 3006))), 0)::float8`;
}
