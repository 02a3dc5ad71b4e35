import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeeting, getMeetingSituation, listMeetingsFor } from '../../server/features/meetings/meetings.service.ts';
import { listPrioritiesFor } from '../../server/features/meetings/priorities.service.ts';
import { MeetingListResponse, MeetingSchema, PriorityListResponse, SituationResponse } from '../../shared/meetings.schema.ts';
import { authHeaders } from '../helpers/auth.ts';
import { buildDemoTestApp, viewerOf, wire } from '../helpers/demo-app.ts';
import { schemaProblems, unnoticedRemovals, without } from '../helpers/schema-check.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { testBackends } from '../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`shared/meetings.schema.ts against the demo's real answers (${backend})`, () => {
    let t: TestApp;
    let analyst: Record<string, string>;
    let openId: number;
    let closedId: number;
    const get = async (url: string, headers = analyst) => {
      const res = await t.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };

    beforeAll(async () => {
      t = await buildDemoTestApp(backend);
      analyst = await authHeaders(t, 'analyst');
      const { meetings } = await get('/api/meetings');
      openId = meetings.find((m: { status: string }) => m.status === 'open').id;
      closedId = meetings.find((m: { status: string }) => m.status === 'closed').id;
    }, 600_000);
    afterAll(async () => t?.close());

    it('GET /api/meetings matches MeetingListResponse and loses nothing the service answered', async () => {
      const body = await get('/api/meetings');
      expect(schemaProblems(MeetingListResponse, body)).toEqual([]);
      expect(body).toEqual(wire(await listMeetingsFor(t.database.db, viewerOf('analyst'), {})));
    });

    it('GET /api/meetings/{id} of a closed meeting matches MeetingSchema, frozen situation included, and loses nothing', async () => {
      const body = await get(`/api/meetings/${closedId}`);
      expect(schemaProblems(MeetingSchema, body)).toEqual([]);
      expect(body.snapshot.situation.districts.length).toBeGreaterThan(0);
      expect(body.priorities.length).toBeGreaterThan(0);
      expect(body).toEqual(wire(await getMeeting(t.database.db, viewerOf('analyst'), closedId)));
    });

    it('GET /api/meetings/{id}/situation of an open meeting matches SituationResponse and loses nothing', async () => {
      const body = await get(`/api/meetings/${openId}/situation`);
      expect(schemaProblems(SituationResponse, body)).toEqual([]);
      expect(body.frozen).toBe(false);
      expect(body.situation.districts[0].survey).not.toBeNull();
      expect(body).toEqual(wire(await getMeetingSituation(t.database.db, viewerOf('analyst'), openId)));
    });

    it('a council member\'s frozen tier (suppressed counts) matches the schema too', async () => {
      const body = await get(`/api/meetings/${closedId}`, await authHeaders(t, 'council'));
      expect(schemaProblems(MeetingSchema, body)).toEqual([]);
      expect(body.snapshot.situation.tier).toBe('council');
    });

    it('GET /api/priorities matches PriorityListResponse and loses nothing', async () => {
      const body = await get('/api/priorities');
      expect(schemaProblems(PriorityListResponse, body)).toEqual([]);
      expect(body.priorities.length).toBeGreaterThan(0);
      expect(body).toEqual(wire(await listPrioritiesFor(t.database.db, viewerOf('analyst'), {})));
    });

    it('notices every required field missing from a real meeting, at every depth', async () => {
      const body = await get(`/api/meetings/${closedId}`);
      const { tried, unnoticed } = unnoticedRemovals(MeetingSchema, body);
      expect(tried).toBeGreaterThan(60);
      expect(unnoticed).toEqual([]);
      expect(Value.Check(MeetingSchema, without(body, ['snapshot', 'situation', 'districts', 0, 'stats', 'suppression']))).toBe(false);
    });

    it('notices every required field missing from a real live situation', async () => {
      const body = await get(`/api/meetings/${openId}/situation`);
      const { tried, unnoticed } = unnoticedRemovals(SituationResponse, body);
      expect(tried).toBeGreaterThan(40);
      expect(unnoticed).toEqual([]);
    });
  });
}
