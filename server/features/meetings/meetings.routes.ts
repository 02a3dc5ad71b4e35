import { Type } from 'typebox';
import { IdSchema as Id, MunicipalityCodeSchema as Municipality } from '../../../shared/councils.schema.ts';
import {
  MeetingBody, MeetingListResponse, MeetingPatch, MeetingSchema as Meeting, PriorityBody, PriorityListResponse, PrioritySchema as Priority, SituationResponse,
} from '../../../shared/meetings.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { mayReadCouncilWork } from '../councils/councils.service.ts';
import { changeMeeting, closeMeeting, createMeeting, getMeeting, getMeetingMap, getMeetingSituation, listMeetingsFor } from './meetings.service.ts';
import { createPriority, listPrioritiesFor, removePriority, replacePriority } from './priorities.service.ts';

const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

const readGate = async (request: { viewer: Viewer }) => requireAccess(request.viewer, mayReadCouncilWork(request.viewer.role), 'see council meetings');
// Membership of the meeting's council is checked in the service; roles that can never edit stop here.
const writeGate = async (request: { viewer: Viewer }) =>
  requireAccess(request.viewer, ['council', 'analyst', 'police'].includes(request.viewer.role), 'change council meetings or priorities');

/** /api/meetings (with their priorities and frozen snapshots) and /api/priorities (SPEC §7). */
export async function meetingRoutes(app: AppInstance) {
  const db = () => app.database.db;
  const route = (request: { routeOptions: { url?: string } }) => request.routeOptions.url ?? '';

  app.get('/api/meetings', {
    preValidation: readGate,
    schema: {
      tags: ['meetings'], summary: 'Meetings of a municipality (optionally one council), newest first',
      querystring: Type.Object({ municipality: Type.Optional(Municipality), council: Type.Optional(Id) }, { additionalProperties: false }),
      response: { 200: MeetingListResponse, ...Errors },
    },
  }, async (request) => listMeetingsFor(db(), request.viewer, request.query));

  app.post('/api/meetings', {
    preValidation: writeGate, bodyLimit: 64 * 1024,
    schema: {
      tags: ['meetings'], summary: 'Create an open meeting of a council',
      body: MeetingBody,
      response: { 201: Meeting, ...Errors },
    },
  }, async (request, reply) => {
    reply.status(201);
    return createMeeting(db(), request.viewer, request.body, route(request));
  });

  app.get('/api/meetings/:id', {
    preValidation: readGate,
    schema: { tags: ['meetings'], summary: 'A meeting, its priorities and (once closed) the frozen numbers', params: IdParams, response: { 200: Meeting, ...Errors } },
  }, async (request) => getMeeting(db(), request.viewer, request.params.id));

  for (const method of ['patch', 'put'] as const) {
    app[method]('/api/meetings/:id', {
      preValidation: writeGate, bodyLimit: 64 * 1024,
      schema: { tags: ['meetings'], summary: 'Change an open meeting (409 once closed)', params: IdParams, body: MeetingPatch, response: { 200: Meeting, ...Errors } },
    }, async (request) => changeMeeting(db(), request.viewer, request.params.id, request.body, route(request)));
  }

  app.post('/api/meetings/:id/close', {
    preValidation: writeGate,
    schema: { tags: ['meetings'], summary: 'Close a meeting and freeze its numbers (409 when already closed)', params: IdParams, response: { 200: Meeting, ...Errors } },
  }, async (request) => closeMeeting(db(), request.viewer, request.params.id, route(request)));

  app.get('/api/meetings/:id/situation', {
    preValidation: readGate,
    schema: {
      tags: ['meetings'], summary: 'The situation picture per agenda district: live while open, frozen once closed', params: IdParams,
      response: { 200: SituationResponse, ...Errors },
    },
  }, async (request) => getMeetingSituation(db(), request.viewer, request.params.id));

  app.get('/api/meetings/:id/map.svg', {
    preValidation: readGate,
    schema: {
      tags: ['meetings'], summary: 'The minutes\' map of one agenda district (SVG): outlines shaded by the reader\'s frozen rates', params: IdParams,
      querystring: Type.Object({ district: Id, lang: Type.Optional(Type.Union([Type.Literal('sv'), Type.Literal('en')])) }, { additionalProperties: false }),
      response: { 200: Type.String({ description: 'image/svg+xml' }), ...Errors },
    },
  }, async (request, reply) => {
    const svg = await getMeetingMap(db(), request.viewer, request.params.id, request.query.district, request.query.lang ?? 'sv');
    // Private: the shading follows the reader's role.
    reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'private, no-cache');
    return svg;
  });

  app.post('/api/meetings/:id/priorities', {
    preValidation: writeGate, bodyLimit: 32 * 1024,
    schema: { tags: ['meetings'], summary: 'Record a priority decided in an open meeting', params: IdParams, body: PriorityBody, response: { 201: Priority, ...Errors } },
  }, async (request, reply) => {
    reply.status(201);
    return createPriority(db(), request.viewer, request.params.id, request.body, route(request));
  });

  app.get('/api/priorities', {
    schema: {
      tags: ['meetings'], summary: 'Priorities (the public sees published ones only)',
      querystring: Type.Object({ municipality: Type.Optional(Municipality), meeting: Type.Optional(Id), council: Type.Optional(Id) }, { additionalProperties: false }),
      response: { 200: PriorityListResponse, ...Errors },
    },
  }, async (request) => listPrioritiesFor(db(), request.viewer, request.query));

  app.put('/api/priorities/:id', {
    preValidation: writeGate, bodyLimit: 32 * 1024,
    schema: { tags: ['meetings'], summary: 'Replace a priority while its meeting is open', params: IdParams, body: PriorityBody, response: { 200: Priority, ...Errors } },
  }, async (request) => replacePriority(db(), request.viewer, request.params.id, request.body, route(request)));

  app.delete('/api/priorities/:id', {
    preValidation: writeGate,
    schema: { tags: ['meetings'], summary: 'Remove a priority while its meeting is open', params: IdParams, response: { 204: Type.Null(), ...Errors } },
  }, async (request, reply) => {
    await removePriority(db(), request.viewer, request.params.id, route(request));
    reply.status(204).send(null);
  });
}
