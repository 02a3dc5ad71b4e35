import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAction, listActionsFor } from '../../server/features/actions/actions.service.ts';
import { ActionListResponse, ActionWithFollowUpSchema } from '../../shared/actions.schema.ts';
import { authHeaders } from '../helpers/auth.ts';
import { buildDemoTestApp, viewerOf, wire } from '../helpers/demo-app.ts';
import { schemaProblems, unnoticedRemovals } from '../helpers/schema-check.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { testBackends } from '../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`shared/actions.schema.ts against the demo's real answers (${backend})`, () => {
    let t: TestApp;
    let analyst: Record<string, string>;
    let ids: number[];

    beforeAll(async () => {
      t = await buildDemoTestApp(backend);
      analyst = await authHeaders(t, 'analyst');
      ids = (await t.app.inject({ method: 'GET', url: '/api/actions', headers: analyst })).json().actions.map((a: { id: number }) => a.id);
    }, 600_000);
    afterAll(async () => t?.close());

    it('GET /api/actions matches ActionListResponse and loses nothing the service answered', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/actions', headers: analyst });
      expect(res.statusCode).toBe(200);
      expect(schemaProblems(ActionListResponse, res.json())).toEqual([]);
      expect(ids.length).toBeGreaterThan(0);
      expect(res.json()).toEqual(wire(await listActionsFor(t.database.db, viewerOf('analyst'), {})));
    });

    it('GET /api/actions/{id} matches ActionWithFollowUpSchema for every demo action and loses nothing', async () => {
      for (const id of ids) {
        const res = await t.app.inject({ method: 'GET', url: `/api/actions/${id}`, headers: analyst });
        expect(res.statusCode).toBe(200);
        expect(schemaProblems(ActionWithFollowUpSchema, res.json())).toEqual([]);
        expect(res.json()).toEqual(wire(await getAction(t.database.db, viewerOf('analyst'), id)));
      }
    });

    it('a survey-share indicator comes back as kind survey_share with its difference', async () => {
      const first = (await t.app.inject({ method: 'GET', url: `/api/actions/${ids[0]}`, headers: analyst })).json();
      const { id: _, created_at: _c, updated_at: _u, follow_up: _f, follow_up_periods: _p, follow_up_surveys: _s, municipality: _m, ...input } = first;
      const res = await t.app.inject({ method: 'POST', url: '/api/actions', headers: analyst, payload: { ...input, indicators: [{ key: 'otrygg' }, { key: 'stold' }] } });
      expect(res.statusCode, res.body).toBe(201);
      expect(schemaProblems(ActionWithFollowUpSchema, res.json())).toEqual([]);
      expect(res.json().follow_up.map((f: { kind: string }) => f.kind)).toEqual(['survey_share', 'category']);
      expect(Object.keys(res.json().follow_up[0])).toContain('difference');
    });

    it('notices every required field missing from a real action with follow-up', async () => {
      const body = (await t.app.inject({ method: 'GET', url: `/api/actions/${ids[0]}`, headers: analyst })).json();
      const { tried, unnoticed } = unnoticedRemovals(ActionWithFollowUpSchema, body);
      expect(tried).toBeGreaterThan(25);
      expect(unnoticed).toEqual([]);
    });
  });
}
