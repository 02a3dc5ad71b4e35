import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { badRequest } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { statsRateLimit } from '../disclosure/index.ts';
import { CELL_MAX_M, CELL_MIN_M } from '../hotspots/hotspots.service.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { getHotspotTile, getIncidentTile, getSurveyMarkTile } from './tiles.service.ts';

const TileParams = Type.Object({
  z: Type.Integer({ minimum: 0, maximum: 22 }),
  x: Type.Integer({ minimum: 0 }),
  y: Type.Integer({ minimum: 0 }),
});

const MvtBody = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/vnd.mapbox-vector-tile' });
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

function checkTile(z: number, x: number, y: number): void {
  const size = 2 ** z;
  if (x >= size) throw badRequest('x', `must be below ${size} at zoom ${z}`);
  if (y >= size) throw badRequest('y', `must be below ${size} at zoom ${z}`);
}

/**
 * Vector tiles (Mapbox Vector Tile 2.1) of incident points, Gi* hotspot hexagons and unsafe-place marks,
 * role-gated as their JSON routes. Cache headers come from the response cache
 * (server/features/cache/response-cache.ts): an ETag over route, tile, filters, disclosure tier,
 * municipality, day and data version, `private, no-cache`, and 304 on If-None-Match. Hotspot tiles
 * (aggregates) are answered from the cache; an incident tile's handler runs and is audited on every request,
 * but its encoding is shared by identical requests (same key).
 */
export async function tileRoutes(app: AppInstance) {
  app.get(
    '/api/tiles/incidents/:z/:x/:y.mvt',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incident points as a vector tile (layer "incidents": category, source, occurred_on)',
        params: TileParams,
        querystring: Type.Object(IncidentFilterQuery, { additionalProperties: false }),
        response: { 200: MvtBody, ...Problems },
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params;
      checkTile(z, x, y);
      const filters = await resolveIncidentFilters(app.database.db, request.query, request.viewer, { purpose: 'points' });
      const tile = await getIncidentTile(app.database, request.viewer, filters, {
        z, x, y, categoriesRequested: request.query.category !== undefined, route: '/api/tiles/incidents',
      }, { reuse: app.responseCache.reuse(request) });
      reply
        .type('application/vnd.mapbox-vector-tile')
        .header('x-lagesbild-points', String(tile.points))
        .header('x-lagesbild-truncated', String(tile.truncated));
      return reply.send(Buffer.from(tile.body));
    },
  );

  app.get(
    '/api/tiles/hotspots/:z/:x/:y.mvt',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Gi* hot and cold spots as a vector tile (layer "hotspots": hexagons with i, j, count, z, p, p_fdr, class)',
        params: TileParams,
        querystring: Type.Object({
          ...IncidentFilterQuery,
          cell: Type.Optional(Type.Number({ minimum: CELL_MIN_M, maximum: CELL_MAX_M, default: 200, description: 'hexagon edge length, metres' })),
          band: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'Gi* distance band between centroids, metres; default 3.5 × cell' })),
        }, { additionalProperties: false }),
        response: { 200: MvtBody, ...Problems, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params;
      checkTile(z, x, y);
      const { cell = 200, band, ...filterQuery } = request.query;
      const filters = await resolveIncidentFilters(app.database.db, filterQuery, request.viewer);
      // The statistics rate limit counts Gi* computations, not the dozen tiles one map view shares.
      const limit = statsRateLimit(app);
      const tile = await getHotspotTile(app.database.db, request.viewer.role, filters, { cell, band }, { z, x, y }, () => limit(request, reply));
      reply.type('application/vnd.mapbox-vector-tile').header('x-lagesbild-cells', String(tile.cells));
      return reply.send(Buffer.from(tile.body));
    },
  );

  app.get(
    '/api/tiles/survey-marks/:z/:x/:y.mvt',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Unsafe-place marks as a vector tile (layer "survey_marks": survey_id, reasons joined by "|", time_of_day; no comments)',
        params: TileParams,
        querystring: Type.Object({
          municipality: IncidentFilterQuery.municipality,
          survey: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
          reason: Type.Optional(Type.String({ maxLength: 300, description: 'comma list of reasons; marks with any of them' })),
          time_of_day: Type.Optional(Type.String({ maxLength: 50, description: 'comma list of dag, kvall, natt' })),
        }, { additionalProperties: false }),
        response: { 200: MvtBody, ...Problems },
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params;
      checkTile(z, x, y);
      const { municipality: asked, ...input } = request.query;
      const municipality = await resolveMunicipality(app.database.db, asked, request.viewer);
      const tile = await getSurveyMarkTile(app.database.db, request.viewer, municipality, input, { z, x, y, route: '/api/tiles/survey-marks' });
      reply
        .type('application/vnd.mapbox-vector-tile')
        .header('x-lagesbild-points', String(tile.points))
        .header('x-lagesbild-truncated', String(tile.truncated));
      return reply.send(Buffer.from(tile.body));
    },
  );
}
