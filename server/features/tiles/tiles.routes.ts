import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { badRequest } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { getIncidentTile } from './tiles.service.ts';

/** GET /api/tiles/incidents/{z}/{x}/{y}.mvt: incident points as Mapbox Vector Tiles, role-gated and audited. */
export async function tileRoutes(app: AppInstance) {
  app.get(
    '/api/tiles/incidents/:z/:x/:y.mvt',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incident points as a vector tile (layer "incidents": category, source, occurred_on)',
        params: Type.Object({
          z: Type.Integer({ minimum: 0, maximum: 22 }),
          x: Type.Integer({ minimum: 0 }),
          y: Type.Integer({ minimum: 0 }),
        }),
        querystring: Type.Object(IncidentFilterQuery, { additionalProperties: false }),
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/vnd.mapbox-vector-tile' }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params;
      const size = 2 ** z;
      if (x >= size) throw badRequest('x', `must be below ${size} at zoom ${z}`);
      if (y >= size) throw badRequest('y', `must be below ${size} at zoom ${z}`);
      const filters = await resolveIncidentFilters(app.database.db, request.query, request.viewer, { purpose: 'points' });
      const tile = await getIncidentTile(app.database, request.viewer, filters, {
        z, x, y, categoriesRequested: request.query.category !== undefined, route: '/api/tiles/incidents',
      });
      reply
        .type('application/vnd.mapbox-vector-tile')
        .header('cache-control', 'private, no-store')
        .header('x-lagesbild-points', String(tile.points))
        .header('x-lagesbild-truncated', String(tile.truncated));
      return reply.send(Buffer.from(tile.body));
    },
  );
}
