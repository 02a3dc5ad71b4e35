import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { getSurveyIndicators, listSurveysFor, parseBreakdown } from './surveys.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Survey = Type.Object({
  id: Type.Integer(), name: Type.String(), kind: Type.String(),
  conducted_from: Nullable(Type.String()), conducted_to: Nullable(Type.String()),
  responses: Type.Integer(), marks: Type.Integer(),
});

const Share = Type.Object({
  share: Nullable(Type.Number()), low: Nullable(Type.Number()), high: Nullable(Type.Number()),
  n: Nullable(Type.Integer()), n_eff: Nullable(Type.Number()), suppressed: Type.Boolean(),
});
const Index = Type.Object({
  value: Nullable(Type.Number()),
  level: Nullable(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')])),
  n: Nullable(Type.Integer()), suppressed: Type.Boolean(),
});
const Indicators = Type.Object({
  otrygg: Share, gar_aldrig_ut: Share, avstar_aktivitet: Share, oro_brott: Share,
  problems: Type.Record(Type.String(), Share),
  trygghetsindex: Index, problemindex: Index,
});
const Group = {
  n: Nullable(Type.Integer()),
  suppressed: Type.Boolean(),
  indicators: Nullable(Indicators),
};

/** GET /api/surveys and GET /api/surveys/{id}/indicators. */
export async function surveyRoutes(app: AppInstance) {
  app.get(
    '/api/surveys',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Safety surveys of a municipality with response and mark counts',
        querystring: Type.Object({ municipality: IncidentFilterQuery.municipality }, { additionalProperties: false }),
        response: { 200: Type.Object({ municipality: Type.String(), surveys: Type.Array(Survey) }), 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
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
          200: Type.Object({
            survey: Survey,
            municipality: Type.String(),
            by: Type.Array(Type.String()),
            level: Nullable(Type.String()),
            min_group_n: Type.Integer(),
            problem_codes: Type.Array(Type.String()),
            definitions: Type.Record(Type.String(), Type.String()),
            overall: Type.Object(Group),
            groups: Type.Array(Type.Object({
              key: Type.Object({
                district_id: Type.Optional(Nullable(Type.Integer())),
                district_name: Type.Optional(Nullable(Type.String())),
                gender: Type.Optional(Nullable(Type.String())),
                age_group: Type.Optional(Nullable(Type.String())),
              }),
              ...Group,
            })),
          }),
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
