import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { snapTo100mCellCentre, stockholmMidnight } from '../../infra/postgis.ts';

/** Tile grid of the vector tiles: 4096 units a side, 64 units of buffer (as ST_AsMVT's defaults). */
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;

export interface TileQuery {
  municipality: string;
  z: number;
  x: number;
  y: number;
  from: string;
  to: string;
  exactCategories: string[];
  snappedCategories: string[];
  sources: string[] | null;
  /** Only incidents in this district or a finer one below it; null for the whole municipality. */
  withinDistrictId: number | null;
  limit: number;
}

export interface TilePointRow {
  tx: number;
  ty: number;
  category: string;
  source: string;
  /** Local date (Europe/Stockholm), 'YYYY-MM-DD'. */
  occurred_on: string;
}

/**
 * Incident points of one web-mercator tile in integer tile coordinates. The transform is plain SQL,
 * identical on both backends, so ST_AsMVT (PostgreSQL) and the JS encoder (PGlite) encode the same
 * geometry; snapped categories are moved to their 100 m cell centre before anything else.
 */
function tilePointsSql(q: TileQuery): RawBuilder<TilePointRow> {
  const all = [...q.exactCategories, ...q.snappedCategories];
  return sql<TilePointRow>`
    WITH RECURSIVE within_district AS (
      SELECT id FROM district WHERE municipality_code = ${q.municipality} AND id = ${q.withinDistrictId ?? 0}::bigint
      UNION ALL
      SELECT d.id FROM district d JOIN within_district w ON d.parent_id = w.id WHERE d.municipality_code = ${q.municipality}
    ),
    bounds AS (
      SELECT ST_XMin(e) AS x0, ST_XMax(e) AS x1, ST_YMin(e) AS y0, ST_YMax(e) AS y1,
             -- Buffer plus room for a 100 m snap (≤ 300 web-mercator units at Swedish latitudes).
             ST_Transform(ST_Expand(e, (ST_XMax(e) - ST_XMin(e)) * ${TILE_BUFFER + 1}::float8 / ${TILE_EXTENT}::float8 + 300), 3006) AS filter
        FROM (SELECT ST_TileEnvelope(${q.z}::int, ${q.x}::int, ${q.y}::int) AS e) t
    ),
    published AS (
      SELECT i.id, i.category_code AS category, i.source, i.district_id,
             to_char(i.occurred_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS occurred_on,
             (i.category_code = ANY(${q.snappedCategories}::text[])) AS snapped,
             CASE WHEN i.category_code = ANY(${q.snappedCategories}::text[]) THEN ${snapTo100mCellCentre(sql`i.geom`)} ELSE i.geom END AS g
        FROM incident i, bounds b
       WHERE i.municipality_code = ${q.municipality}
         AND i.geom && b.filter
         AND i.category_code = ANY(${all}::text[])
         ${q.sources ? sql`AND i.source = ANY(${q.sources}::text[])` : sql``}
         AND i.occurred_at >= ${stockholmMidnight(q.from)}
         AND i.occurred_at <  ${stockholmMidnight(q.to)}
    ),
    -- The district filter tests the published point, as the points route does: testing the exact point
    -- of a snapped category would let choosing districts undo the snapping.
    projected AS (
      SELECT p.id, p.category, p.source, p.occurred_on, ST_Transform(p.g, 3857) AS g
        FROM published p
       ${q.withinDistrictId !== null ? sql`WHERE CASE WHEN p.snapped
             THEN EXISTS (SELECT 1 FROM district d WHERE d.id IN (SELECT id FROM within_district) AND ST_Covers(d.geom, p.g))
             ELSE p.district_id IN (SELECT id FROM within_district) END` : sql``}
    ),
    in_tile AS (
      SELECT p.id, p.category, p.source, p.occurred_on,
             round((ST_X(p.g) - b.x0) * ${TILE_EXTENT}::float8 / (b.x1 - b.x0))::int AS tx,
             round((b.y1 - ST_Y(p.g)) * ${TILE_EXTENT}::float8 / (b.y1 - b.y0))::int AS ty
        FROM projected p, bounds b
    )
    SELECT tx, ty, category, source, occurred_on FROM in_tile
     WHERE tx BETWEEN ${-TILE_BUFFER}::int AND ${TILE_EXTENT + TILE_BUFFER}::int
       AND ty BETWEEN ${-TILE_BUFFER}::int AND ${TILE_EXTENT + TILE_BUFFER}::int
     ORDER BY occurred_on, id
     LIMIT ${q.limit}::int`;
}

/** The points of a tile as rows (for the PGlite encoder and for tests). */
export async function selectTilePoints(db: Db, q: TileQuery): Promise<TilePointRow[]> {
  return (await tilePointsSql(q).execute(db)).rows;
}

/** The tile encoded by PostGIS's ST_AsMVT (PostgreSQL server only). */
export async function encodeTileWithPostgis(db: Db, q: TileQuery): Promise<Uint8Array> {
  const row = await sql<{ mvt: Uint8Array | null }>`
    SELECT ST_AsMVT(t, 'incidents', ${TILE_EXTENT}::int, 'geom') AS mvt
      FROM (SELECT ST_MakePoint(p.tx, p.ty) AS geom, p.category, p.source, p.occurred_on
              FROM (${tilePointsSql(q)}) p) t`.execute(db);
  return row.rows[0]?.mvt ?? new Uint8Array(0);
}
