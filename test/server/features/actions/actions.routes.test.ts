import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`actions with follow-up (${backend})`, () => {
    let t: TestApp;
    let a: number;
    let b: number;
    let c: number;
    let other: number;
    const h = {} as Record<Role, Record<string, string>>;
    const inject = (method: 'GET' | 'POST' | 'PUT', url: string, role: Role, payload?: unknown) =>
      t.app.inject({ method, url, headers: h[role], ...(payload === undefined ? {} : { payload: payload as object }) });
    const action = (extra: Record<string, unknown>) => ({
      municipality: '0999', title: 'Belysning och trygghetsvandring', responsible: 'Tekniska nämnden', start_date: '2025-05-01', status: 'ongoing',
      area: { district_ids: [a] }, indicators: [{ key: 'stold' }], ...extra,
    });

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      await createMunicipality(db, '0998', 'Annan');
      a = await createDistrict(db, { municipality: m, name: 'A', population: 1000, x: 0, y: 0, size: 1000 });
      b = await createDistrict(db, { municipality: m, name: 'B', population: 1000, x: 1000, y: 0, size: 1000 });
      c = await createDistrict(db, { municipality: m, name: 'C', population: 1000, x: 2000, y: 0, size: 1000 });
      other = await createDistrict(db, { municipality: '0998', name: 'X', population: 10, x: 9000, y: 0, size: 1000 });
      await createIncidents(db, m, [
        // A: 20 stöld in the 61 days before 1 May 2025, 6 in the 61 days after; one older one outside both periods.
        ...times(20, { at: '2025-04-10T12:00:00+02:00', x: 500, y: 500, category: 'stold' }),
        ...times(6, { at: '2025-05-20T12:00:00+02:00', x: 500, y: 500, category: 'stold' }),
        { at: '2025-02-15T12:00:00+01:00', x: 500, y: 500, category: 'stold' },
        // B: 10 klotter before, 9 after; 3 stöld after (a small count).
        ...times(10, { at: '2025-04-10T12:00:00+02:00', x: 1500, y: 500, category: 'klotter' }),
        ...times(9, { at: '2025-05-20T12:00:00+02:00', x: 1500, y: 500, category: 'klotter' }),
        ...times(3, { at: '2025-05-20T12:00:00+02:00', x: 1500, y: 500, category: 'stold' }),
        // The latest incident: the data end on 1 July 2025.
        { at: '2025-06-30T12:00:00+02:00', x: 2500, y: 500, category: 'hot' },
      ]);
      // Two surveys in A: 20 of 40 otrygga before the start, 10 of 40 after.
      for (const [name, from, to, otrygga] of [['Trygghetsmätning vår', '2025-01-10', '2025-02-01', 20], ['Trygghetsmätning sommar', '2025-06-01', '2025-06-15', 10]] as const) {
        const sid = (await sql<{ id: number }>`INSERT INTO survey (municipality_code, name, conducted_from, conducted_to) VALUES (${m}, ${name}, ${from}, ${to}) RETURNING id`.execute(db)).rows[0].id;
        await sql`INSERT INTO survey_response (municipality_code, survey_id, response_ref, district_id, gender, otrygg_kvall)
          SELECT ${m}, ${sid}, 'r' || i, ${a}, 'kvinna', CASE WHEN i < ${otrygga} THEN 4 ELSE 1 END FROM generate_series(0, 39) AS i`.execute(db);
      }
      for (const role of ['public', 'council', 'planner', 'analyst', 'police', 'admin'] as const) h[role] = await authHeaders(t, role);
    }, 300_000);
    afterAll(async () => t?.close());

    it('follows up a worked action with the exact test (hand-computed)', async () => {
      const res = await inject('POST', '/api/actions', 'analyst', action({ indicators: [{ key: 'stold' }, { key: 'otrygg' }] }));
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body.follow_up_periods).toMatchObject({ before: { from: '2025-03-01', to: '2025-05-01' }, after: { from: '2025-05-01', to: '2025-07-01' }, days: 61 });
      const stold = body.follow_up[0];
      // a = 6, b = 20: p = 2 · Σ_{k=0..6} C(26,k) / 2^26 = 2 · 313912 / 67108864 = 0.0093553…
      expect(stold).toMatchObject({ key: 'stold', kind: 'category', before: 20, after: 6, change_pct: -70, significant: true });
      expect(stold.p_value).toBeCloseTo((2 * 313912) / 67108864, 12);
      expect(stold.note).toContain('decrease');
      // Shares 0.5 → 0.25 on n = 40 each: difference −0.25, SE √(0.25/40 + 0.1875/40) = 0.1045825, 95 % CI −0.45498 to −0.04502.
      const otrygg = body.follow_up[1];
      expect(otrygg).toMatchObject({ key: 'otrygg', kind: 'survey_share', before: 0.5, after: 0.25, change_pct: -50, significant: true, before_n: 40, after_n: 40 });
      expect(otrygg.difference.value).toBeCloseTo(-0.25, 12);
      expect(otrygg.difference.low).toBeCloseTo(-0.45498, 4);
      expect(otrygg.difference.high).toBeCloseTo(-0.04502, 4);
      expect(otrygg.p_value).toBeCloseTo(0.01683, 4);
    });

    it('reports no significant change for an action that did not work (p = 1)', async () => {
      const res = await inject('POST', '/api/actions', 'police', action({ area: { district_ids: [b] }, indicators: [{ key: 'klotter' }] }));
      const entry = res.json().follow_up[0];
      // a = 9, b = 10, n = 19 odd: P(X ≤ 9) = ½ exactly, so p = min(1, 2 · ½) = 1.
      expect(entry).toMatchObject({ before: 10, after: 9, change_pct: -10, significant: false });
      expect(entry.p_value).toBeCloseTo(1, 12);
      expect(entry.note).toContain('chance');
    });

    it('says plainly when the after-period is too short', async () => {
      const res = await inject('POST', '/api/actions', 'analyst', action({ start_date: '2025-06-20', indicators: [{ key: 'stold' }, { key: 'otrygg' }] }));
      const [stold, otrygg] = res.json().follow_up;
      expect(res.json().follow_up_periods.days).toBe(11);
      expect(stold.significant).toBe(false);
      expect(stold.note).toMatch(/only 11 days.*too early/);
      expect(otrygg.note).toContain('no survey has been conducted after the start');
    });

    it('says plainly when the counts are too small, and hides small counts from a council member', async () => {
      const created = (await inject('POST', '/api/actions', 'analyst', action({ area: { district_ids: [b] }, indicators: [{ key: 'stold' }, { key: 'vald_nara_relation' }] }))).json();
      expect(created.follow_up[0]).toMatchObject({ before: 0, after: 3, significant: false });
      expect(created.follow_up[0].note).toContain('too few');
      const council = (await inject('GET', `/api/actions/${created.id}`, 'council')).json();
      expect(council.follow_up[0]).toMatchObject({ before: null, after: null, p_value: null });
      expect(council.follow_up[0].note).toContain('not shown for your role');
      expect(council.follow_up[1]).toMatchObject({ before: null, note: 'your role may not see this category' });
    });

    it('follows up a drawn area like the district it covers', async () => {
      const ring = await sql<{ g: string }>`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(650000, 6600000, 651000, 6601000, 3006), 4326), 9) AS g`.execute(t.database.db);
      const res = await inject('POST', '/api/actions', 'analyst', action({ area: { geometry: JSON.parse(ring.rows[0].g) } }));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().area.geometry.type).toBe('MultiPolygon');
      expect(res.json().follow_up[0]).toMatchObject({ before: 20, after: 6 });
    });

    it('rejects bad input naming the field and writes nothing', async () => {
      const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM action`.execute(t.database.db)).rows[0].n;
      const cases: [Record<string, unknown>, string][] = [
        [{ area: { district_ids: [999999] } }, 'area.district_ids'],
        [{ area: { district_ids: [other] } }, 'area.district_ids'],
        [{ area: { geometry: { type: 'Point', coordinates: [17, 59] } } }, 'area.geometry'],
        [{ area: { geometry: { type: 'Polygon', coordinates: [[[17, 59], [18, 59], [18, 60]]] } } }, 'area.geometry'],
        [{ start_date: '2025-02-30' }, 'start_date'],
        [{ start_date: '1899-01-01' }, 'start_date'],
        [{ end_date: '2025-04-01' }, 'end_date'],
        [{ indicators: [{ key: 'nonsense' }] }, 'indicators.0.key'],
        [{ indicators: [{ key: 'stold' }, { key: 'stold' }] }, 'indicators'],
        [{ priority_id: 999999 }, 'priority_id'],
        [{ promise_id: 999999 }, 'promise_id'],
        [{ responsible: '  ' }, 'responsible'],
        [{ status: 'maybe' }, 'status'],
      ];
      for (const [extra, field] of cases) {
        const res = await inject('POST', '/api/actions', 'analyst', action(extra));
        expect(res.statusCode, `${JSON.stringify(extra)} ${res.body}`).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field).join(' '), JSON.stringify(extra)).toContain(field);
      }
      const huge = await inject('POST', '/api/actions', 'analyst', action({ description: 'x'.repeat(600_000) }));
      expect(huge.statusCode).toBe(413);
      expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM action`.execute(t.database.db)).rows[0].n).toBe(before);
    });

    it('lets analysts and police edit, councils and planners read, and keeps the public and admin out', async () => {
      const id = (await inject('POST', '/api/actions', 'analyst', action({}))).json().id;
      const put = await inject('PUT', `/api/actions/${id}`, 'police', action({ status: 'done', end_date: '2025-06-01' }));
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({ status: 'done', end_date: '2025-06-01' });
      expect(put.json().follow_up_periods.days).toBe(32);
      for (const role of ['council', 'planner'] as const) {
        expect((await inject('GET', `/api/actions/${id}`, role)).statusCode).toBe(200);
        expect((await inject('PUT', `/api/actions/${id}`, role, action({}))).statusCode).toBe(403);
      }
      expect((await inject('GET', `/api/actions/${id}`, 'public')).statusCode).toBe(401);
      expect((await inject('GET', '/api/actions?municipality=0999', 'admin')).statusCode).toBe(403);
      const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE filters->>'action' = ${String(id)} ORDER BY id`.execute(t.database.db);
      expect(audit.rows.map((r) => r.action)).toEqual(['action.create', 'action.update']);
      expect((await inject('GET', '/api/actions?municipality=0999&status=done', 'planner')).json().actions.map((x: { id: number }) => x.id)).toContain(id);
    });
  });
}
