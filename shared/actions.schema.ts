import { Type, type Static } from 'typebox';
import { IdSchema, MunicipalityCodeSchema } from './councils.schema.ts';
import { DateText } from './meetings.schema.ts';
import { Nullable, PeriodSchema } from './schema-kit.ts';

/**
 * Actions (insatser, SPEC §7): the request and response shapes of /api/actions with the before/after follow-up of
 * their indicators, written once. The routes validate and serialise with them; the client takes its types from them.
 */

/** Statuses of an action, in the order a form offers them. */
export const ACTION_STATUSES = ['planned', 'ongoing', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ActionStatusSchema = Type.Union([
  Type.Literal(ACTION_STATUSES[0]), Type.Literal(ACTION_STATUSES[1]), Type.Literal(ACTION_STATUSES[2]), Type.Literal(ACTION_STATUSES[3]),
]);

/** The survey shares an action can be followed up on besides the problem items `problem_<code>` (SPEC §4.3). */
export const SURVEY_SHARE_BASE_KEYS = ['otrygg', 'gar_aldrig_ut', 'avstar_aktivitet', 'oro_brott'] as const;

/** How an indicator is measured: incidents of a category, or a survey share. */
export const FOLLOW_UP_KINDS = ['category', 'survey_share'] as const;

/** The body of POST /api/actions and PUT /api/actions/{id}: an area is agenda districts or a drawn geometry. */
export const ActionBody = Type.Object(
  {
    municipality: Type.Optional(MunicipalityCodeSchema),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    area: Type.Union([
      Type.Object({ district_ids: Type.Array(IdSchema, { maxItems: 200 }) }, { additionalProperties: false }),
      Type.Object({ geometry: Type.Unknown() }, { additionalProperties: false }),
    ]),
    responsible: Type.String({ minLength: 1, maxLength: 200 }),
    start_date: DateText,
    end_date: Type.Optional(Nullable(DateText)),
    status: ActionStatusSchema,
    priority_id: Type.Optional(Nullable(IdSchema)),
    promise_id: Type.Optional(Nullable(IdSchema)),
    indicators: Type.Array(Type.Object({ key: Type.String({ minLength: 1, maxLength: 60 }) }, { additionalProperties: false }), { maxItems: 20 }),
  },
  { additionalProperties: false },
);

const ActionHeadFields = {
  id: Type.Integer(), municipality: Type.String(), title: Type.String(), description: Nullable(Type.String()),
  area: Type.Union([Type.Object({ district_ids: Type.Array(Type.Integer()) }), Type.Object({ geometry: Type.Unknown() })]),
  responsible: Type.String(), start_date: Type.String(), end_date: Nullable(Type.String()), status: Type.String(),
  priority_id: Nullable(Type.Integer()), promise_id: Nullable(Type.Integer()), indicators: Type.Array(Type.Object({ key: Type.String() })),
  created_at: Type.String(), updated_at: Type.String(),
};

/** An action as GET /api/actions lists it. */
export const ActionSchema = Type.Object(ActionHeadFields);

/** One indicator's before/after comparison over equal periods around the action's start. */
export const FollowUpSchema = Type.Object({
  key: Type.String(), kind: Type.Union([Type.Literal(FOLLOW_UP_KINDS[0]), Type.Literal(FOLLOW_UP_KINDS[1])]),
  before: Nullable(Type.Number()), after: Nullable(Type.Number()), change_pct: Nullable(Type.Number()),
  p_value: Nullable(Type.Number()), significant: Type.Boolean(), note: Nullable(Type.String()),
  // Survey shares: after − before with its 95 % interval (fractions, not percentage points).
  difference: Type.Optional(Nullable(Type.Object({ value: Type.Number(), low: Type.Number(), high: Type.Number() }))),
  before_n: Type.Optional(Nullable(Type.Integer())), after_n: Type.Optional(Nullable(Type.Integer())),
});

const SurveyRef = Nullable(Type.Object({ id: Type.Integer(), name: Type.String() }));

/** An action with the follow-up of its indicators (GET/POST/PUT answers). */
export const ActionWithFollowUpSchema = Type.Object({
  ...ActionHeadFields,
  follow_up_periods: Type.Object({ before: PeriodSchema, after: PeriodSchema, days: Type.Integer(), min_after_days: Type.Integer() }),
  follow_up_surveys: Type.Object({ before: SurveyRef, after: SurveyRef }),
  follow_up: Type.Array(FollowUpSchema),
});

/** GET /api/actions. */
export const ActionListResponse = Type.Object({ municipality: Type.String(), actions: Type.Array(ActionSchema) });

export type Action = Static<typeof ActionSchema>;
export type ActionWithFollowUp = Static<typeof ActionWithFollowUpSchema>;
export type ActionInput = Static<typeof ActionBody>;
export type FollowUp = Static<typeof FollowUpSchema>;
