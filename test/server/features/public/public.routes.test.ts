import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

async function createPromise(t: TestApp, m: string, status: string, title: string, districtId: number) {
  const row = await sql<{ id: number }>`
    INSERT INTO citizen_promise (municipality_code, title, district_ids, period_start, period_end, problems, evidence, status, internal_notes)
    VALUES (${m}, ${title}, ${[districtId]}, '2025-01-01', '2025-12-31', ${JSON.stringify(['Otrygghet vid torget'])}::jsonb,
            ${JSON.stringify({ hotspots: [1, 2] })}::jsonb, ${status}, 'internt: namngiven person')
    RETURNING id`.execute(t.database.db);
  const id = row.rows[0].id;
  await sql`INSERT INTO citizen_promise_commitment (municipality_code, promise_id, actor, text, responsible)
            VALUES (${m}, ${id}, 'police', 'Fler fotpatruller kvällstid', 'Lokalpolisområde Test')`.execute(t.database.db);
  await sql`INSERT INTO citizen_promise_indicator (municipality_code, promise_id, key, baseline, target)
            VALUES (${m}, ${id}, 'andel_otrygga', 0.31, 0.25), (${m}, ${id}, 'ran_torget', 3, 1), (${m}, ${id}, 'stold', 12, 8)`.execute(t.database.db);
  return id;
}

for (const backend of testBackends()) {
  describe(`public page and routes (${backend})`, () => {
    let t: TestApp;
    let a: number;
    let b: number;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      a = await createDistrict(db, { municipality: m, name: 'Åby', population: 1000, x: 0, y: 0, size: 1000 });
      b = await createDistrict(db, { municipality: m, name: 'Örby', population: 1000, x: 1000, y: 0, size: 1000 });
      await createDistrict(db, { municipality: m, name: 'Ystad', population: 1000, x: 2000, y: 0, size: 1000 });
      await createIncidents(db, m, [
        ...times(12, { at: '2025-03-15T12:00:00+01:00', x: 500, y: 500 }),
        ...times(3, { at: '2025-03-15T12:00:00+01:00', x: 1500, y: 500 }),
        ...times(30, { at: '2025-03-15T12:00:00+01:00', x: 2500, y: 500 }),
        ...times(9, { at: '2025-03-15T12:00:00+01:00', x: 500, y: 500, category: 'vald_nara_relation' }),
      ]);
      await createPromise(t, m, 'published', 'Tryggare torg', a);
      await createPromise(t, m, 'draft', 'Utkast som inte får synas', a);
    });
    afterAll(async () => t?.close());

    it('lists only published promises, without internal fields', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/public/citizen-promises' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.promises.map((p: { title: string }) => p.title)).toEqual(['Tryggare torg']);
      const text = res.body;
      expect(text).not.toContain('internt');
      expect(text).not.toContain('evidence');
      expect(text).not.toContain('hotspots');
      expect(body.promises[0].commitments[0]).toEqual({ actor: 'police', text: 'Fler fotpatruller kvällstid', responsible: 'Lokalpolisområde Test' });
    });

    it('hides an indicator value that is a small count', async () => {
      const body = (await t.app.inject({ method: 'GET', url: '/api/public/citizen-promises' })).json();
      const small = body.promises[0].indicators.find((i: { key: string }) => i.key === 'ran_torget');
      expect(small).toMatchObject({ baseline: null, target: null, suppressed: true });
      const share = body.promises[0].indicators.find((i: { key: string }) => i.key === 'andel_otrygga');
      expect(share).toMatchObject({ baseline: 0.31, suppressed: false });
      // A measured count is rounded to 5 as every public count is; the target, a commitment, is not.
      const thefts = body.promises[0].indicators.find((i: { key: string }) => i.key === 'stold');
      expect(thefts).toMatchObject({ baseline: 10, target: 8, suppressed: false });
    });

    it('gives district trends for open categories only, small counts protected', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/public/trends?from=2025-01-01&to=2026-01-01' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.categories).not.toContain('vald_nara_relation');
      const byId = new Map(body.districts.map((d: { id: number }) => [d.id, d]));
      const ystad = body.districts.find((d: { name: string }) => d.name === 'Ystad');
      expect(ystad).toMatchObject({ count: 30, suppressed: false });
      expect(byId.get(b)).toMatchObject({ count: null, suppression: 'small' });
      // Åby (12 open; the 9 protected ones are not counted) is the smallest other cell: hidden to protect Örby.
      expect(byId.get(a)).toMatchObject({ count: null, suppression: 'complementary' });
    });

    it('hides a complementary district so the small one cannot be recovered from the total', async () => {
      const body = (await t.app.inject({ method: 'GET', url: '/api/public/trends?from=2025-01-01&to=2026-01-01' })).json();
      const hidden = body.districts.filter((d: { count: number | null }) => d.count === null);
      expect(hidden.length).toBeGreaterThanOrEqual(2);
    });

    it('refuses protected categories in public trends', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/public/trends?category=vald_nara_relation' })).statusCode).toBe(403);
    });

    it('renders the public HTML page without scripts', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/public' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('Tryggare torg');
      expect(res.body).not.toContain('Utkast');
      expect(res.body).not.toContain('<script');
      expect(res.body).toContain('&lt;5');
    });

    it('escapes promise text in the HTML page', async () => {
      await createPromise(t, '0999', 'published', '<img src=x onerror=alert(1)>', a);
      const res = await t.app.inject({ method: 'GET', url: '/public' });
      expect(res.body).not.toContain('<img src=x');
      expect(res.body).toContain('&lt;img src=x');
    });
  });
}
