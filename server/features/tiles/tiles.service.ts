import { sql } from 'kysely';
import { CATEGORIES } from '../../../shared/categories.ts';
import { pointAccess, type Role } from '../../../shared/roles.ts';
import type { Database, Db } from '../../infra/db.ts';
import { badRequest } from '../../infra/errors.ts';
import { districtExists } from '../districts/districts.queries.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Reuse } from '../cache/response-cache.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { getHotspots, type GridOptions } from '../hotspots/hotspots.service.ts';
import { pointCategoriesFor } from '../incidents/incident-points.service.ts';
import { findSurveyMarkTilePoints } from '../survey-marks/survey-marks.service.ts';
import { encodePointLayer, encodePolygonLayer, lonLatToTile, type TilePolygon } from './mvt-encoder.ts';
import { encodeTileWithPostgis, selectTilePoints, TILE_BUFFER, TILE_EXTENT, type TileQuery } from './tiles.queries.ts';

/** Points per tile at most; zoomed-out views use the aggregate layers instead. */
export const MAX_TILE_POINTS = 50_000;

export interface IncidentTile {
  body: Uint8Array;
  points: number;
  truncated: boolean;
}

/**
 * One vector tile of incident points for a viewer: categories gated and snapped per SPEC §6,
 * encoded by ST_AsMVT on a PostgreSQL server and by the JS encoder on PGlite (same bytes decoded),
 * and written to the audit log as every point-level request is.
 */
export async function getIncidentTile(
  database: Database, viewer: Viewer, filters: IncidentFilters,
  tile: { z: number; x: number; y: number; categoriesRequested: boolean; route: string },
  options: { encoder?: 'postgis' | 'js'; reuse?: Reuse } = {},
): Promise<IncidentTile> {
  requireAccess(viewer, CATEGORIES.some((c) => pointAccess(viewer.role, c.sensitivity) !== null), 'see incident points');
  if (filters.districtId !== null && !(await districtExists(database.db, filters.municipality, filters.districtId))) {
    throw badRequest('district', `no district ${filters.districtId} in municipality ${filters.municipality}`);
  }
  const { exact, snapped } = pointCategoriesFor(viewer, filters, tile.categoriesRequested);
  const query: TileQuery = {
    municipality: filters.municipality, z: tile.z, x: tile.x, y: tile.y, from: filters.from, to: filters.to,
    exactCategories: exact, snappedCategories: snapped, sources: filters.sources, withinDistrictId: filters.districtId, limit: MAX_TILE_POINTS + 1,
  };
  const encoder = options.encoder ?? (database.kind === 'postgres' ? 'postgis' : 'js');
  const compute = async (): Promise<IncidentTile & { bytes: number }> => {
    let body: Uint8Array;
    let found: number;
    if (encoder === 'postgis') {
      const { mvt, points } = await encodeTileWithPostgis(database.db, query, MAX_TILE_POINTS);
      body = mvt;
      found = points;
    } else {
      const rows = await selectTilePoints(database.db, query);
      body = encodePointLayer('incidents', TILE_EXTENT, rows.slice(0, MAX_TILE_POINTS).map((r) => ({
        x: r.tx, y: r.ty, properties: { category: r.category, source: r.source, occurred_on: r.occurred_on },
      })));
      found = rows.length;
    }
    return { body, points: Math.min(found, MAX_TILE_POINTS), truncated: found > MAX_TILE_POINTS, bytes: body.length };
  };
  const { body, points, truncated } = await (options.reuse ?? ((f) => f()))(compute);
  await recordAudit(database.db, viewer, {
    action: 'incident_tile', route: tile.route, municipality: filters.municipality, resultCount: points,
    filters: { z: tile.z, x: tile.x, y: tile.y, from: filters.from, to: filters.to, categories: [...exact, ...snapped], sources: filters.sources, district: filters.districtId },
  });
  return { body, points, truncated };
}

/** Layer name of the hotspot tiles and of the survey-mark tiles. */
export const HOTSPOT_LAYER = 'hotspots';
export const SURVEY_MARK_LAYER = 'survey_marks';

type HotspotSurface = Awaited<ReturnType<typeof getHotspots>>;

// Gi* is computed over the whole study area, not per tile: the dozen tiles of one map view share one
// surface. An entry lives a minute and is keyed by the data version, the filters and the role (which
// decides suppression), so it never outlives the data nor crosses a disclosure tier.
const SURFACE_TTL_MS = 60_000;
const SURFACE_ENTRIES = 32;
const surfaces = new Map<string, { at: number; value: Promise<HotspotSurface> }>();
const dbIds = new WeakMap<object, number>();
let nextDbId = 0;

