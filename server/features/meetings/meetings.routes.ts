import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { mayReadCouncilWork } from '../councils/councils.service.ts';
import { changeMeeting, closeMeeting, createMeeting, getMeeting, getMeetingMap, getMeetingSituation, listMeetingsFor } from './meetings.service.ts';
import { createPriority, listPrioritiesFor, PRIORITY_STATUSES, removePriority, replacePriority } from './priorities.service.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateText = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Municipality = Type.String({ pattern: '^[0-9]{4}$' });
const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

const Filters = Type.Object(
  {
    from: Type.Optional(DateText),
    to: Type.Optional(DateText),
    categories: Type.Optional(Type.Array(Type.String({ maxLength: 60 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

const Priority = Type.Object({
  id: Type.Integer(), municipality: Type.String(), meeting: Nullable(Type.Integer()), council: Nullable(Type.Integer()),
  problem: Type.String(), focus_area: Nullable(Type.String()), place: Nullable(Type.String()), district_ids: Type.Array(Type.Integer()),
  rationale: Nullable(Type.String()), owner: Nullable(Type.String()), due_date: Nullable(Type.String()), status: Type.String(),
  published: Type.Boolean(), editable: Type.Boolean(), created_at: Type.String(), updated_at: Type.String(),
});

const MeetingHead = {
  id: Type.Integer(), municipality: Type.String(), council: Nullable(Type.Integer()), council_name: Type.String(),
  title: Nullable(Type.String()), notes: Nullable(Type.String()), date: Type.String(), district_ids: Type.Array(Type.Integer()),
  filters: Type.Object({ from: Type.String(), to: Type.String(), categories: Type.Optional(Type.Array(Type.String())) }),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]), closed_at: Nullable(Type.String()),
  created_at: Type.String(), updated_at: Type.String(),
};

const Meeting = Type.Object({
  ...MeetingHead,
  can_edit: Type.Boolean(),
  priorities: Type.Array(Priority),
  snapshot: Nullable(Type.Object({
    taken_at: Type.String(),
    data_cutoff_at: Type.String(),
    filters: Type.Unknown(),
    // The frozen numbers of the reader's disclosure tier, exactly as stored at closing.
    situation: Type.Unknown(),
  })),
});

const PriorityBody = Type.Object(
  {
    problem: Type.String({ minLength: 1, maxLength: 500 }),
    focus_area: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    place: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    district_ids: Type.Optional(Type.Array(Id, { maxItems: 200 })),
    rationale: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
    owner: Type.String({ minLength: 1, maxLength: 200 }),
    due_date: Type.Optional(Nullable(DateText)),
    status: Type.Optional(Type.Union(PRIORITY_STATUSES.map((s) => Type.Literal(s)))),
    published: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const MeetingPatch = Type.Object(
  {
    municipality: Type.Optional(Municipality),
    council: Type.Optional(Id),
    date: Type.Optional(DateText),
    district_ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200 })),
    title: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    filters: Type.Optional(Filters),
  },
  { additionalProperties: false },
);

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
      response: { 200: Type.Object({ municipality: Type.String(), meetings: Type.Array(Type.Object(MeetingHead)) }), ...Errors },
    },
  }, async (request) => listMeetingsFor(db(), request.viewer, request.query));

  app.post('/api/meetings', {
    preValidation: writeGate, bodyLimit: 64 * 1024,
    schema: {
      tags: ['meetings'], summary: 'Create an open meeting of a council',
      body: Type.Object({
        municipality: Type.Optional(Municipality), council: Id, date: DateText,
        district_ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200 })),
        title: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), notes: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
        filters: Type.Optional(Filters),
      }, { additionalProperties: false }),
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
      response: { 200: Type.Object({ meeting: Type.Integer(), frozen: Type.Boolean(), data_cutoff_at: Nullable(Type.String()), situation: Type.Unknown() }), ...Errors },
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
      response: { 200: Type.Object({ municipality: Type.String(), priorities: Type.Array(Priority) }), ...Errors },
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
