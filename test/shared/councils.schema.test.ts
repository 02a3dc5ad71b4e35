import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCouncilsFor, listMemberCandidatesFor } from '../../server/features/councils/councils.service.ts';
import { CouncilListResponse, CouncilSchema, MemberCandidatesResponse } from '../../shared/councils.schema.ts';
import { authHeaders } from '../helpers/auth.ts';
import { buildDemoTestApp, viewerOf, wire } from '../helpers/demo-app.ts';
import { schemaProblems, unnoticedRemovals } from '../helpers/schema-check.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { testBackends } from '../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`shared/councils.schema.ts against the demo's real answers (${backend})`, () => {
    let t: TestApp;
    let analyst: Record<string, string>;

    beforeAll(async () => {
      t = await buildDemoTestApp(backend);
      analyst = await authHeaders(t, 'analyst');
    }, 600_000);
    afterAll(async () => t?.close());

    it('GET /api/councils matches CouncilListResponse and loses nothing the service answered', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/councils', headers: analyst });
      expect(res.statusCode).toBe(200);
      expect(schemaProblems(CouncilListResponse, res.json())).toEqual([]);
      expect(res.json().councils.length).toBeGreaterThan(1);
      expect(res.json()).toEqual(wire(await listCouncilsFor(t.database.db, viewerOf('analyst'), undefined)));
    });

    it('GET /api/councils/member-candidates matches MemberCandidatesResponse and loses nothing', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/councils/member-candidates', headers: analyst });
      expect(res.statusCode).toBe(200);
      expect(schemaProblems(MemberCandidatesResponse, res.json())).toEqual([]);
      expect(res.json()).toEqual(wire(await listMemberCandidatesFor(t.database.db, viewerOf('analyst'), undefined)));
    });

    it('POST /api/councils and GET /api/councils/{id} answer a CouncilSchema', async () => {
      const { councils } = (await t.app.inject({ method: 'GET', url: '/api/councils', headers: analyst })).json();
      const created = await t.app.inject({
        method: 'POST', url: '/api/councils', headers: analyst,
        payload: { name: 'Schemarådet', level: 'local', district_ids: councils[0].district_ids.slice(0, 1) },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(schemaProblems(CouncilSchema, created.json())).toEqual([]);
      const again = await t.app.inject({ method: 'GET', url: `/api/councils/${created.json().id}`, headers: analyst });
      expect(again.json()).toEqual(created.json());
    });

    it('notices every required field missing from a real council list', async () => {
      const body = (await t.app.inject({ method: 'GET', url: '/api/councils', headers: analyst })).json();
      const { tried, unnoticed } = unnoticedRemovals(CouncilListResponse, body);
      expect(tried).toBeGreaterThanOrEqual(10);
      expect(unnoticed).toEqual([]);
    });
  });
}
