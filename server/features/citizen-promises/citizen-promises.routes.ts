import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { AreaIn, DATE, DraftOut, Id, PromiseBody, PromiseOut } from '../../../shared/citizen-promises.schema.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import {
  changeStatus, createPromise, draftPromise, editPromise, getPromise, listPromisesFor, refreshFollowUp, removePromise, requirePromiseEditor,
  type DraftInput, type PromiseInput,
} from './citizen-promises.service.ts';

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
