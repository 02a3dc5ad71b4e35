import { Type } from 'typebox';
import { CouncilBody, CouncilListResponse, CouncilSchema, IdSchema, MemberCandidatesResponse, MunicipalityCodeSchema } from '../../../shared/councils.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { requireAccess } from '../auth/guards.ts';
import { createCouncil, listCouncilsFor, listMemberCandidatesFor, loadCouncil, mayManageCouncils, mayReadCouncils, presentCouncil, replaceCouncil } from './councils.service.ts';

const IdParams = Type.Object({ id: IdSchema }, { additionalProperties: false });
const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

/** /api/councils: list, create, read, replace (SPEC §7). */
export async function councilRoutes(app: AppInstance) {
  const db = () => app.database.db;
  const readGate = { preValidation: async (request: { viewer: Parameters<typeof requireAccess>[0] }) => requireAccess(request.viewer, mayReadCouncils(request.viewer.role), 'see councils') };
  const writeGate = { preValidation: async (request: { viewer: Parameters<typeof requireAccess>[0] }) => requireAccess(request.viewer, mayManageCouncils(request.viewer.role), 'set up councils') };

  app.get('/api/councils', {
    ...readGate,
    schema: {
      tags: ['councils'], summary: 'Councils of a municipality',
      querystring: Type.Object({ municipality: Type.Optional(MunicipalityCodeSchema) }, { additionalProperties: false }),
      response: { 200: CouncilListResponse, ...Errors },
    },
  }, async (request) => listCouncilsFor(db(), request.viewer, request.query.municipality));

  app.post('/api/councils', {
    ...writeGate, bodyLimit: 64 * 1024,
    schema: { tags: ['councils'], summary: 'Create a council', body: CouncilBody, response: { 201: CouncilSchema, ...Errors } },
  }, async (request, reply) => {
    reply.status(201);
    return createCouncil(db(), request.viewer, request.body, request.routeOptions.url ?? '/api/councils');
  });

  app.get('/api/councils/member-candidates', {
    ...writeGate,
    schema: {
      tags: ['councils'], summary: 'Users who may be seated on a council (for those who set councils up)',
      querystring: Type.Object({ municipality: Type.Optional(MunicipalityCodeSchema) }, { additionalProperties: false }),
      response: { 200: MemberCandidatesResponse, ...Errors },
    },
  }, async (request) => listMemberCandidatesFor(db(), request.viewer, request.query.municipality));

  app.get('/api/councils/:id', {
    ...readGate,
    schema: { tags: ['councils'], summary: 'One council', params: IdParams, response: { 200: CouncilSchema, ...Errors } },
  }, async (request) => presentCouncil(await loadCouncil(db(), request.viewer, request.params.id)));

  app.put('/api/councils/:id', {
    ...writeGate, bodyLimit: 64 * 1024,
    schema: { tags: ['councils'], summary: 'Replace a council\'s name, level, districts (and members when given)', params: IdParams, body: CouncilBody, response: { 200: CouncilSchema, ...Errors } },
  }, async (request) => replaceCouncil(db(), request.viewer, request.params.id, request.body, request.routeOptions.url ?? '/api/councils/:id'));
}
