import { Type } from 'typebox';
import { TimePatternsResponse } from '../../../shared/time-patterns.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { statsRateLimit } from '../disclosure/index.ts';
import { parseDrawnArea } from '../incidents/incident-filter-sql.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { getTimePatterns } from './time-patterns.service.ts';

const responses = { 200: TimePatternsResponse, 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema };

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
