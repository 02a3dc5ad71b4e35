import { Type } from 'typebox';
import { SurveyIndicatorsResponse, SurveyListResponse } from '../../../shared/surveys.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { getSurveyIndicators, listSurveysFor, parseBreakdown } from './surveys.service.ts';

/** GET /api/surveys and GET /api/surveys/{id}/indicators. */
export async function surveyRoutes(app: AppInstance) {
  app.get(
    '/api/surveys',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Safety surveys of a municipality with response and mark counts',
        querystring: Type.Object({ municipality: IncidentFilterQuery.municipality }, { additionalProperties: false }),
        response: { 200: SurveyListResponse, 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => listSurveysFor(app.database.db, request.viewer, request.query.municipality),
  );

  app.get(
    '/api/surveys/:id/indicators',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Survey indicators (SPEC §4.3) with 95 % Wilson intervals and n, by district, gender and age group; n < 10 suppressed',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
        querystring: Type.Object(
          {
            municipality: IncidentFilterQuery.municipality,
            by: Type.Optional(Type.String({ maxLength: 100, description: 'comma list of district, gender, age_group' })),
            level: Type.Optional(Type.Union([Type.Literal('kommundel'), Type.Literal('stadsdel'), Type.Literal('omrade')])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: SurveyIndicatorsResponse,
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema,
        },
      },
    },
    async (request) => {
      const by = parseBreakdown(request.query.by);
      return getSurveyIndicators(app.database.db, request.viewer, request.params.id, { by, level: request.query.level, municipality: request.query.municipality });
    },
  );
}
