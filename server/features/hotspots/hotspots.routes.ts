import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { statsRateLimit } from '../disclosure/index.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { CELL_MAX_M, CELL_MIN_M, getEmergingHotspots, getHotspots, SLICES_MAX, SLICES_MIN } from './hotspots.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Count = Type.Union([Type.Integer(), Type.Literal('<5')]);
const GiClass = Type.Union([
  Type.Literal('hot99'), Type.Literal('hot95'), Type.Literal('hot90'), Type.Literal('ns'),
  Type.Literal('cold90'), Type.Literal('cold95'), Type.Literal('cold99'),
]);
const Pattern = Type.Union([
  Type.Literal('new'), Type.Literal('intensifying'), Type.Literal('persistent'),
  Type.Literal('diminishing'), Type.Literal('sporadic'), Type.Literal('no_pattern'),
]);
const Geometry = Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) });
const Period = Type.Object({ from: Type.String(), to: Type.String() });

const GridQuery = {
  cell: Type.Optional(Type.Number({ minimum: CELL_MIN_M, maximum: CELL_MAX_M, default: 200, description: 'hexagon edge length, metres' })),
  band: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'Gi* distance band between centroids, metres; default 3.5 × cell' })),
};

const Meta = {
  municipality: Type.String(),
  period: Period,
  categories: Type.Array(Type.String()),
  cell_m: Type.Number(),
  band_m: Type.Number(),
  n_cells: Type.Integer(),
  method: Type.String(),
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
          200: Type.Object({
            type: Type.Literal('FeatureCollection'),
            ...Meta,
            total: Count,
            features: Type.Array(Type.Object({
              type: Type.Literal('Feature'),
              geometry: Geometry,
              properties: Type.Object({
                i: Type.Integer(), j: Type.Integer(), count: Count,
                z: Nullable(Type.Number()), p: Nullable(Type.Number()), p_fdr: Nullable(Type.Number()), class: GiClass,
              }),
            })),
          }),
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
          200: Type.Object({
            type: Type.Literal('FeatureCollection'),
            ...Meta,
            slices: Type.Array(Period),
            features: Type.Array(Type.Object({
              type: Type.Literal('Feature'),
              geometry: Geometry,
              properties: Type.Object({
                i: Type.Integer(), j: Type.Integer(), count: Count, pattern: Pattern,
                slice_z: Type.Array(Nullable(Type.Number())), slice_class: Type.Array(GiClass), slice_counts: Type.Array(Nullable(Count), { description: 'null where counts are suppressed for your role' }),
              }),
            })),
          }),
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
