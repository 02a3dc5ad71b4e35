import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { findSurveyMarks, MAX_MARKS } from './survey-marks.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

// Allow-list: the response carries these fields and nothing else.
const MarkFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }) }),
  properties: Type.Object({
    id: Type.Integer(),
    survey_id: Type.Integer(),
    district_id: Nullable(Type.Integer()),
    reasons: Type.Array(Type.String()),
    time_of_day: Nullable(Type.String()),
    comment: Nullable(Type.String()),
    comment_status: Type.Optional(Type.String()),
  }),
});

/** GET /api/survey-marks: unsafe-place marks with reasons, role-gated (SPEC §6) and audited. */
export async function surveyMarkRoutes(app: AppInstance) {
  app.get(
    '/api/survey-marks',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Places residents marked as unsafe, with reasons and time of day (role-gated; comments only once moderated)',
        querystring: Type.Object(
          {
            municipality: IncidentFilterQuery.municipality,
            district: IncidentFilterQuery.district,
            survey: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
            reason: Type.Optional(Type.String({ maxLength: 300, description: 'comma list of reasons; marks with any of them' })),
            time_of_day: Type.Optional(Type.String({ maxLength: 50, description: 'comma list of dag, kvall, natt' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            type: Type.Literal('FeatureCollection'), municipality: Type.String(), count: Type.Integer(), truncated: Type.Boolean(),
            limit: Type.Integer(), features: Type.Array(MarkFeature),
          }),
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const viewer = request.viewer;
      let resultCount: number | null = null;
      let outcome = 'denied';
      // The audit row names the municipality resolved, not only the one the request named.
      let audited: string | null = request.query.municipality ?? null;
      try {
        const municipality = await resolveMunicipality(app.database.db, request.query.municipality, viewer);
        audited = municipality;
        const { rows, truncated, showsPending } = await findSurveyMarks(app.database.db, viewer, municipality, request.query);
        resultCount = rows.length;
        outcome = 'ok';
        reply.type('application/geo+json');
        return {
          type: 'FeatureCollection' as const, municipality, count: rows.length, truncated, limit: MAX_MARKS,
          features: rows.map((r) => ({
            type: 'Feature' as const,
            id: r.id,
            geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
            properties: {
              id: r.id, survey_id: r.survey_id, district_id: r.district_id, reasons: r.reasons, time_of_day: r.time_of_day,
              comment: r.comment, ...(showsPending ? { comment_status: r.comment_status } : {}),
            },
          })),
        };
      } finally {
        await recordAudit(app.database.db, viewer, {
          action: `survey_marks.${outcome}`, route: '/api/survey-marks', municipality: audited,
          filters: { ...request.query }, resultCount, ip: request.ip,
        });
      }
    },
  );
}
