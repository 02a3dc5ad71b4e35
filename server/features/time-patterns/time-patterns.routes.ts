import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { statsRateLimit } from '../disclosure/index.ts';
import { parseDrawnArea } from '../incidents/incident-filter-sql.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { getTimePatterns } from './time-patterns.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Count = Nullable(Type.Integer());

const TimePatterns = Type.Object({
  municipality: Type.String(),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  scope: Type.Union([Type.Literal('municipality'), Type.Literal('district'), Type.Literal('area')]),
  district: Nullable(Type.Integer()),
  categories: Type.Array(Type.String()),
  time_zone: Type.String(),
  total: Count,
  unlocated: Count,
  weekdays: Type.Array(Type.String()),
  weekday_hour: Type.Array(Type.Array(Count)),
  monthly: Type.Array(Type.Object({ month: Type.String(), count: Count })),
  arshjul: Type.Object({
    months: Type.Array(Type.Integer()),
    categories: Type.Array(Type.Object({ code: Type.String(), name_sv: Type.String(), counts: Type.Array(Count) })),
  }),
  suppressed_cells: Type.Integer(),
  notes: Type.Array(Type.String()),
});

const responses = { 200: TimePatterns, 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema };

/** GET /api/stats/time (municipality, district or `area` as GeoJSON text) and POST /api/stats/time (area as a JSON object). */
export async function timePatternRoutes(app: AppInstance) {
  app.get(
    '/api/stats/time',
    {
      preHandler: statsRateLimit(app),
      schema: {
        tags: ['statistics'],
        summary: 'Weekday × hour matrix, monthly series and årshjul (Europe/Stockholm local time)',
        querystring: Type.Object(
          { ...IncidentFilterQuery, area: Type.Optional(Type.String({ maxLength: 200_000, description: 'GeoJSON Polygon/MultiPolygon, WGS84' })) },
          { additionalProperties: false },
        ),
        response: responses,
      },
    },
    async (request) => {
      const { area, ...filterQuery } = request.query;
      const drawn = area === undefined ? null : parseDrawnArea(area);
      const filters = await resolveIncidentFilters(app.database.db, filterQuery, request.viewer);
      return getTimePatterns(app.database.db, filters, drawn, request.viewer.role);
    },
  );

  app.post(
    '/api/stats/time',
    {
      preHandler: statsRateLimit(app),
      schema: {
        tags: ['statistics'],
        summary: 'Time patterns for a drawn area given as a GeoJSON geometry in the body',
        body: Type.Object({ ...IncidentFilterQuery, area: Type.Unknown() }, { additionalProperties: false }),
        response: responses,
      },
    },
    async (request) => {
      const { area, ...filterQuery } = request.body;
      const drawn = parseDrawnArea(area);
      const filters = await resolveIncidentFilters(app.database.db, filterQuery, request.viewer);
      return getTimePatterns(app.database.db, filters, drawn, request.viewer.role);
    },
  );
}
