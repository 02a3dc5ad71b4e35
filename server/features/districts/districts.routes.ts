import { Type } from 'typebox';
import { DistrictCollection, DistrictsQuery, DistrictStats, DistrictStatsQuery } from '../../../shared/districts.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { statsRateLimit } from '../disclosure/index.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { getDistrictStats } from './district-stats.service.ts';
import { listDistrictFeatures } from './districts.queries.ts';

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** GET /api/districts (GeoJSON) and GET /api/stats/districts (counts, rates, change). */
export async function districtRoutes(app: AppInstance) {
  app.get(
    '/api/districts',
    {
      schema: {
        tags: ['districts'],
        summary: 'District polygons (WGS84 GeoJSON) with population',
        querystring: Type.Object(
          { municipality: IncidentFilterQuery.municipality, ...DistrictsQuery },
          { additionalProperties: false },
        ),
        response: {
          200: DistrictCollection,
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const municipality = await resolveMunicipality(app.database.db, request.query.municipality, request.viewer);
      const rows = await listDistrictFeatures(app.database.db, municipality, request.query.kind);
      reply.type('application/geo+json');
      return {
        type: 'FeatureCollection' as const,
        features: rows.map(({ geometry, label_lon, label_lat, ...rest }) => ({
          type: 'Feature' as const,
          id: rest.id,
          geometry: JSON.parse(geometry),
          properties: { ...rest, label_point: label_lon === null || label_lat === null ? null : [round6(label_lon), round6(label_lat)] as [number, number] },
        })),
      };
    },
  );

  app.get(
    '/api/stats/districts',
    {
      preHandler: statsRateLimit(app),
      schema: {
        tags: ['statistics'],
        summary: 'Incident counts, rate per 1000 and change with an exact Poisson test, per district',
        querystring: Type.Object(
          { ...IncidentFilterQuery, ...DistrictStatsQuery },
          { additionalProperties: false },
        ),
        response: {
          200: DistrictStats,
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema,
        },
      },
    },
    async (request) => {
      const filters = await resolveIncidentFilters(app.database.db, request.query, request.viewer);
      return getDistrictStats(app.database.db, filters, { compare: request.query.compare ?? 'previous', level: request.query.level });
    },
  );
}
