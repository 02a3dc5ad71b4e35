import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { statsRateLimit } from '../disclosure/index.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { DEFAULT_SPACE_BANDS, DEFAULT_TIME_BANDS, getNearRepeat, MAX_SPACE_BAND_M, parseBands } from './near-repeat.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Grid = (t: Parameters<typeof Type.Array>[0]) => Type.Array(Type.Array(t));

/** GET /api/stats/near-repeat: Knox near-repeat test for a burglary-type category. */
export async function nearRepeatRoutes(app: AppInstance) {
  app.get(
    '/api/stats/near-repeat',
    {
      preHandler: statsRateLimit(app),
      schema: {
        tags: ['statistics'],
        summary: 'Knox near-repeat test (space × time bands, Monte Carlo p) for burglary-type categories',
        querystring: Type.Object(
          {
            ...IncidentFilterQuery,
            category: Type.Optional(Type.String({ maxLength: 100, default: 'inbrott_bostad' })),
            space_bands: Type.Optional(Type.String({ maxLength: 100, description: 'metres, comma list, default 100,200,400' })),
            time_bands: Type.Optional(Type.String({ maxLength: 100, description: 'days, comma list, default 7,14,28' })),
            iterations: Type.Optional(Type.Integer({ minimum: 19, maximum: 999, default: 99 })),
            seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, default: 1 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            municipality: Type.String(),
            period: Type.Object({ from: Type.String(), to: Type.String() }),
            category: Type.String(),
            category_name: Type.String(),
            district: Nullable(Type.Integer()),
            events: Nullable(Type.Integer()),
            pairs: Nullable(Type.Number()),
            iterations: Type.Integer(),
            seed: Type.Integer(),
            space_bands_m: Type.Array(Type.Number()),
            time_bands_days: Type.Array(Type.Number()),
            rows: Type.Array(Type.String()),
            columns: Type.Array(Type.String()),
            observed: Grid(Nullable(Type.Number())),
            expected: Grid(Nullable(Type.Number())),
            ratio: Grid(Nullable(Type.Number())),
            p: Grid(Type.Number()),
            significant: Grid(Type.Boolean()),
            method: Type.String(),
          }),
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema,
        },
      },
    },
    async (request) => {
      const { space_bands, time_bands, iterations = 99, seed = 1, ...filterQuery } = request.query;
      const spaceBands = parseBands(space_bands, 'space_bands', DEFAULT_SPACE_BANDS, MAX_SPACE_BAND_M);
      const timeBands = parseBands(time_bands, 'time_bands', DEFAULT_TIME_BANDS, 365);
      const filters = await resolveIncidentFilters(app.database.db, { ...filterQuery, category: filterQuery.category ?? 'inbrott_bostad' }, request.viewer);
      return getNearRepeat(app.database.db, filters, request.viewer.role, { spaceBands, timeBands, iterations, seed });
    },
  );
}
