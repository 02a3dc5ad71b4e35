import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import {
  changeStatus, createPromise, draftPromise, editPromise, getPromise, listPromisesFor, refreshFollowUp, removePromise, requirePromiseEditor,
  type DraftInput, type PromiseInput,
} from './citizen-promises.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DATE = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const Status = Type.Union([Type.Literal('draft'), Type.Literal('agreed'), Type.Literal('published'), Type.Literal('followed_up')]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

const AreaIn = Type.Object(
  {
    district_ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200 })),
    geometry: Type.Optional(Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon, WGS84' })),
    hotspot_cells: Type.Optional(Type.Array(Type.Object({ i: Type.Integer({ minimum: -1e7, maximum: 1e7 }), j: Type.Integer({ minimum: -1e7, maximum: 1e7 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 2000 })),
    cell_m: Type.Optional(Type.Number({ minimum: 50, maximum: 5000 })),
  },
  { additionalProperties: false },
);

const PromiseBody = Type.Object(
  {
    municipality: IncidentFilterQuery.municipality,
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

const Period = Type.Object({ from: Type.String(), to: Type.String() });
const FollowUp = Type.Object({
  key: Type.String(), label: Type.String(), kind: Type.String(), before: Nullable(Type.Number()), after: Nullable(Type.Number()),
  before_period: Nullable(Period), after_period: Nullable(Period), change_pct: Nullable(Type.Number()), p_value: Nullable(Type.Number()),
  significant: Nullable(Type.Boolean()), baseline: Nullable(Type.Number()), target: Nullable(Type.Number()), projected: Nullable(Type.Number()),
  target_met: Nullable(Type.Boolean()), note: Nullable(Type.String()),
});

// Allow-list: internal notes, evidence and history only reach editors (the service leaves them out for others).
const PromiseOut = Type.Object({
  id: Type.Integer(), municipality: Type.String(), title: Type.String(),
  area: Type.Object({ district_ids: Type.Array(Type.Integer()), geometry: Nullable(Type.Unknown()) }),
  period_start: Type.String(), period_end: Type.String(),
  problems: Type.Array(Type.String()),
  commitments: Type.Array(Type.Object({ actor: Type.String(), text: Type.String(), responsible: Nullable(Type.String()) })),
  indicators: Type.Array(Type.Object({
    key: Type.String(), label: Type.String(), baseline: Nullable(Type.Number()), baseline_from: Nullable(Type.String()), baseline_to: Nullable(Type.String()),
    target: Nullable(Type.Number()), followup: Nullable(Type.Number()),
  })),
  status: Status,
  agreed_at: Nullable(Type.String()), published_at: Nullable(Type.String()), followed_up_at: Nullable(Type.String()),
  created_at: Type.String(), updated_at: Type.String(),
  follow_up: Type.Optional(Type.Array(FollowUp)),
  internal_notes: Type.Optional(Nullable(Type.String())),
  evidence: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  history: Type.Optional(Type.Array(Type.Object({ from_status: Type.String(), to_status: Type.String(), actor: Nullable(Type.String()), role: Type.String(), at: Type.String() }))),
});

const DraftOut = Type.Object({
  municipality: Type.String(), title: Type.String(),
  area: Type.Object({ district_ids: Type.Array(Type.Integer()), geometry: Nullable(Type.Unknown()) }),
  period_start: Type.String(), period_end: Type.String(), problems: Type.Array(Type.String()),
  commitments: Type.Array(Type.Object({ actor: Type.String(), text: Type.String(), responsible: Nullable(Type.String()) })),
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

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const editorsOnly = async (request: { viewer: Parameters<typeof requirePromiseEditor>[0] }) => requirePromiseEditor(request.viewer);

/** CRUD /api/citizen-promises (SPEC §7), the evidence-based draft, status transitions and follow-up. */
export async function citizenPromiseRoutes(app: AppInstance) {
  const db = () => app.database.db;

  app.get('/api/citizen-promises', {
    schema: {
      tags: ['citizen-promises'], summary: 'Citizen promises (medborgarlöften): editors see every status, others the published ones',
      querystring: Type.Object({ municipality: IncidentFilterQuery.municipality, status: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ municipality: Type.String(), promises: Type.Array(PromiseOut) }), ...errors },
    },
  }, async (request) => listPromisesFor(db(), request.viewer, request.query.municipality, request.query.status));

  app.post('/api/citizen-promises/draft', {
    preValidation: editorsOnly,
    schema: {
      tags: ['citizen-promises'], summary: 'Proposes a promise from the evidence for an area (districts, a drawn polygon or hotspot cells); saves nothing',
      body: Type.Object({
        municipality: IncidentFilterQuery.municipality, area: AreaIn, from: IncidentFilterQuery.from, to: IncidentFilterQuery.to,
        survey_id: Type.Optional(Id), period_start: Type.Optional(DATE), period_end: Type.Optional(DATE),
      }, { additionalProperties: false }),
      response: { 200: DraftOut, ...errors },
    },
  }, async (request) => draftPromise(db(), request.viewer, request.body as DraftInput));

  app.post('/api/citizen-promises', {
    preValidation: editorsOnly,
    schema: { tags: ['citizen-promises'], summary: 'Creates a draft promise; baselines left out are computed from the data', body: PromiseBody, response: { 201: PromiseOut, ...errors } },
  }, async (request, reply) => {
    reply.status(201);
    return createPromise(db(), request.viewer, request.body as PromiseInput, request.ip);
  });

  app.get('/api/citizen-promises/:id', {
    schema: { tags: ['citizen-promises'], summary: 'One promise with its follow-up per indicator', params: Type.Object({ id: Id }), response: { 200: PromiseOut, ...errors } },
  }, async (request) => getPromise(db(), request.viewer, request.params.id));

  app.put('/api/citizen-promises/:id', {
    preValidation: editorsOnly,
    schema: { tags: ['citizen-promises'], summary: 'Replaces a draft or agreed promise', params: Type.Object({ id: Id }), body: PromiseBody, response: { 200: PromiseOut, ...errors } },
  }, async (request) => editPromise(db(), request.viewer, request.params.id, request.body as PromiseInput, request.ip));

  app.delete('/api/citizen-promises/:id', {
    preValidation: editorsOnly,
    schema: { tags: ['citizen-promises'], summary: 'Deletes a draft', params: Type.Object({ id: Id }), response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    await removePromise(db(), request.viewer, request.params.id, request.ip);
    reply.status(204);
    return null;
  });

  app.post('/api/citizen-promises/:id/status', {
    preValidation: editorsOnly,
    schema: {
      tags: ['citizen-promises'], summary: 'draft → agreed → published → followed_up (agreed may return to draft; published never)',
      params: Type.Object({ id: Id }), body: Type.Object({ status: Type.String({ maxLength: 20 }) }, { additionalProperties: false }), response: { 200: PromiseOut, ...errors },
    },
  }, async (request) => changeStatus(db(), request.viewer, request.params.id, request.body.status, request.ip));

  app.post('/api/citizen-promises/:id/follow-up', {
    preValidation: editorsOnly,
    schema: { tags: ['citizen-promises'], summary: 'Stores the current follow-up values of a published promise (its progress on the public page)', params: Type.Object({ id: Id }), response: { 200: PromiseOut, ...errors } },
  }, async (request) => refreshFollowUp(db(), request.viewer, request.params.id, request.ip));
}
