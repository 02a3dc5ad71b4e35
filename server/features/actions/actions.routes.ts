import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import type { Viewer } from '../auth/viewer.ts';
import { ACTION_STATUSES, createAction, getAction, listActionsFor, replaceAction, requireActionEditor, requireActionReader } from './actions.service.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateText = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Municipality = Type.String({ pattern: '^[0-9]{4}$' });
const Status = Type.Union(ACTION_STATUSES.map((s) => Type.Literal(s)));
const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

const Area = Type.Union([
  Type.Object({ district_ids: Type.Array(Id, { maxItems: 200 }) }, { additionalProperties: false }),
  Type.Object({ geometry: Type.Unknown() }, { additionalProperties: false }),
]);

const ActionBody = Type.Object(
  {
    municipality: Type.Optional(Municipality),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    area: Area,
    responsible: Type.String({ minLength: 1, maxLength: 200 }),
    start_date: DateText,
    end_date: Type.Optional(Nullable(DateText)),
    status: Status,
    priority_id: Type.Optional(Nullable(Id)),
    promise_id: Type.Optional(Nullable(Id)),
    indicators: Type.Array(Type.Object({ key: Type.String({ minLength: 1, maxLength: 60 }) }, { additionalProperties: false }), { maxItems: 20 }),
  },
  { additionalProperties: false },
);

const ActionHead = {
  id: Type.Integer(), municipality: Type.String(), title: Type.String(), description: Nullable(Type.String()),
  area: Type.Union([Type.Object({ district_ids: Type.Array(Type.Integer()) }), Type.Object({ geometry: Type.Unknown() })]),
  responsible: Type.String(), start_date: Type.String(), end_date: Nullable(Type.String()), status: Type.String(),
  priority_id: Nullable(Type.Integer()), promise_id: Nullable(Type.Integer()), indicators: Type.Array(Type.Object({ key: Type.String() })),
  created_at: Type.String(), updated_at: Type.String(),
};

const Period = Type.Object({ from: Type.String(), to: Type.String() });
const SurveyRef = Nullable(Type.Object({ id: Type.Integer(), name: Type.String() }));

const ActionWithFollowUp = Type.Object({
  ...ActionHead,
  follow_up_periods: Type.Object({ before: Period, after: Period, days: Type.Integer(), min_after_days: Type.Integer() }),
  follow_up_surveys: Type.Object({ before: SurveyRef, after: SurveyRef }),
  follow_up: Type.Array(Type.Object({
    key: Type.String(), kind: Type.String(), before: Nullable(Type.Number()), after: Nullable(Type.Number()), change_pct: Nullable(Type.Number()),
    p_value: Nullable(Type.Number()), significant: Type.Boolean(), note: Nullable(Type.String()),
    difference: Type.Optional(Nullable(Type.Object({ value: Type.Number(), low: Type.Number(), high: Type.Number() }))),
    before_n: Type.Optional(Nullable(Type.Integer())), after_n: Type.Optional(Nullable(Type.Integer())),
  })),
});

const readGate = async (request: { viewer: Viewer }) => requireActionReader(request.viewer);
const writeGate = async (request: { viewer: Viewer }) => requireActionEditor(request.viewer);

/** /api/actions: insatser with before/after follow-up of their indicators (SPEC §7). */
export async function actionRoutes(app: AppInstance) {
  const db = () => app.database.db;
  const route = (request: { routeOptions: { url?: string } }) => request.routeOptions.url ?? '';

  app.get('/api/actions', {
    preValidation: readGate,
    schema: {
      tags: ['actions'], summary: 'Actions of a municipality',
      querystring: Type.Object({ municipality: Type.Optional(Municipality), status: Type.Optional(Status), priority: Type.Optional(Id) }, { additionalProperties: false }),
      response: { 200: Type.Object({ municipality: Type.String(), actions: Type.Array(Type.Object(ActionHead)) }), ...Errors },
    },
  }, async (request) => listActionsFor(db(), request.viewer, request.query));

  app.post('/api/actions', {
    preValidation: writeGate, bodyLimit: 512 * 1024,
    schema: { tags: ['actions'], summary: 'Create an action', body: ActionBody, response: { 201: ActionWithFollowUp, ...Errors } },
  }, async (request, reply) => {
    reply.status(201);
    return createAction(db(), request.viewer, request.body, route(request));
  });

  app.get('/api/actions/:id', {
    preValidation: readGate,
    schema: { tags: ['actions'], summary: 'An action with the before/after follow-up of its indicators', params: IdParams, response: { 200: ActionWithFollowUp, ...Errors } },
  }, async (request) => getAction(db(), request.viewer, request.params.id));

  app.put('/api/actions/:id', {
    preValidation: writeGate, bodyLimit: 512 * 1024,
    schema: { tags: ['actions'], summary: 'Replace an action', params: IdParams, body: ActionBody, response: { 200: ActionWithFollowUp, ...Errors } },
  }, async (request) => replaceAction(db(), request.viewer, request.params.id, request.body, route(request)));
}
