import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../../server/features/demo/demo.seed.ts';
import { joinDemoCouncils } from '../../../../server/features/meetings/meetings.demo.ts';
import { createUser } from '../../../../server/features/auth/auth.service.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`demo councils, meetings and actions (${backend})`, () => {
    let t: TestApp;
    let analyst: Record<string, string>;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await seedDemo(t.database.db, { endDate: new Date('2026-11-15T12:00:00Z') });
      analyst = await authHeaders(t, 'analyst');
    }, 600_000);
    afterAll(async () => t?.close());

    it('ships one local council per kommundel and a coordinating council', async () => {
      const councils = (await t.app.inject({ method: 'GET', url: '/api/councils', headers: analyst })).json().councils;
      expect(councils.map((c: { level: string }) => c.level).sort()).toEqual(['coordinating', 'local', 'local', 'local']);
      expect(councils.filter((c: { level: string }) => c.level === 'local').every((c: { district_ids: number[] }) => c.district_ids.length === 4)).toBe(true);
    });

    it('ships two closed meetings with snapshots and priorities, and an upcoming open one', async () => {
      const meetings = (await t.app.inject({ method: 'GET', url: '/api/meetings', headers: analyst })).json().meetings;
      expect(meetings.map((m: { status: string }) => m.status)).toEqual(['open', 'closed', 'closed']);
      const past = (await t.app.inject({ method: 'GET', url: `/api/meetings/${meetings[2].id}`, headers: analyst })).json();
      expect(past.priorities.length).toBeGreaterThan(0);
      expect(past.snapshot.situation.districts).toHaveLength(4);
      expect(past.snapshot.situation.districts[0].stats.count).toEqual(expect.any(Number));
    });

    it('ships three actions: one that worked, one that did not, one too recent to tell', async () => {
      const actions = (await t.app.inject({ method: 'GET', url: '/api/actions', headers: analyst })).json().actions;
      expect(actions).toHaveLength(3);
      const followUps = await Promise.all(actions.map(async (a: { id: number }) => (await t.app.inject({ method: 'GET', url: `/api/actions/${a.id}`, headers: analyst })).json()));
      const first = followUps.map((a) => a.follow_up[0]);
      expect(first.filter((e) => e.significant && e.after < e.before)).toHaveLength(1);
      expect(first.filter((e) => !e.significant && e.note.includes('chance'))).toHaveLength(1);
      expect(first.filter((e) => e.note.includes('too early'))).toHaveLength(1);
      expect(followUps.some((a) => a.priority_id !== null)).toBe(true);
    });

    it('seats the demo council account on a local council', async () => {
      await createUser(t.database.db, { email: 'council@demo.lagesbild.example', password: 'demo-council-lagesbild', role: 'council', allMunicipalities: true, isDemo: true });
      await joinDemoCouncils(t.database.db);
      await joinDemoCouncils(t.database.db);
      const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM council_member`.execute(t.database.db)).rows[0].n;
      expect(n).toBe(1);
    });
  });
}
