import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../shared/roles.ts';
import { createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`GET /api/survey-marks (${backend})`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      const survey = await sql<{ id: number }>`INSERT INTO survey (municipality_code, name) VALUES (${m}, 'Trygghetsmätning 2025') RETURNING id`.execute(db);
      const sid = survey.rows[0].id;
      const marks: [string, string[], string, string | null, string][] = [
        ['m1', ['belysning', 'vegetation'], 'kvall', 'Mörkt vid tunneln', 'approved'],
        ['m2', ['narkotika'], 'natt', 'Ej granskad kommentar', 'pending'],
        ['m3', ['belysning'], 'dag', null, 'none'],
      ];
      for (const [ref, reasons, time, comment, status] of marks) {
        await sql`INSERT INTO survey_mark (municipality_code, survey_id, mark_ref, geom, reasons, time_of_day, comment, comment_status)
                  VALUES (${m}, ${sid}, ${ref}, ST_SetSRID(ST_MakePoint(${ORIGIN.e + 100}::float8, ${ORIGIN.n + 100}::float8), 3006),
                          ${reasons}::text[], ${time}, ${comment}, ${status})`.execute(db);
      }
    });
    afterAll(async () => t?.close());

    const get = async (url: string, role?: Role) => t.app.inject({ method: 'GET', url, headers: role ? await authHeaders(t, role) : {} });
    const comments = (body: { features: { properties: { comment: string | null } }[] }) =>
      body.features.map((f) => f.properties.comment).filter(Boolean);

    it('refuses marks to the public', async () => {
      expect((await get('/api/survey-marks')).statusCode).toBe(403);
    });

    it('shows council members only approved comments', async () => {
      const res = await get('/api/survey-marks', 'council');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.features).toHaveLength(3);
      expect(comments(body)).toEqual(['Mörkt vid tunneln']);
      expect(body.features[0].properties).not.toHaveProperty('comment_status');
      expect(body.features[0].geometry.coordinates[0]).toBeGreaterThan(17.5);
    });

    it('shows analysts pending comments too, with their status', async () => {
      const body = (await get('/api/survey-marks', 'analyst')).json();
      expect(comments(body).sort()).toEqual(['Ej granskad kommentar', 'Mörkt vid tunneln']);
      expect(body.features.find((f: { properties: { comment_status: string } }) => f.properties.comment_status === 'pending')).toBeDefined();
    });

    it('filters by reason (any of) and time of day', async () => {
      expect((await get('/api/survey-marks?reason=belysning', 'planner')).json().features).toHaveLength(2);
      expect((await get('/api/survey-marks?reason=narkotika,vegetation', 'planner')).json().features).toHaveLength(2);
      expect((await get('/api/survey-marks?time_of_day=kvall,natt', 'planner')).json().features).toHaveLength(2);
      expect((await get('/api/survey-marks?reason=belysning&time_of_day=dag', 'planner')).json().features).toHaveLength(1);
    });

    it.each([
      ['unknown reason', '/api/survey-marks?reason=belysning,hacker', 'reason'],
      ['unknown time', '/api/survey-marks?time_of_day=midnight', 'time_of_day'],
      ['unknown parameter', '/api/survey-marks?limit=5', 'limit'],
      ['bad survey id', '/api/survey-marks?survey=-1', 'survey'],
      ['oversized list', `/api/survey-marks?reason=${'belysning,'.repeat(100)}`, 'reason'],
    ])('rejects %s with a 400 naming it', async (_name, url, field) => {
      const res = await get(url, 'analyst');
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain(field);
    });

    it('audits every request', async () => {
      const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE route = '/api/survey-marks'`.execute(t.database.db);
      await get('/api/survey-marks', 'council');
      await get('/api/survey-marks');
      const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE route = '/api/survey-marks'`.execute(t.database.db);
      expect(after.rows[0].n - before.rows[0].n).toBe(2);
    });
  });
}