async function hotspotSurface(
  db: Db, filters: IncidentFilters, role: Role, grid: GridOptions, beforeCompute: () => Promise<void>,
): Promise<HotspotSurface> {
  const version = await sql<{ version: string }>`SELECT version::text AS version FROM data_version WHERE municipality_code = ${filters.municipality}`.execute(db);
  if (!dbIds.has(db)) dbIds.set(db, ++nextDbId);
  const key = JSON.stringify([dbIds.get(db), version.rows[0]?.version ?? '0', filters, role, grid.cell, grid.band ?? null]);
  const now = Date.now();
  for (const [k, e] of surfaces) if (now - e.at > SURFACE_TTL_MS) surfaces.delete(k);
  const hit = surfaces.get(key);
  if (hit) return hit.value;
  await beforeCompute();
  const value = getHotspots(db, filters, role, grid);
  surfaces.set(key, { at: now, value });
  while (surfaces.size > SURFACE_ENTRIES) surfaces.delete(surfaces.keys().next().value!);
  value.catch(() => surfaces.delete(key));
  return value;
}

/**
 * One vector tile of the Gi* hexagons (layer "hotspots", polygons with i, j, count — "<5" where the role's
 * counts are suppressed — z, p, p_fdr, class): exactly the cells and numbers GET /api/stats/hotspots gives
 * the same viewer, clipped to the tile and its buffer. `beforeCompute` runs only when the surface is not
 * already at hand (the statistics rate limit). Encoded by the JS encoder on both backends, so they agree.
 */
export async function getHotspotTile(
  db: Db, role: Role, filters: IncidentFilters, grid: GridOptions, tile: { z: number; x: number; y: number },
  beforeCompute: () => Promise<void> = async () => {},
): Promise<{ body: Uint8Array; cells: number }> {
  const surface = await hotspotSurface(db, filters, role, grid, beforeCompute);
  const lo = -TILE_BUFFER, hi = TILE_EXTENT + TILE_BUFFER;
  const polygons: TilePolygon[] = [];
  for (const f of surface.features) {
    const parts = (f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates : [f.geometry.coordinates]) as [number, number][][][];
    for (const polygon of parts) {
      const rings = polygon.map((ring) => ring.map(([lon, lat]) => lonLatToTile(tile, TILE_EXTENT, lon, lat)));
      const xs = rings[0].map((p) => p[0]), ys = rings[0].map((p) => p[1]);
      if (Math.max(...xs) < lo || Math.min(...xs) > hi || Math.max(...ys) < lo || Math.min(...ys) > hi) continue;
      const { i, j, count, z, p, p_fdr } = f.properties;
      polygons.push({ rings, properties: { i, j, count, z, p, p_fdr, class: f.properties.class } });
    }
  }
  return { body: encodePolygonLayer(HOTSPOT_LAYER, TILE_EXTENT, polygons), cells: polygons.length };
}

/**
 * One vector tile of unsafe-place marks (layer "survey_marks", points with survey_id, reasons joined by "|"
 * as MVT has no lists, time_of_day) for a viewer whose role may see marks; comments never travel in tiles,
 * as they are moderated free text. Written to the audit log as every point-level request is.
 */
export async function getSurveyMarkTile(
  db: Db, viewer: Viewer, municipality: string,
  input: { survey?: number; reason?: string; time_of_day?: string },
  tile: { z: number; x: number; y: number; route: string },
): Promise<{ body: Uint8Array; points: number; truncated: boolean }> {
  const { rows, truncated } = await findSurveyMarkTilePoints(db, viewer, municipality, input, {
    z: tile.z, x: tile.x, y: tile.y, extent: TILE_EXTENT, buffer: TILE_BUFFER,
  });
  const body = encodePointLayer(SURVEY_MARK_LAYER, TILE_EXTENT, rows.map((r) => ({
    x: r.tx, y: r.ty, properties: { survey_id: r.survey_id, reasons: r.reasons.join('|'), time_of_day: r.time_of_day },
  })));
  await recordAudit(db, viewer, {
    action: 'survey_mark_tile', route: tile.route, municipality, resultCount: rows.length,
    filters: { z: tile.z, x: tile.x, y: tile.y, ...input },
  });
  return { body, points: rows.length, truncated };
}
