import { Type } from 'typebox';
import { EmergingHotspotsResponse, HotspotsResponse } from '../../../shared/hotspots.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { statsRateLimit } from '../disclosure/index.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { CELL_MAX_M, CELL_MIN_M, getEmergingHotspots, getHotspots, SLICES_MAX, SLICES_MIN } from './hotspots.service.ts';

const GridQuery = {
  cell: Type.Optional(Type.Number({ minimum: CELL_MIN_M, maximum: CELL_MAX_M, default: 200, description: 'hexagon edge length, metres' })),
  band: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'Gi* distance band between centroids, metres; default 3.5 × cell' })),
};

/** GET /api/stats/hotspots (Gi* per hexagon) and GET /api/stats/hotspots/emerging (space–time patterns). */
export async function hotspotRoutes(app: AppInstance) {
  app.get(
    '/api/stats/hotspots',
    {
      preHandler: statsRateLimit(app),
      schema: {
        tags: ['statistics'],
        summary: 'Getis–Ord Gi* hot and cold spots on a hexagon grid over the districts (WGS84 GeoJSON)',
        querystring: Type.Object({ ...IncidentFilterQuery, ...GridQuery }, { additionalProperties: false }),
        response: {
          200: HotspotsResponse,
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const { cell = 200, band, ...filterQuery } = request.query;
      const filters = await resolveIncidentFilters(app.database.db, filterQuery, request.viewer);
      reply.type('application/geo+json');
      return getHotspots(app.database.db, filters, request.viewer.role, { cell, band });
    },
  );

  app.get(
    '/api/stats/hotspots/emerging',
    {
      preHandler: statsRateLimit(app),
      schema: {
        tags: ['statistics'],
        summary: 'Emerging hot spots: Gi* per equal time slice and a Mann–Kendall pattern per hexagon',
        querystring: Type.Object(
          { ...IncidentFilterQuery, ...GridQuery, slices: Type.Optional(Type.Integer({ minimum: SLICES_MIN, maximum: SLICES_MAX, default: 6 })) },
          { additionalProperties: false },
        ),
        response: {
          200: EmergingHotspotsResponse,
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const { cell = 200, band, slices = 6, ...filterQuery } = request.query;
      const filters = await resolveIncidentFilters(app.database.db, filterQuery, request.viewer);
      reply.type('application/geo+json');
      return getEmergingHotspots(app.database.db, filters, request.viewer.role, { cell, band, slices });
    },
  );
}
