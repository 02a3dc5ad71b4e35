import { Type, type Static } from 'typebox';
import { Nullable } from './schema-kit.ts';

/**
 * Surveys (SPEC §4.3): the answers of GET /api/surveys and GET /api/surveys/{id}/indicators, written once. The
 * routes serialise with them, and the annual report embeds the indicator answer by gender and age group.
 */

/** A survey with its response and mark counts. */
export const SurveySchema = Type.Object({
  id: Type.Integer(), name: Type.String(), kind: Type.String(),
  conducted_from: Nullable(Type.String()), conducted_to: Nullable(Type.String()),
  responses: Type.Integer(), marks: Type.Integer(),
});

/** A share with its 95 % Wilson interval, n and effective n; suppressed when n < 10. */
export const SurveyShareSchema = Type.Object({
  share: Nullable(Type.Number()), low: Nullable(Type.Number()), high: Nullable(Type.Number()),
  n: Nullable(Type.Integer()), n_eff: Nullable(Type.Number()), suppressed: Type.Boolean(),
});

const Index = Type.Object({
  value: Nullable(Type.Number()),
  level: Nullable(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')])),
  n: Nullable(Type.Integer()), suppressed: Type.Boolean(),
});

/** Every indicator of one group of respondents. */
export const SurveyIndicatorSetSchema = Type.Object({
  otrygg: SurveyShareSchema, gar_aldrig_ut: SurveyShareSchema, avstar_aktivitet: SurveyShareSchema, oro_brott: SurveyShareSchema,
  problems: Type.Record(Type.String(), SurveyShareSchema),
  trygghetsindex: Index, problemindex: Index,
});

const Group = {
  n: Nullable(Type.Integer()),
  suppressed: Type.Boolean(),
  indicators: Nullable(SurveyIndicatorSetSchema),
};

/** GET /api/surveys. */
export const SurveyListResponse = Type.Object({ municipality: Type.String(), surveys: Type.Array(SurveySchema) });

/** GET /api/surveys/{id}/indicators: overall and per group (district, gender, age group as asked). */
export const SurveyIndicatorsResponse = Type.Object({
  survey: SurveySchema,
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
});

export type Survey = Static<typeof SurveySchema>;
export type SurveyList = Static<typeof SurveyListResponse>;
export type SurveyIndicators = Static<typeof SurveyIndicatorsResponse>;
export type SurveyIndicatorGroup = SurveyIndicators['groups'][number];
