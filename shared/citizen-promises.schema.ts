import { Type, type Static } from 'typebox';
import { GeometrySchema, Nullable, PeriodSchema } from './schema-kit.ts';

/**
 * Medborgarlöften (SPEC §7): the request and response shapes of /api/citizen-promises, written once. The routes
 * validate and serialise with them; the client takes its types from them.
 */

/** The statuses in their order: draft → agreed → published → followed up (agreed may go back to draft; published never). */
export const PROMISE_STATUSES = ['draft', 'agreed', 'published', 'followed_up'] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];

const MunicipalityCode = Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'SCB municipality code' }));
const Commitment = Type.Object({ actor: Type.Union([Type.Literal('police'), Type.Literal('municipality')]), text: Type.String(), responsible: Nullable(Type.String()) });

export const DATE = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const Status = Type.Union([Type.Literal('draft'), Type.Literal('agreed'), Type.Literal('published'), Type.Literal('followed_up')]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const AreaIn = Type.Object(
  {
    district_ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200 })),
    geometry: Type.Optional(Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon, WGS84' })),
    hotspot_cells: Type.Optional(Type.Array(Type.Object({ i: Type.Integer({ minimum: -1e7, maximum: 1e7 }), j: Type.Integer({ minimum: -1e7, maximum: 1e7 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 2000 })),
    cell_m: Type.Optional(Type.Number({ minimum: 50, maximum: 5000 })),
  },
  { additionalProperties: false },
);

export const PromiseBody = Type.Object(
  {
    municipality: MunicipalityCode,
    title: Text(300),
    area: AreaIn,
    period_start: DATE,
    period_end: DATE,
    problems: Type.Optional(Type.Array(Text(1000), { maxItems: 30 })),
    commitments: Type.Optional(Type.Array(Type.Object({
      actor: Type.Union([Type.Literal('police'), Type.Literal('municipality')]),
      text: Text(2000),
      responsible: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    }, { additionalProperties: false }), { maxItems: 30 })),
    indicators: Type.Optional(Type.Array(Type.Object({
      key: Text(80),
      label: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
      baseline: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1e9 }))),
      target: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1e9 }))),
    }, { additionalProperties: false }), { maxItems: 20 })),
    internal_notes: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
    evidence: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

const Period = PeriodSchema;
export const FollowUp = Type.Object({
  key: Type.String(), label: Type.String(), kind: Type.String(), before: Nullable(Type.Number()), after: Nullable(Type.Number()),
  before_period: Nullable(Period), after_period: Nullable(Period), change_pct: Nullable(Type.Number()), p_value: Nullable(Type.Number()),
  significant: Nullable(Type.Boolean()), baseline: Nullable(Type.Number()), target: Nullable(Type.Number()), projected: Nullable(Type.Number()),
  target_met: Nullable(Type.Boolean()), note: Nullable(Type.String()),
});

// Allow-list: internal notes, evidence and history only reach editors (the service leaves them out for others).
export const PromiseOut = Type.Object({
  id: Type.Integer(), municipality: Type.String(), title: Type.String(),
  area: Type.Object({ district_ids: Type.Array(Type.Integer()), geometry: Nullable(GeometrySchema) }),
  period_start: Type.String(), period_end: Type.String(),
  problems: Type.Array(Type.String()),
  commitments: Type.Array(Commitment),
  indicators: Type.Array(Type.Object({
    key: Type.String(), label: Type.String(), baseline: Nullable(Type.Number()), baseline_from: Nullable(Type.String()), baseline_to: Nullable(Type.String()),
    target: Nullable(Type.Number()),
    // Stored progress; a draft's indicators (DraftOut) have none, and the client shares the one type.
    followup: Type.Optional(Nullable(Type.Number())),
  })),
  status: Status,
  agreed_at: Nullable(Type.String()), published_at: Nullable(Type.String()), followed_up_at: Nullable(Type.String()),
  created_at: Type.String(), updated_at: Type.String(),
  follow_up: Type.Optional(Type.Array(FollowUp)),
  internal_notes: Type.Optional(Nullable(Type.String())),
  evidence: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  history: Type.Optional(Type.Array(Type.Object({ from_status: Type.String(), to_status: Type.String(), actor: Nullable(Type.String()), role: Type.String(), at: Type.String() }))),
});

export const DraftOut = Type.Object({
  municipality: Type.String(), title: Type.String(),
  area: Type.Object({ district_ids: Type.Array(Type.Integer()), geometry: Nullable(Type.Unknown()) }),
  period_start: Type.String(), period_end: Type.String(), problems: Type.Array(Type.String()),
  commitments: Type.Array(Commitment),
  indicators: Type.Array(Type.Object({
    key: Type.String(), label: Type.String(), baseline: Nullable(Type.Number()), baseline_from: Nullable(Type.String()), baseline_to: Nullable(Type.String()), target: Nullable(Type.Number()),
  })),
  evidence: Type.Object({
    period: Period, previous_period: Period, area_m2: Type.Number(), area_share: Type.Number(), suppressed: Type.Boolean(),
    categories: Type.Array(Type.Object({
      category: Type.String(), name_sv: Type.String(), count: Nullable(Type.Integer()), previous_count: Nullable(Type.Integer()), expected: Type.Number(),
      over_rate: Type.Boolean(), p_value: Nullable(Type.Number()), change_pct: Nullable(Type.Number()), rising: Type.Boolean(), change_p_value: Nullable(Type.Number()),
    })),
    survey: Nullable(Type.Object({
      survey_id: Type.Integer(), name: Type.String(), n: Type.Integer(),
      shares: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), area: Nullable(Type.Number()), municipality: Nullable(Type.Number()), n: Nullable(Type.Integer()) })),
      groups: Type.Array(Type.Object({ gender: Nullable(Type.String()), age_group: Nullable(Type.String()), key: Type.String(), share: Nullable(Type.Number()), n: Type.Integer() })),
    })),
  }),
});

export type Commitment = Static<typeof Commitment>;
export type FollowUp = Static<typeof FollowUp>;
export type CitizenPromise = Static<typeof PromiseOut>;
export type Indicator = CitizenPromise['indicators'][number];
export type Transition = NonNullable<CitizenPromise['history']>[number];
export type PromiseDraft = Static<typeof DraftOut>;
export type DraftEvidence = PromiseDraft['evidence'];
export type CategoryEvidence = DraftEvidence['categories'][number];
