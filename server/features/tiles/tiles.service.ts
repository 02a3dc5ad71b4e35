import { CATEGORIES } from '../../../shared/categories.ts';
import { pointAccess } from '../../../shared/roles.ts';
import type { Database } from '../../infra/db.ts';
import { badRequest } from '../../infra/errors.ts';
import { districtExists } from '../districts/districts.queries.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { pointCategoriesFor } from '../incidents/incident-points.service.ts';
import { encodePointLayer } from './mvt-encoder.ts';
import { encodeTileWithPostgis, selectTilePoints, TILE_EXTENT, type TileQuery } from './tiles.queries.ts';

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
  options: { encoder?: 'postgis' | 'js' } = {},
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
  const rows = await selectTilePoints(database.db, query);
  const truncated = rows.length > MAX_TILE_POINTS;
  const kept = truncated ? rows.slice(0, MAX_TILE_POINTS) : rows;
  const encoder = options.encoder ?? (database.kind === 'postgres' ? 'postgis' : 'js');
  const body = encoder === 'postgis'
    ? await encodeTileWithPostgis(database.db, { ...query, limit: MAX_TILE_POINTS })
    : encodePointLayer('incidents', TILE_EXTENT, kept.map((r) => ({ x: r.tx, y: r.ty, properties: { category: r.category, source: r.source, occurred_on: r.occurred_on } })));
  await recordAudit(database.db, viewer, {
    action: 'incident_tile', route: tile.route, municipality: filters.municipality, resultCount: kept.length,
    filters: { z: tile.z, x: tile.x, y: tile.y, from: filters.from, to: filters.to, categories: [...exact, ...snapped], sources: filters.sources, district: filters.districtId },
  });
  return { body, points: kept.length, truncated };
}
