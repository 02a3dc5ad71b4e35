import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { getDistrictStats } from './district-stats.service.ts';
import { listDistrictFeatures } from './districts.queries.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const KindSchema = Type.Union([Type.Literal('kommundel'), Type.Literal('stadsdel'), Type.Literal('omrade')]);

const DistrictFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }),
  properties: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    kind: Type.String(),
    parent_id: Nullable(Type.Integer()),
    population: Nullable(Type.Integer()),
    population_by_gender: Nullable(Type.Record(Type.String(), Type.Number())),
    population_by_age: Nullable(Type.Record(Type.String(), Type.Number())),
  }),
});

export const DistrictStat = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  parent_id: Nullable(Type.Integer()),
  population: Nullable(Type.Integer()),
  count: Nullable(Type.Integer()),
  rate_per_1000: Nullable(Type.Number()),
  previous_count: Nullable(Type.Integer()),
  change_pct: Nullable(Type.Number()),
  change_significant: Nullable(Type.Boolean()),
  p_value: Nullable(Type.Number()),
  suppressed: Type.Boolean(),
  suppression: Nullable(Type.Union([Type.Literal('small'), Type.Literal('complementary')], { description: 'small = "<5"; complementary = hidden so a small count cannot be worked out by difference' })),
});

const Period = Type.Object({ from: Type.String(), to: Type.String() });

/** The answer of GET /api/stats/districts: the allow-list of what district statistics may publish (also used by exports). */
export const DistrictStatsAnswer = Type.Object({
  municipality: Type.String(),
  period: Period,
  comparison: Type.Object({ compare: Type.String(), from: Type.String(), to: Type.String() }),
  level: Nullable(Type.String()),
  categories: Type.Array(Type.String()),
  districts: Type.Array(DistrictStat),
  unlocated: Nullable(Type.Integer()),
  unlocated_suppressed: Type.Boolean(),
});

/** GET /api/districts (GeoJSON) and GET /api/stats/districts (counts, rates, change). */
export async function districtRoutes(app: AppInstance) {
  app.get(
    '/api/districts',
    {
      schema: {
        tags: ['districts'],
        summary: 'District polygons (WGS84 GeoJSON) with population',
        querystring: Type.Object(
          { municipality: IncidentFilterQuery.municipality, kind: Type.Optional(KindSchema) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(DistrictFeature) }),
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
        features: rows.map(({ geometry, ...properties }) => ({
          type: 'Feature' as const,
          id: properties.id,
          geometry: JSON.parse(geometry),
          properties,
        })),
      };
    },
  );

  app.get(
    '/api/stats/districts',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Incident counts, rate per 1000 and change with an exact Poisson test, per district',
        querystring: Type.Object(
          {
            ...IncidentFilterQuery,
            compare: Type.Optional(Type.Union([Type.Literal('previous'), Type.Literal('year')], { default: 'previous' })),
            level: Type.Optional(KindSchema),
          },
          { additionalProperties: false },
        ),
        response: {
          200: DistrictStatsAnswer,
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema,
        },
      },
    },
    async (request) => {
      const filters = await resolveIncidentFilters(app.database.db, request.query, request.viewer);
      return getDistrictStats(app.database.db, filters, { compare: request.query.compare ?? 'previous', level: request.query.level });
    },
  );
}
