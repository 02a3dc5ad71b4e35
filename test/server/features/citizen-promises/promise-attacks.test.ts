import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/**
 * Disclosure control for medborgarlöften (issue 10). A draft takes any drawn area and answers with counts per
 * category: an analyst shrinking the area around a spot would see where the three planted sexual offences
 * (protected: suppressed for analysts) are. Below police a drawn area is counted by 500 m grid cell and must
 * hold one cell; a promise's stored baselines reach each role through the same protection as every count.
 */
const SPOT = { x: 2600, y: 900 };

for (const backend of testBackends()) {
  describe(`medborgarlöften against location attacks (${backend})`, () => {
    let t: TestApp;
    let district: number;
    const h = {} as Record<Role, Record<string, string>>;
    const rect = async (x0: number, y0: number, x1: number, y1: number) =>
      JSON.parse((await sql<{ g: string }>`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(${ORIGIN.e + x0}::float8, ${ORIGIN.n + y0}::float8, ${ORIGIN.e + x1}::float8, ${ORIGIN.n + y1}::float8, 3006), 4326), 9) AS g`.execute(t.database.db)).rows[0].g);
    const draft = (role: Role, area: unknown) => t.app.inject({
      method: 'POST', url: '/api/citizen-promises/draft', headers: h[role],
      payload: { municipality: '0999', area, from: '2025-01-01', to: '2026-01-01', period_start: '2026-01-01', period_end: '2027-01-01' },
    });
    const sexual = (body: { evidence: { categories: { category: string; count: number | null }[] } }) => body.evidence.categories.find((c) => c.category === 'sexualbrott');

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      district = await createDistrict(db, { municipality: m, name: 'Hela', population: 8000, x: 0, y: 0, size: 4000 });
      await createIncidents(db, m, [
        ...times(3, { at: '2025-06-12T21:00:00+02:00', ...SPOT, category: 'sexualbrott' }),
        ...times(6, { at: '2025-04-12T21:00:00+02:00', x: 300, y: 3300, category: 'sexualbrott' }),
        ...times(30, { at: '2025-04-12T21:00:00+02:00', x: 1300, y: 1300, category: 'stold' }),
      ]);
      for (const role of ['council', 'analyst', 'police'] as const) h[role] = await authHeaders(t, role);
    });
    afterAll(async () => t?.close());

    it('refuses an analyst a drawn area smaller than one 500 m cell, naming area.geometry; police may', async () => {
      const tiny = { geometry: await rect(SPOT.x - 20, SPOT.y - 20, SPOT.x + 20, SPOT.y + 20) };
      const res = await draft('analyst', tiny);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('area.geometry');
      const police = await draft('police', tiny);
      expect(police.statusCode, police.body).toBe(200);
      expect(sexual(police.json())).toMatchObject({ count: 3 });
    });

    it('answers an area holding the spot exactly as one leaving it out that covers the same cell centres', async () => {
      // The spot's cell is [2500, 3000] × [500, 1000], centre (2750, 750). Both rectangles cover that centre and no other.
      const withSpot = await draft('analyst', { geometry: await rect(2550, 400, 3100, 1000) });
      const withoutSpot = await draft('analyst', { geometry: await rect(2610, 400, 3160, 1000) });
      expect(withSpot.statusCode, withSpot.body).toBe(200);
      expect(withSpot.json().evidence.categories).toEqual(withoutSpot.json().evidence.categories);
      expect(withSpot.json().indicators).toEqual(withoutSpot.json().indicators);
      // Police, the control, see the difference.
      const p1 = sexual((await draft('police', { geometry: await rect(2550, 400, 3100, 1000) })).json())!;
      const p2 = sexual((await draft('police', { geometry: await rect(2610, 400, 3160, 1000) })).json())!;
      expect([p1.count, p2.count]).toEqual([3, 0]);
    });

    it('shows a stored baseline of a suppressed category rounded or hidden, as every count of it', async () => {
      // Police save a promise over the whole district with a computed sexualbrott baseline of 9 and a theft baseline of 30.
      const created = await t.app.inject({
        method: 'POST', url: '/api/citizen-promises', headers: h.police,
        payload: {
          municipality: '0999', title: 'Tryggare kvällar', area: { district_ids: [district] }, period_start: '2026-01-01', period_end: '2027-01-01',
          problems: ['Otrygghet kvällstid'], commitments: [], indicators: [{ key: 'sexualbrott', target: 5 }, { key: 'stold', target: 20 }],
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id;
      const baseline = async (role: Role, key: string) => {
        const res = await t.app.inject({ method: 'GET', url: `/api/citizen-promises/${id}`, headers: h[role] });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().indicators.find((i: { key: string }) => i.key === key)?.baseline;
      };
      expect(await baseline('police', 'sexualbrott')).toBe(9);
      expect(await baseline('analyst', 'sexualbrott')).toBe(10);
      expect(await baseline('analyst', 'stold')).toBe(30);
    });
  });
}
