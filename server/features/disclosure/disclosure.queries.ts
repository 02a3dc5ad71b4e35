import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { drawnAreaSql, type DrawnArea } from '../incidents/incident-filter-sql.ts';
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
 * The condition (on table alias `incident`) that an incident lies in a drawn area: exactly for police, and for
 * every other role when the centre of its 500 m grid cell lies in the area, so an answer describes whole
 * published cells and moving an edge by a few metres changes nothing. The area is an init plan, built once.
 */
export function incidentInAreaSql(area: DrawnArea, snapped: boolean): RawBuilder<unknown> {
  const geom = sql`(SELECT ${drawnAreaSql(area)})`;
  if (!snapped) return sql`ST_Covers(${geom}, incident.geom)`;
  return sql`incident.geom && ST_Expand(${geom}, ${AREA_GRID_M}::float8)
             AND ST_Covers(${geom}, ${areaGridCentreSql(sql`incident.geom`)})`;
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
