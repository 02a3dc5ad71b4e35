import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_VIEWER, type Viewer } from '../../../../server/features/auth/viewer.ts';
import { resolveIncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { getNearRepeat, parseBands } from '../../../../server/features/near-repeat/near-repeat.service.ts';
import { mulberry32 } from '../../../../server/stats/random.ts';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

const as = (role: Role): Viewer => ({ ...PUBLIC_VIEWER, role });

for (const backend of testBackends()) {
  describe(`near-repeat (${backend})`, () => {
    let t: TestApp;
    const run = async (category: string, spaceBands: number[], timeBands: number[], role: Role = 'police') => {
      const filters = await resolveIncidentFilters(t.database.db, { from: '2025-01-01', to: '2026-01-01', category }, as(role));
      return getNearRepeat(t.database.db, filters, role, { spaceBands, timeBands, iterations: 99, seed: 1 });
    };

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      await createDistrict(db, { municipality: m, name: 'Hela', population: 10000, x: 0, y: 0, size: 5000 });
      // Worked example (cykelstold): four events, pairs by hand below.
      await createIncidents(db, m, [
        { category: 'cykelstold', at: '2025-03-01T12:00:00Z', x: 100, y: 100 },
        { category: 'cykelstold', at: '2025-03-04T12:00:00Z', x: 150, y: 100 },
        { category: 'cykelstold', at: '2025-03-31T12:00:00Z', x: 1100, y: 100 },
        { category: 'cykelstold', at: '2025-04-10T12:00:00Z', x: 160, y: 100 },
      ]);
      // Planted near-repeats (inbrott_bostad): 40 burglaries each followed within 2 days by one within 50 m, plus 120 random.
      const random = mulberry32(11);
      const day = (d: number) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString();
      const rows: { category: string; at: string; x: number; y: number }[] = [];
      for (let k = 0; k < 40; k++) {
        const x = random() * 5000, y = random() * 5000, d = random() * 360;
        rows.push({ category: 'inbrott_bostad', at: day(d), x, y });
        rows.push({ category: 'inbrott_bostad', at: day(d + random() * 2), x: Math.min(4999, x + random() * 35), y: Math.min(4999, y + random() * 35) });
      }
      for (let k = 0; k < 120; k++) rows.push({ category: 'inbrott_bostad', at: day(random() * 364), x: random() * 5000, y: random() * 5000 });
      // Random only (fordonsbrott): no space–time interaction.
      for (let k = 0; k < 200; k++) rows.push({ category: 'fordonsbrott', at: day(random() * 364), x: random() * 5000, y: random() * 5000 });
      await createIncidents(db, m, rows);
    });
    afterAll(async () => t?.close());

    it('counts pairs by distance and time band exactly as worked out by hand', async () => {
      // Pairs: 1–2 50 m/3 d; 1–3 1000 m/30 d; 2–3 950 m/27 d; 1–4 60 m/40 d; 2–4 10 m/37 d; 3–4 940 m/10 d.
      const r = await run('cykelstold', [100], [7]);
      expect(r.observed).toEqual([[1, 2], [0, 3]]);
      expect(r.pairs).toBe(6);
      expect(r.events).toBe(4);
      expect(r.rows).toEqual(['0–100 m', '> 100 m']);
      expect(r.columns).toEqual(['0–7 days', '> 7 days']);
      // Every permutation keeps the pairs per time band, so the expected table sums column-wise to the observed.
      expect(r.expected[0][0]! + r.expected[1][0]!).toBeCloseTo(1, 9);
    });

    it('flags the planted near-repeat cell and is reproducible with the same seed', async () => {
      const r = await run('inbrott_bostad', [100, 200, 400], [7, 14, 28]);
      expect(r.significant[0][0]).toBe(true);
      expect(r.p[0][0]).toBeCloseTo(0.01, 12);
      expect(r.ratio[0][0]!).toBeGreaterThan(5);
      const again = await run('inbrott_bostad', [100, 200, 400], [7, 14, 28]);
      expect(again.p).toEqual(r.p);
    });

    it('finds no near-repeat in space-time-independent events', async () => {
      const r = await run('fordonsbrott', [100], [7]);
      expect(r.significant[0][0]).toBe(false);
    });

    it('refuses a non-burglary-type category and more than one category', async () => {
      await expect(run('misshandel', [100], [7])).rejects.toMatchObject({ status: 400, errors: [{ field: 'category' }] });
      await expect(run('inbrott_bostad,fordonsbrott', [100], [7])).rejects.toMatchObject({ status: 400 });
    });

    it('parses band lists and rejects bad ones', () => {
      expect(parseBands('50,100.5', 'space_bands', [], 5000)).toEqual([50, 100.5]);
      for (const bad of ['100,50', '1e3', '-5', '1,,2', '99999', 'NaN', '1,2,3,4,5,6,7,8,9']) {
        expect(() => parseBands(bad, 'space_bands', [], 5000), bad).toThrowError(/space_bands/);
      }
    });

    describe('route', () => {
      it('refuses the public', async () => {
        expect((await t.app.inject({ method: 'GET', url: '/api/stats/near-repeat' })).statusCode).toBe(403);
      });

      it('answers the police liaison with the Knox table', async () => {
        const res = await t.app.inject({
          method: 'GET', url: '/api/stats/near-repeat?from=2025-01-01&to=2026-01-01&space_bands=100&time_bands=7&category=cykelstold',
          headers: await authHeaders(t, 'police'),
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().observed).toEqual([[1, 2], [0, 3]]);
      });

      it.each([
        ['iterations=5', 'iterations'], ['iterations=abc', 'iterations'], ['space_bands=400,100', 'space_bands'],
        ['time_bands=x', 'time_bands'], ['seed=-1', 'seed'], ['category=misshandel', 'category'], ['foo=bar', 'foo'],
      ])('answers 400 naming the parameter for %s', async (qs, field) => {
        const res = await t.app.inject({ method: 'GET', url: `/api/stats/near-repeat?${qs}`, headers: await authHeaders(t, 'police') });
        expect(res.statusCode).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      });
    });
  });
}
