import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/** Two-sided exact conditional Poisson test by direct summation (independent of server/stats). */
function poissonP(a: number, b: number) {
  const n = a + b;
  let c = 1, lower = 0, upper = 0;
  for (let j = 0; j <= n; j++) {
    if (j > 0) c = (c * (n - j + 1)) / j;
    const p = c / 2 ** n;
    if (j <= a) lower += p;
    if (j >= a) upper += p;
  }
  return Math.min(1, 2 * Math.min(lower, upper));
}

for (const backend of testBackends()) {
  describe(`citizen promises (${backend})`, () => {
    let t: TestApp;
    let districtA: number;
    let districtB: number;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      districtA = await createDistrict(db, { municipality: m, name: 'Åby', population: 2000, x: 0, y: 0, size: 1000 });
      districtB = await createDistrict(db, { municipality: m, name: 'Berga', population: 2000, x: 1000, y: 0, size: 1000 });
      await createIncidents(db, m, [
        ...times(30, { at: '2024-06-10T22:00:00+02:00', x: 300, y: 300, category: 'stold' }), // baseline year, Åby
        ...times(12, { at: '2025-06-10T22:00:00+02:00', x: 300, y: 300, category: 'stold' }), // promise year, Åby
        ...times(40, { at: '2025-11-20T12:00:00+01:00', x: 300, y: 300, category: 'skadegorelse' }), // Åby, the draft's evidence year
        ...times(4, { at: '2025-11-20T12:00:00+01:00', x: 1500, y: 300, category: 'skadegorelse' }), // Berga
        ...times(8, { at: '2024-06-10T12:00:00+02:00', x: 320, y: 300, category: 'narkotika' }),
      ]);
      const survey = await sql<{ id: number }>`INSERT INTO survey (municipality_code, name, conducted_from, conducted_to) VALUES (${m}, 'T 2024', '2024-05-01', '2024-05-31') RETURNING id`.execute(db);
      for (let k = 0; k < 20; k++) {
        await sql`INSERT INTO survey_response (municipality_code, survey_id, response_ref, district_id, gender, age_group, otrygg_kvall)
                  VALUES (${m}, ${survey.rows[0].id}, ${`r${k}`}, ${districtA}, ${k % 2 ? 'kvinna' : 'man'}, '35-49', ${k < 12 ? 3 : 1})`.execute(db);
      }
    });
    afterAll(async () => t?.close());

    const call = async (role: Role, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
      t.app.inject({ method, url, payload: payload as never, headers: await authHeaders(t, role) });
    const promiseBody = (over: Record<string, unknown> = {}) => ({
      municipality: '0999', title: 'Tryggare Åby', area: { district_ids: [districtA] }, period_start: '2025-01-01', period_end: '2026-01-01',
      problems: ['Cykelstölder vid stationen'],
      commitments: [{ actor: 'police', text: 'Riktade kontroller kvällstid', responsible: 'Lokalpolisområde Demo' }, { actor: 'municipality', text: 'Bättre belysning', responsible: 'Tekniska nämnden' }],
      indicators: [{ key: 'stold', target: 20 }, { key: 'survey:otrygg', target: 0.5 }],
      internal_notes: 'INTERNAL-NOTE-TEXT',
      ...over,
    });
    const count = async (table: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.database.db)).rows[0].n;

    it('creates a draft with baselines computed from the data, matching an independent query', async () => {
      const res = await call('police', 'POST', '/api/citizen-promises', promiseBody());
      expect(res.statusCode, res.body).toBe(201);
      const p = res.json();
      expect(p.status).toBe('draft');
      const stold = p.indicators.find((i: { key: string }) => i.key === 'stold');
      const independent = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM incident i JOIN district d ON d.id = i.district_id
         WHERE d.name = 'Åby' AND i.category_code = 'stold'
           AND i.occurred_at >= (${stold.baseline_from}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
           AND i.occurred_at < (${stold.baseline_to}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`.execute(t.database.db);
      expect(stold.baseline_to).toBe('2025-01-01');
      expect(stold.baseline).toBe(independent.rows[0].n);
      expect(stold.baseline).toBe(30);
      expect(p.indicators.find((i: { key: string }) => i.key === 'survey:otrygg').baseline).toBeCloseTo(0.6, 6);
      expect(p.internal_notes).toBe('INTERNAL-NOTE-TEXT');
    });

    it('walks draft → agreed → published → followed_up, never back from published, with who and when, audited', async () => {
      const id = (await call('analyst', 'POST', '/api/citizen-promises', promiseBody())).json().id;
      const status = (role: Role, s: string) => call(role, 'POST', `/api/citizen-promises/${id}/status`, { status: s });
      expect((await status('analyst', 'published')).statusCode).toBe(409);
      expect((await status('analyst', 'agreed')).statusCode).toBe(200);
      expect((await status('analyst', 'draft')).statusCode).toBe(200);
      expect((await status('analyst', 'agreed')).statusCode).toBe(200);
      const published = await status('police', 'published');
      expect(published.statusCode, published.body).toBe(200);
      expect(published.json().published_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect((await status('police', 'draft')).statusCode).toBe(409);
      expect((await status('police', 'agreed')).statusCode).toBe(409);
      expect((await call('police', 'PUT', `/api/citizen-promises/${id}`, promiseBody({ title: 'Ändrad' }))).statusCode).toBe(409);
      expect((await call('police', 'DELETE', `/api/citizen-promises/${id}`)).statusCode).toBe(409);
      const done = await status('police', 'followed_up');
      expect(done.statusCode, done.body).toBe(200);
      const body = done.json();
      expect(body.history.map((h: { to_status: string }) => h.to_status)).toEqual(['agreed', 'draft', 'agreed', 'published', 'followed_up']);
      expect(body.history[3]).toMatchObject({ role: 'police', actor: 'test police' });
      const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'citizen_promises.status.%' AND filters->>'id' = ${String(id)}`.execute(t.database.db);
      expect(audit.rows[0].n).toBe(5);
      // Follow-up: 12 thefts in 2025 against 30 in the equally long period before, with SPEC §5's exact test.
      const f = body.follow_up.find((x: { key: string }) => x.key === 'stold');
      expect(f).toMatchObject({ before: 30, after: 12, target_met: true, significant: true });
      expect(f.p_value).toBeCloseTo(poissonP(12, 30), 12);
      expect(body.indicators.find((i: { key: string }) => i.key === 'stold').followup).toBe(12);
      expect((await status('police', 'draft')).statusCode).toBe(409);
    });

    it('shows the public published promises only, without internal fields or restricted indicators', async () => {
      const id = (await call('police', 'POST', '/api/citizen-promises', promiseBody({ title: 'Publik', indicators: [{ key: 'stold' }, { key: 'narkotika' }] }))).json().id;
      await call('police', 'POST', `/api/citizen-promises/${id}/status`, { status: 'agreed' });
      await call('police', 'POST', `/api/citizen-promises/${id}/status`, { status: 'published' });
      const draftId = (await call('police', 'POST', '/api/citizen-promises', promiseBody({ title: 'Hemligt utkast' }))).json().id;
      for (const res of [await call('public', 'GET', '/api/citizen-promises?municipality=0999'), await call('public', 'GET', '/api/public/citizen-promises?municipality=0999')]) {
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('Publik');
        expect(res.body).not.toContain('Hemligt utkast');
        expect(res.body).not.toContain('INTERNAL-NOTE-TEXT');
        expect(res.body).not.toContain('narkotika');
      }
      expect((await call('public', 'GET', `/api/citizen-promises/${draftId}`)).statusCode).toBe(404);
      expect((await call('council', 'GET', `/api/citizen-promises/${id}`)).json()).not.toHaveProperty('internal_notes');
      const page = await t.app.inject({ method: 'GET', url: '/public?municipality=0999' });
      expect(page.body).toContain('Publik');
      expect(page.body).toContain('Så följer vi upp');
    });

    it.each([['public', 401], ['council', 403], ['planner', 403], ['admin', 403]] as const)('refuses %s to create, draft or move promises', async (role, code) => {
      const before = await count('citizen_promise');
      expect((await call(role, 'POST', '/api/citizen-promises', promiseBody())).statusCode).toBe(code);
      expect((await call(role, 'POST', '/api/citizen-promises/draft', { municipality: '0999', area: { district_ids: [districtA] } })).statusCode).toBe(code);
      expect((await call(role, 'POST', '/api/citizen-promises/1/status', { status: 'agreed' })).statusCode).toBe(code);
      expect(await count('citizen_promise')).toBe(before);
    });

    it('drafts from districts: problems over the municipality rate and baselines from the data', async () => {
      const res = await call('analyst', 'POST', '/api/citizen-promises/draft', {
        municipality: '0999', area: { district_ids: [districtA] }, from: '2025-01-01', to: '2026-01-01', period_start: '2026-01-01', period_end: '2027-01-01',
      });
      expect(res.statusCode, res.body).toBe(200);
      const d = res.json();
      const skadegorelse = d.evidence.categories.find((c: { category: string }) => c.category === 'skadegorelse');
      // 40 of the municipality's 44 in half its area: expected 22.
      expect(skadegorelse).toMatchObject({ expected: 22, over_rate: true });
      expect(d.problems.some((p: string) => p.startsWith('Skadegörelse är vanligare'))).toBe(true);
      expect(d.evidence.survey.shares.find((x: { key: string }) => x.key === 'survey:otrygg')).toMatchObject({ area: 0.6, municipality: 0.6, n: 20 });
      expect(d.evidence.survey.groups.find((g: { gender: string | null }) => g.gender === 'kvinna')).toMatchObject({ share: 0.6, n: 10 });
      const ind = d.indicators.find((i: { key: string }) => i.key === 'skadegorelse');
      expect(ind.baseline_to <= '2026-01-01').toBe(true);
      const independent = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM incident WHERE district_id = ${districtA} AND category_code = 'skadegorelse'
           AND occurred_at >= (${ind.baseline_from}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
           AND occurred_at < (${ind.baseline_to}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`.execute(t.database.db);
      expect(ind.baseline).toBe(Math.round(independent.rows[0].n / 5) * 5); // analysts' counts are rounded (protected categories in the set)
    });

    it('drafts from selected hotspot cells (200 m hexagons)', async () => {
      // The cell holding the incidents at offset (300, 300) from ORIGIN (650000, 6600000).
      const cell = await sql<{ i: number; j: number }>`SELECT hex200_i AS i, hex200_j AS j FROM incident WHERE category_code = 'skadegorelse' AND district_id = ${districtA} LIMIT 1`.execute(t.database.db);
      const res = await call('police', 'POST', '/api/citizen-promises/draft', {
        municipality: '0999', area: { hotspot_cells: [cell.rows[0]] }, from: '2025-01-01', to: '2026-01-01',
      });
      expect(res.statusCode, res.body).toBe(200);
      const d = res.json();
      expect(d.area.geometry.type).toBe('MultiPolygon');
      expect(d.evidence.categories.find((c: { category: string }) => c.category === 'skadegorelse').count).toBe(40);
    });

    it.each([
      ['two kinds of area', { area: { district_ids: [1], geometry: { type: 'Polygon', coordinates: [] } } }, 'area'],
      ['a self-intersecting polygon', { area: { geometry: { type: 'Polygon', coordinates: [[[17.66, 59.51], [17.67, 59.52], [17.67, 59.51], [17.66, 59.52], [17.66, 59.51]]] } } }, 'area.geometry'],
      ['an unknown district', { area: { district_ids: [987654] } }, 'area.district_ids'],
      ['an unknown indicator', { indicators: [{ key: 'nonsense' }] }, 'indicators.0.key'],
      ['a period ending before it starts', { period_end: '2024-01-01' }, 'period_end'],
      ['a bad date', { period_start: '2025-02-30' }, 'period_start'],
      ['an unknown actor', { commitments: [{ actor: 'mayor', text: 'x' }] }, 'commitments.0.actor'],
      ['an unknown field', { owner: 'x' }, 'owner'],
      ['an oversized title', { title: 'x'.repeat(301) }, 'title'],
    ])('rejects %s with a 400 naming the field, saving nothing', async (_label, over, field) => {
      const before = await count('citizen_promise');
      const res = await call('police', 'POST', '/api/citizen-promises', promiseBody(over));
      expect(res.statusCode, res.body).toBe(400);
      expect(JSON.stringify(res.json().errors)).toContain(field);
      expect(await count('citizen_promise')).toBe(before);
    });

    it('edits and deletes drafts', async () => {
      const id = (await call('police', 'POST', '/api/citizen-promises', promiseBody())).json().id;
      const edited = await call('police', 'PUT', `/api/citizen-promises/${id}`, promiseBody({ title: 'Nytt namn', area: { district_ids: [districtB] }, indicators: [{ key: 'stold', baseline: 7 }] }));
      expect(edited.statusCode, edited.body).toBe(200);
      expect(edited.json()).toMatchObject({ title: 'Nytt namn', area: { district_ids: [districtB] } });
      expect(edited.json().indicators[0].baseline).toBe(7);
      expect((await call('police', 'DELETE', `/api/citizen-promises/${id}`)).statusCode).toBe(204);
      expect((await call('police', 'GET', `/api/citizen-promises/${id}`)).statusCode).toBe(404);
    });
  });
}
