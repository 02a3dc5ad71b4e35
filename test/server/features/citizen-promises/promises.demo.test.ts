import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../../server/features/demo/demo.seed.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`demo promises and site checks (${backend})`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await seedDemo(t.database.db, { endDate: new Date(), incidentCount: 8000 });
    }, 600_000);
    afterAll(async () => t?.close());

    it('publishes one promise being followed up, with its progress on /public', async () => {
      const body = (await t.app.inject({ method: 'GET', url: '/api/public/citizen-promises' })).json();
      expect(body.promises).toHaveLength(1);
      const p = body.promises[0];
      expect(p.status).toBe('published');
      expect(p.commitments.length).toBeGreaterThanOrEqual(2);
      expect(p.indicators.some((i: { baseline: number | null; followup: number | null }) => i.baseline !== null && i.followup !== null)).toBe(true);
      const page = await t.app.inject({ method: 'GET', url: '/public' });
      expect(page.body).toContain('Tryggare Centrum kvällstid');
      expect(page.body).not.toContain('Inga publicerade medborgarlöften');
    });

    it('keeps a draft for the editors', async () => {
      const body = (await t.app.inject({ method: 'GET', url: '/api/citizen-promises', headers: await authHeaders(t, 'police') })).json();
      expect(body.promises.map((p: { status: string }) => p.status).sort()).toEqual(['draft', 'published']);
      const draft = body.promises.find((p: { status: string }) => p.status === 'draft');
      expect(draft.indicators.length).toBeGreaterThan(0);
      expect(draft.indicators.every((i: { baseline: number | null }) => i.baseline !== null)).toBe(true);
    });

    it('ships two saved site checks that reopen', async () => {
      const headers = await authHeaders(t, 'planner');
      const list = (await t.app.inject({ method: 'GET', url: '/api/site-checks', headers })).json();
      expect(list.site_checks).toHaveLength(2);
      for (const s of list.site_checks) {
        const res = await t.app.inject({ method: 'GET', url: `/api/site-checks/${s.id}`, headers });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ recomputed: false, name: s.name });
        expect(res.json().checklist).toHaveLength(5);
      }
    });
  });
}
