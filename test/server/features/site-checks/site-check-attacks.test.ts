import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/**
 * Disclosure control for site checks (issue 10): a planner or analyst may draw a site anywhere, as small as a
 * 10 m circle, and move it a few metres at a time. Counting each incident where it lies would then say which
 * address had the two planted assaults. Below police a site counts incidents by their 500 m grid cell, so
 * every site within the same cells answers the same, wherever the spot is.
 */
const SPOT = { x: 1234, y: 1777 };
const PERIOD = { municipality: '0999', from: '2025-01-01', to: '2026-01-01', category: 'misshandel' };

for (const backend of testBackends()) {
  describe(`site checks against location attacks (${backend})`, () => {
    let t: TestApp;
    const h = {} as Record<Role, Record<string, string>>;
    const circle = async (x: number, y: number, radius: number, role: Role) => {
      const p = (await sql<{ lon: number; lat: number }>`SELECT ST_X(w)::float8 AS lon, ST_Y(w)::float8 AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${ORIGIN.e + x}::float8, ${ORIGIN.n + y}::float8), 3006), 4326) AS w) q`.execute(t.database.db)).rows[0];
      const res = await t.app.inject({ method: 'POST', url: '/api/site-checks', headers: h[role], payload: { ...PERIOD, geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, buffer_m: radius } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    /** Everything a site check says about incidents, without the geometry echo that differs by construction. */
    const numbers = (body: { incidents: { categories: unknown[]; totals: unknown[]; zones: { area_in_municipality_m2: number }[] }; time: unknown }) => ({
      categories: body.incidents.categories, totals: body.incidents.totals, time: body.time,
      counted_area: body.incidents.zones.map((z) => z.area_in_municipality_m2),
    });

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      await createDistrict(db, { municipality: m, name: 'Hela', population: 8000, x: 0, y: 0, size: 4000 });
      await createIncidents(db, m, [
        { at: '2025-06-10T22:00:00+02:00', ...SPOT, category: 'misshandel' },
        { at: '2025-06-11T23:00:00+02:00', x: SPOT.x + 6, y: SPOT.y - 5, category: 'misshandel' },
        ...times(7, { at: '2025-03-01T12:00:00+01:00', x: 3300, y: 300, category: 'misshandel' }),
      ]);
      for (const role of ['planner', 'analyst', 'police'] as const) h[role] = await authHeaders(t, role);
    });
    afterAll(async () => t?.close());

    // The spot's cell is [1000, 1500] × [1500, 2000], centre (1250, 1750); its neighbours' centres are 500 and 707 m
    // from it. A 100 m site centred less than 100 m from (1250, 1750) covers that centre in the site itself, the four
    // nearest neighbours within 500 m and no other centre: every such site counts the same cells.
    it('answers a 100 m site holding the spot exactly as one that leaves it out, for planner and analyst', async () => {
      for (const role of ['planner', 'analyst'] as const) {
        const on = numbers(await circle(SPOT.x, SPOT.y, 100, role));
        expect(numbers(await circle(1340, 1720, 100, role)), role).toEqual(on);
      }
      // Police, the control, see the two assaults in the site on the spot and none in the one beside it.
      const site = (body: { incidents: { totals: { zone: string; count: number }[] } }) => body.incidents.totals.find((z) => z.zone === 'site')!.count;
      expect(site(await circle(SPOT.x, SPOT.y, 100, 'police'))).toBe(2);
      expect(site(await circle(1340, 1720, 100, 'police'))).toBe(0);
    });

    it('moving a site 20 m at a time across the cell changes nothing', async () => {
      const answers = [];
      for (let x = 1170; x <= 1330; x += 20) answers.push(numbers(await circle(x, 1750, 100, 'planner')));
      for (const a of answers) expect(a).toEqual(answers[0]);
    });

    it('hides a time pattern whose total is 1–4 whole', async () => {
      // A site whose 100 m zone covers the spot's cell centre: the two assaults (hidden) and nothing else.
      const body = await circle(1250, 1750, 10, 'planner');
      expect(body.time.total).toBeNull();
      expect(body.time.weekday_hour.flat().every((v: unknown) => v === null)).toBe(true);
      expect(body.incidents.totals.find((z: { zone: string }) => z.zone === 'site').count).toBeNull();
    });
  });
}
