import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { snapTo100mCellCentre, stockholmMidnight } from '../../infra/postgis.ts';
import { cellsOfLonLatBox, incidentInCellsSql, MAX_LISTED_CELLS } from '../incidents/incident-cells.ts';

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
  id: number;
  tx: number;
  ty: number;
  category: string;
  source: string;
  /** Local date (Europe/Stockholm), 'YYYY-MM-DD'. */
  occurred_on: string;
}

/** The tile's [west, south, east, north] in WGS84 degrees. */
function tileLonLatBox(z: number, x: number, y: number): number[] {
  const n = 2 ** z;
  const lat = (row: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / n))) * 180) / Math.PI;
  return [(x / n) * 360 - 180, lat(y + 1), ((x + 1) / n) * 360 - 180, lat(y)];
}

/**
 * Incident points of one web-mercator tile in integer tile coordinates. The transform is plain SQL,
 * identical on both backends, so ST_AsMVT (PostgreSQL) and the JS encoder (PGlite) encode the same
 * geometry; snapped categories are moved to their 100 m cell centre before anything else. A tile of the
 * town reads its incidents from the 500 m cells of incident_cell_idx (index-only, whatever the import order);
 * a zoomed-out tile through the GiST index.
 */
function tilePointsSql(q: TileQuery): RawBuilder<TilePointRow> {
  const all = [...q.exactCategories, ...q.snappedCategories];
  const byCells = cellsOfLonLatBox(tileLonLatBox(q.z, q.x, q.y)) * 2 <= MAX_LISTED_CELLS;
  return sql<TilePointRow>`
    WITH RECURSIVE within_district AS (
      SELECT id FROM district WHERE municipality_code = ${q.municipality} AND id = ${q.withinDistrictId ?? 0}::bigint
      UNION ALL
      SELECT d.id FROM district d JOIN within_district w ON d.parent_id = w.id WHERE d.municipality_code = ${q.municipality}
    ),
    bounds AS (
      SELECT ST_XMin(e) AS x0, ST_XMax(e) AS x1, ST_YMin(e) AS y0, ST_YMax(e) AS y1,
             -- Buffer plus room for a 100 m snap (≤ 300 web-mercator units at Swedish latitudes) when a category is snapped.
             ST_Transform(ST_Expand(e, (ST_XMax(e) - ST_XMin(e)) * ${TILE_BUFFER + 1}::float8 / ${TILE_EXTENT}::float8
                                      + ${q.snappedCategories.length ? 300 : 0}::float8), 3006) AS filter
        FROM (SELECT ST_TileEnvelope(${q.z}::int, ${q.x}::int, ${q.y}::int) AS e) t
    ),
    published AS (
      SELECT incident.id, incident.category_code AS category, incident.source, incident.district_id,
             (incident.occurred_at AT TIME ZONE 'Europe/Stockholm')::date AS occurred_on,
             (incident.category_code = ANY(${q.snappedCategories}::text[])) AS snapped,
             CASE WHEN incident.category_code = ANY(${q.snappedCategories}::text[]) THEN ${snapTo100mCellCentre(sql`incident.geom`)} ELSE incident.geom END AS g
        FROM incident, bounds b
       WHERE incident.municipality_code = ${q.municipality}
         AND ${byCells ? sql`${incidentInCellsSql(sql`(SELECT filter FROM bounds)`)}
             AND ST_X(incident.geom) BETWEEN ST_XMin(b.filter) AND ST_XMax(b.filter)
             AND ST_Y(incident.geom) BETWEEN ST_YMin(b.filter) AND ST_YMax(b.filter)` : sql`incident.geom && b.filter`}
         AND incident.category_code = ANY(${all}::text[])
         ${q.sources ? sql`AND incident.source = ANY(${q.sources}::text[])` : sql``}
         AND incident.occurred_at >= ${stockholmMidnight(q.from)}
         AND incident.occurred_at <  ${stockholmMidnight(q.to)}
    ),
    -- The district filter tests the published point, as the points route does: testing the exact point
    -- of a snapped category would let choosing districts undo the snapping.
    -- Materialised: the transform is evaluated once per row, not once for every use of tx and ty below.
    projected AS MATERIALIZED (
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
    SELECT id, tx, ty, category, source, to_char(occurred_on, 'YYYY-MM-DD') AS occurred_on FROM in_tile
     WHERE tx BETWEEN ${-TILE_BUFFER}::int AND ${TILE_EXTENT + TILE_BUFFER}::int
       AND ty BETWEEN ${-TILE_BUFFER}::int AND ${TILE_EXTENT + TILE_BUFFER}::int
     ORDER BY in_tile.occurred_on, in_tile.id
     LIMIT ${q.limit}::int`;
}

/** The points of a tile as rows (for the PGlite encoder and for tests). */
export async function selectTilePoints(db: Db, q: TileQuery): Promise<TilePointRow[]> {
  return (await tilePointsSql(q).execute(db)).rows;
}

/**
 * The tile encoded by PostGIS's ST_AsMVT (PostgreSQL server only) from the first `limit` points, and how many
 * points the query found (at most `q.limit`, so a caller asking one more than it encodes learns of truncation),
 * in one pass over the incidents.
 */
export async function encodeTileWithPostgis(db: Db, q: TileQuery, limit: number): Promise<{ mvt: Uint8Array; points: number }> {
  const row = await sql<{ mvt: Uint8Array | null; points: number }>`
    WITH points AS MATERIALIZED (${tilePointsSql(q)})
    SELECT (SELECT count(*)::int FROM points) AS points,
           (SELECT ST_AsMVT(t, 'incidents', ${TILE_EXTENT}::int, 'geom')
              FROM (SELECT ST_MakePoint(p.tx, p.ty) AS geom, p.category, p.source, p.occurred_on
                      FROM points p ORDER BY p.occurred_on, p.id LIMIT ${limit}::int) t) AS mvt`.execute(db);
  return { mvt: row.rows[0]?.mvt ?? new Uint8Array(0), points: row.rows[0]?.points ?? 0 };
}
