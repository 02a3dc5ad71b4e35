import { Type, type Static } from 'typebox';
import { IdSchema, MunicipalityCodeSchema } from './councils.schema.ts';
import { SuppressionSchema } from './districts.schema.ts';
import { HotspotCount } from './hotspots.schema.ts';
import { Nullable, PeriodSchema } from './schema-kit.ts';

/**
 * Council meetings (SPEC §7): the request and response shapes of /api/meetings and /api/priorities, including the
 * situation picture a meeting shows and freezes, written once. The routes validate and serialise with them (so
 * they are also the allow-list of what leaves the server); the client takes its types from them.
 */

/** A calendar date 'YYYY-MM-DD'. */
export const DateText = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

/** Statuses of a priority, in the order a form offers them. */
export const PRIORITY_STATUSES = ['proposed', 'decided', 'done', 'dropped'] as const;
export type PriorityStatus = (typeof PRIORITY_STATUSES)[number];

/** The period and categories a meeting looks at (half-open period). */
export const MeetingFiltersBody = Type.Object(
  {
    from: Type.Optional(DateText),
    to: Type.Optional(DateText),
    categories: Type.Optional(Type.Array(Type.String({ maxLength: 60 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

/** A priority decided in a meeting; `rationale` is null for readers outside council work. */
export const PrioritySchema = Type.Object({
  id: Type.Integer(), municipality: Type.String(), meeting: Nullable(Type.Integer()), council: Nullable(Type.Integer()),
  problem: Type.String(), focus_area: Nullable(Type.String()), place: Nullable(Type.String()), district_ids: Type.Array(Type.Integer()),
  rationale: Nullable(Type.String()), owner: Nullable(Type.String()), due_date: Nullable(Type.String()), status: Type.String(),
  published: Type.Boolean(), editable: Type.Boolean(), created_at: Type.String(), updated_at: Type.String(),
});

/** The body of POST /api/meetings/{id}/priorities and PUT /api/priorities/{id}. */
export const PriorityBody = Type.Object(
  {
    problem: Type.String({ minLength: 1, maxLength: 500 }),
    focus_area: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    place: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    district_ids: Type.Optional(Type.Array(IdSchema, { maxItems: 200 })),
    rationale: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
    owner: Type.String({ minLength: 1, maxLength: 200 }),
    due_date: Type.Optional(Nullable(DateText)),
    status: Type.Optional(Type.Union([
      Type.Literal(PRIORITY_STATUSES[0]), Type.Literal(PRIORITY_STATUSES[1]), Type.Literal(PRIORITY_STATUSES[2]), Type.Literal(PRIORITY_STATUSES[3]),
    ])),
    published: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const MeetingFilters = Type.Object({ from: Type.String(), to: Type.String(), categories: Type.Optional(Type.Array(Type.String())) });

const MeetingHeadFields = {
  id: Type.Integer(), municipality: Type.String(), council: Nullable(Type.Integer()), council_name: Type.String(),
  title: Nullable(Type.String()), notes: Nullable(Type.String()), date: Type.String(), district_ids: Type.Array(Type.Integer()),
  filters: MeetingFilters,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]), closed_at: Nullable(Type.String()),
  created_at: Type.String(), updated_at: Type.String(),
};

/** A meeting as the list gives it (no numbers). */
export const MeetingHeadSchema = Type.Object(MeetingHeadFields);

/** One survey share with its 95 % interval and n; null where the group is suppressed. */
const Share = Nullable(Type.Object({ share: Nullable(Type.Number()), low: Nullable(Type.Number()), high: Nullable(Type.Number()), n: Nullable(Type.Integer()) }));
const SurveyGroupFields = {
  n: Nullable(Type.Integer()), suppressed: Type.Boolean(),
  otrygg: Share, avstar_aktivitet: Share, oro_brott: Share, trygghetsindex: Nullable(Type.Number()),
};
const Level = Nullable(Type.Union([Type.Literal('high'), Type.Literal('low')]));
const Count = Nullable(Type.Integer());

/** One agenda district of a situation picture: every part null where the tier may not see it. */
export const DistrictSituationSchema = Type.Object({
  id: Type.Integer(), name: Type.String(), kind: Type.String(), population: Nullable(Type.Integer()),
  stats: Nullable(Type.Object({
    count: Count, rate_per_1000: Nullable(Type.Number()), previous_count: Count, change_pct: Nullable(Type.Number()),
    change_significant: Nullable(Type.Boolean()), p_value: Nullable(Type.Number()), suppressed: Type.Boolean(), suppression: SuppressionSchema,
  })),
  time: Nullable(Type.Object({
    total: Count, monthly: Type.Array(Type.Object({ month: Type.String(), count: Count })), weekday_hour: Type.Array(Type.Array(Count)), suppressed_cells: Type.Integer(),
  })),
  hotspots: Nullable(Type.Object({
    counts: Type.Record(Type.String(), Type.Integer()),
    top: Type.Array(Type.Object({ lon: Type.Number(), lat: Type.Number(), count: HotspotCount, z: Nullable(Type.Number()), class: Type.String() })),
  })),
  survey: Nullable(Type.Object({
    district: Type.Object(SurveyGroupFields),
    by_gender: Type.Array(Type.Object({ gender: Nullable(Type.String()), ...SurveyGroupFields })),
    by_age_group: Type.Array(Type.Object({ age_group: Nullable(Type.String()), ...SurveyGroupFields })),
  })),
  discrepancy: Nullable(Type.Object({
    class: Type.String(), incident_level: Level, perceived_level: Level, share_otrygg: Nullable(Type.Number()), perceived_measure: Nullable(Type.String()),
  })),
  open_actions: Type.Array(Type.Object({
    id: Type.Integer(), title: Type.String(), status: Type.String(), responsible: Nullable(Type.String()), start_date: Nullable(Type.String()), end_date: Nullable(Type.String()),
  })),
  promises: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), status: Type.String(), period_start: Type.String(), period_end: Type.String() })),
});

/** The situation picture of a meeting's agenda for one disclosure tier (live while open, frozen once closed). */
export const SituationSchema = Type.Object({
  tier: Type.String(),
  period: PeriodSchema,
  comparison: Nullable(Type.Object({ compare: Type.String(), from: Type.String(), to: Type.String() })),
  categories: Type.Array(Type.String()),
  suppressed_small_counts: Nullable(Type.Boolean()),
  survey: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  hotspot_cell_m: Nullable(Type.Number()),
  notes: Type.Array(Type.String()),
  districts: Type.Array(DistrictSituationSchema),
});

/** A meeting with its priorities and, once closed, the numbers frozen for the reader's tier. */
export const MeetingSchema = Type.Object({
  ...MeetingHeadFields,
  can_edit: Type.Boolean(),
  priorities: Type.Array(PrioritySchema),
  snapshot: Nullable(Type.Object({
    taken_at: Type.String(),
    data_cutoff_at: Type.String(),
    filters: MeetingFilters,
    // The frozen numbers of the reader's disclosure tier, exactly as stored at closing.
    situation: Nullable(SituationSchema),
  })),
});

/** GET /api/meetings. */
export const MeetingListResponse = Type.Object({ municipality: Type.String(), meetings: Type.Array(MeetingHeadSchema) });

/** GET /api/meetings/{id}/situation. */
export const SituationResponse = Type.Object({ meeting: Type.Integer(), frozen: Type.Boolean(), data_cutoff_at: Nullable(Type.String()), situation: Nullable(SituationSchema) });

/** GET /api/priorities. */
export const PriorityListResponse = Type.Object({ municipality: Type.String(), priorities: Type.Array(PrioritySchema) });

/** The body of POST /api/meetings. */
export const MeetingBody = Type.Object(
  {
    municipality: Type.Optional(MunicipalityCodeSchema), council: IdSchema, date: DateText,
    district_ids: Type.Optional(Type.Array(IdSchema, { minItems: 1, maxItems: 200 })),
    title: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), notes: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    filters: Type.Optional(MeetingFiltersBody),
  },
  { additionalProperties: false },
);

/** The body of PATCH/PUT /api/meetings/{id}: any of the meeting's fields. */
export const MeetingPatch = Type.Object(
  {
    municipality: Type.Optional(MunicipalityCodeSchema),
    council: Type.Optional(IdSchema),
    date: Type.Optional(DateText),
    district_ids: Type.Optional(Type.Array(IdSchema, { minItems: 1, maxItems: 200 })),
    title: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    filters: Type.Optional(MeetingFiltersBody),
  },
  { additionalProperties: false },
);

export type Priority = Static<typeof PrioritySchema>;
export type PriorityInput = Static<typeof PriorityBody>;
export type MeetingHead = Static<typeof MeetingHeadSchema>;
export type Meeting = Static<typeof MeetingSchema>;
export type MeetingInput = Static<typeof MeetingBody>;
export type Situation = Static<typeof SituationSchema>;
export type DistrictSituation = Static<typeof DistrictSituationSchema>;
export type SurveyGroup = NonNullable<DistrictSituation['survey']>['district'];
export type Share = NonNullable<SurveyGroup['otrygg']>;
export type SituationAnswer = Static<typeof SituationResponse>;
