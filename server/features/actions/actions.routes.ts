import { Type } from 'typebox';
import { ActionBody, ActionListResponse, ActionStatusSchema as Status, ActionWithFollowUpSchema as ActionWithFollowUp } from '../../../shared/actions.schema.ts';
import { IdSchema as Id, MunicipalityCodeSchema as Municipality } from '../../../shared/councils.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import type { Viewer } from '../auth/viewer.ts';
import { createAction, getAction, listActionsFor, replaceAction, requireActionEditor, requireActionReader } from './actions.service.ts';

const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

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
      response: { 200: ActionListResponse, ...Errors },
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
