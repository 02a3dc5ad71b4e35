import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_VIEWER, type Viewer } from '../../../../server/features/auth/viewer.ts';
import { getEmergingHotspots, getHotspots, sliceBounds } from '../../../../server/features/hotspots/hotspots.service.ts';
import { resolveIncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { mulberry32 } from '../../../../server/stats/random.ts';
import { normalCdf } from '../../../../server/stats/normal.ts';
import type { Role } from '../../../../shared/roles.ts';
import { roundCount } from '../../../../shared/suppression.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

const as = (role: Role): Viewer => ({ ...PUBLIC_VIEWER, role });

/** Centroid of ST_HexagonGrid cell (i, j) with edge s, SWEREF 99 TM metres. */
function hexCentre(i: number, j: number, s: number) {
  const h = Math.sqrt(3) * s;
  return { x: 1.5 * s * i, y: h * j + (((i % 2) + 2) % 2) * (h / 2) };
}

/** Brute-force O(n²) Gi* written from SPEC §5 independently of server/stats (no BH: compare z and p only). */
function bruteGiStar(cells: { x: number; y: number; count: number }[], band: number) {
  const n = cells.length;
  const mean = cells.reduce((s, c) => s + c.count, 0) / n;
  const sd = Math.sqrt(cells.reduce((s, c) => s + (c.count - mean) ** 2, 0) / n);
  return cells.map((ci) => {
    let w = 0;
    let local = 0;
    for (const cj of cells) {
      if (Math.hypot(ci.x - cj.x, ci.y - cj.y) <= band + 1e-6) {
        w += 1;
        local += cj.count;
      }
    }
    const z = (local - w * mean) / (sd * Math.sqrt((n * w - w * w) / (n - 1)));
    return { z, p: 2 * (1 - normalCdf(Math.abs(z))) };
  });
}

interface Props { i: number; j: number; count: number | '<5'; z: number | null; p: number | null; p_fdr: number | null; class: string }

for (const backend of testBackends()) {
  describe(`hotspots (${backend})`, () => {
    let t: TestApp;
    let m: string;
    let west: number;
    const period = { from: '2025-01-01', to: '2026-01-01' };
    const filters = async (role: Role, extra: Record<string, unknown> = {}) =>
      resolveIncidentFilters(t.database.db, { ...period, ...extra }, as(role));

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      m = await createMunicipality(db);
      west = await createDistrict(db, { municipality: m, name: 'Väst', population: 1000, x: 0, y: 0, size: 2000 });
      await createDistrict(db, { municipality: m, name: 'Öst', population: 1000, x: 2000, y: 0, size: 2000 });
      const random = mulberry32(7);
      const rows: { at: string; x: number; y: number; category?: string }[] = [];
      // 600 uniform points over 4 × 2 km, plus a planted cluster of 300 within 300 m of (3000, 1000).
      for (let k = 0; k < 600; k++) rows.push({ at: '2025-03-10T12:00:00+01:00', x: random() * 4000, y: random() * 2000 });
      for (let k = 0; k < 300; k++) {
        const r = 300 * Math.sqrt(random());
        const a = 2 * Math.PI * random();
        rows.push({ at: '2025-11-10T12:00:00+01:00', x: 3000 + r * Math.cos(a), y: 1000 + r * Math.sin(a) });
      }
      rows.push(...times(3, { at: '2025-05-01T12:00:00+02:00', x: 100, y: 100, category: 'narkotika' }));
      await createIncidents(db, m, rows);
      await createIncidents(db, m, [{ at: '2025-05-01T12:00:00+02:00' }]); // unlocated: never in a cell
    });
    afterAll(async () => t?.close());

    it('covers every hexagon of the districts, empty ones included, and counts every located incident once', async () => {
      const res = await getHotspots(t.database.db, await filters('analyst', { category: 'stold' }), 'analyst', { cell: 200 });
      const expected = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM ST_HexagonGrid(200, (SELECT ST_Union(geom) FROM district WHERE municipality_code = ${m})) h
         WHERE ST_Intersects(h.geom, (SELECT ST_Union(geom) FROM district WHERE municipality_code = ${m}))`.execute(t.database.db);
      expect(res.n_cells).toBe(expected.rows[0].n);
      expect(res.features.some((f) => f.properties.count === 0)).toBe(true);
      expect(res.features.reduce((s, f) => s + (f.properties.count as number), 0)).toBe(900);
    });

    for (const cell of [150, 200]) {
      it(`bins each point into the same hexagon as a spatial join with ST_HexagonGrid would (${cell} m${cell === 200 ? ', stored cell' : ''})`, async () => {
        // Police: other roles get only the fixed cell sizes (disclosure control).
        const res = await getHotspots(t.database.db, await filters('police', { category: 'stold' }), 'police', { cell });
        const joined = await sql<{ i: number; j: number; n: number }>`
          SELECT h.i, h.j, count(*)::int AS n
            FROM ST_HexagonGrid(${cell}::float8, (SELECT ST_Union(geom) FROM district WHERE municipality_code = ${m})) h
            JOIN incident ON incident.municipality_code = ${m} AND incident.category_code = 'stold' AND ST_Contains(h.geom, incident.geom)
           GROUP BY h.i, h.j`.execute(t.database.db);
        const byCell = new Map(res.features.map((f) => [`${f.properties.i},${f.properties.j}`, f.properties.count]));
        expect(joined.rows.length).toBeGreaterThan(10);
        for (const r of joined.rows) expect(byCell.get(`${r.i},${r.j}`), `cell ${r.i},${r.j}`).toBe(r.n);
      });
    }

    it('agrees with a brute-force O(n²) Gi* written from the SPEC formula', async () => {
      const res = await getHotspots(t.database.db, await filters('analyst', { category: 'stold' }), 'analyst', { cell: 200, band: 500 });
      const cells = res.features.map((f) => ({ ...hexCentre(f.properties.i, f.properties.j, 200), count: f.properties.count as number }));
      const brute = bruteGiStar(cells, 500);
      res.features.forEach((f, k) => {
        expect(f.properties.z).toBeCloseTo(brute[k].z, 9);
        expect(f.properties.p).toBeCloseTo(brute[k].p, 9);
      });
    });

    it('finds the planted cluster hot and leaves uniform cells with z averaging about 0', async () => {
      const res = await getHotspots(t.database.db, await filters('analyst', { category: 'stold' }), 'analyst', { cell: 200 });
      const centre = res.features.map((f) => ({ ...hexCentre(f.properties.i, f.properties.j, 200), props: f.properties }));
      const atCluster = centre.filter((c) => Math.hypot(c.x - ORIGIN.e - 3000, c.y - ORIGIN.n - 1000) < 150);
      expect(atCluster.length).toBeGreaterThan(0);
      for (const c of atCluster) expect(c.props.class).toBe('hot99');
      // Cells near the boundary are partly outside the districts (fewer points, fewer neighbours),
      // so the property is checked on cells whose hexagon and whole band lie inside.
      const uniform = await getHotspots(t.database.db, await filters('police', { category: 'stold', from: '2025-03-01', to: '2025-04-01' }), 'police', { cell: 50 });
      const interior = uniform.features
        .map((f) => ({ ...hexCentre(f.properties.i, f.properties.j, 50), z: f.properties.z!, cls: f.properties.class }))
        .filter((c) => c.x - ORIGIN.e >= 225 && c.x - ORIGIN.e <= 3775 && c.y - ORIGIN.n >= 225 && c.y - ORIGIN.n <= 1775);
      expect(interior.length).toBeGreaterThan(500);
      const mean = interior.reduce((s, c) => s + c.z, 0) / interior.length;
      // Partial hexagons on the boundary lower x̄ a little, so interior z run ~0.2 high; 0.35 allows that.
      expect(Math.abs(mean)).toBeLessThan(0.35);
      expect(uniform.features.filter((f) => f.properties.class === 'hot99').length).toBeLessThan(uniform.n_cells * 0.01);
    });

    it('matches the worked example: one non-empty cell among n with a self-only band has z = √(n − 1)', async () => {
      // Band 1000 m < √3 × 1000 m, so each cell is its own only neighbour: z_i = (x_i − x̄)/s.
      // One cell with c incidents and n − 1 empty: x̄ = c/n, s = c√(n − 1)/n, hence z = √(n − 1) and −1/√(n − 1).
      // Police: a band under two cells is refused to other roles (it makes z an affine copy of the count).
      const res = await getHotspots(t.database.db, await filters('police', { category: 'narkotika' }), 'police', { cell: 1000, band: 1000 });
      const n = res.n_cells;
      const hot = res.features.filter((f) => f.properties.count === 3);
      expect(hot).toHaveLength(1);
      expect(hot[0].properties.z).toBeCloseTo(Math.sqrt(n - 1), 12);
      for (const f of res.features.filter((g) => g.properties.count === 0)) expect(f.properties.z).toBeCloseTo(-1 / Math.sqrt(n - 1), 12);
    });

    it('reports z, p and class null/ns when every cell has the same count (s = 0)', async () => {
      const res = await getHotspots(t.database.db, await filters('analyst', { category: 'ran' }), 'analyst', { cell: 200 });
      expect(res.features.every((f) => f.properties.z === null && f.properties.p === null && f.properties.class === 'ns')).toBe(true);
    });

    it('shows council and planner counts of 1–4 as "<5" (as in their district aggregates) and keeps analyst counts exact', async () => {
      const analyst = await getHotspots(t.database.db, await filters('analyst', { category: 'stold' }), 'analyst', { cell: 200 });
      const small = analyst.features.filter((f) => (f.properties.count as number) >= 1 && (f.properties.count as number) <= 4);
      expect(small.length).toBeGreaterThan(0);
      for (const role of ['council', 'planner'] as const) {
        const suppressed = await getHotspots(t.database.db, await filters(role, { category: 'stold' }), role, { cell: 200 });
        suppressed.features.forEach((f, k) => {
          const exact = analyst.features[k].properties.count as number;
          // Published counts are rounded to 5, so no "<5" cell is the total minus the others.
          expect(f.properties.count).toBe(exact >= 1 && exact <= 4 ? '<5' : roundCount(exact));
        });
      }
    });

    it('restricts the study area and the counts to a district', async () => {
      const res = await getHotspots(t.database.db, await filters('analyst', { category: 'stold', district: west }), 'analyst', { cell: 200 });
      const all = await getHotspots(t.database.db, await filters('analyst', { category: 'stold' }), 'analyst', { cell: 200 });
      expect(res.n_cells).toBeLessThan(all.n_cells);
      const inWest = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incident WHERE district_id = ${west} AND category_code = 'stold'`.execute(t.database.db);
      expect(res.features.reduce((s, f) => s + (f.properties.count as number), 0)).toBe(inWest.rows[0].n);
    });

    it('labels the cluster that appears only in the last slice as a new hot spot', async () => {
      const res = await getEmergingHotspots(t.database.db, await filters('analyst', { category: 'stold' }), 'analyst', { cell: 200, slices: 4 });
      expect(res.slices).toHaveLength(4);
      const centre = res.features.map((f) => ({ ...hexCentre(f.properties.i, f.properties.j, 200), props: f.properties }));
      const atCluster = centre.filter((c) => Math.hypot(c.x - ORIGIN.e - 3000, c.y - ORIGIN.n - 1000) < 150);
      for (const c of atCluster) expect(c.props.pattern).toBe('new');
      expect(res.features.every((f) => f.properties.slice_z.length === 4)).toBe(true);
    });

    it('refuses a band wider than 20 cells with a 400 naming band', async () => {
      await expect(getHotspots(t.database.db, await filters('analyst'), 'analyst', { cell: 100, band: 2500 })).rejects.toMatchObject({ status: 400, errors: [{ field: 'band' }] });
    });

    it('refuses a grid of more than 20 000 cells with a 400 naming cell', async () => {
      await expect(getHotspots(t.database.db, await filters('police'), 'police', { cell: 50 * 0 + 50, band: 100 }))
        .resolves.toMatchObject({ cell_m: 50 });
      await sql`INSERT INTO district (municipality_code, name, kind, geom) VALUES (${m}, 'Stor', 'kommundel',
        ST_Multi(ST_MakeEnvelope(${ORIGIN.e}, ${ORIGIN.n}, ${ORIGIN.e + 30000}, ${ORIGIN.n + 30000}, 3006)))`.execute(t.database.db);
      try {
        await expect(getHotspots(t.database.db, await filters('police'), 'police', { cell: 100 })).rejects.toMatchObject({ status: 400, errors: [{ field: 'cell' }] });
      } finally {
        await sql`DELETE FROM district WHERE municipality_code = ${m} AND name = 'Stor'`.execute(t.database.db);
      }
    });

    it('splits a period into equal slices of whole days', () => {
      expect(sliceBounds('2025-01-01', '2025-01-13', 4)).toEqual(['2025-01-01', '2025-01-04', '2025-01-07', '2025-01-10', '2025-01-13']);
    });

    describe('route', () => {
      const get = (url: string) => t.app.inject({ method: 'GET', url });

      it('answers a council member through the route with counts of 1–4 as "<5"', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/stats/hotspots?from=2025-01-01&to=2026-01-01&category=stold', headers: await authHeaders(t, 'council') });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toContain('application/geo+json');
        const counts = res.json().features.map((f: { properties: { count: number | string } }) => f.properties.count);
        expect(counts).toContain('<5');
        expect(counts.every((c: number | string) => c === '<5' || c === 0 || (c as number) >= 5)).toBe(true);
      });

      it('answers emerging hotspots to an analyst through the route', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/stats/hotspots/emerging?from=2025-01-01&to=2026-01-01&category=stold&slices=4', headers: await authHeaders(t, 'analyst') });
        expect(res.statusCode).toBe(200);
        expect(res.json().features[0].properties).toHaveProperty('pattern');
      });

      it('refuses hotspot cells to the public (SPEC §6)', async () => {
        const res = await get('/api/stats/hotspots');
        expect(res.statusCode).toBe(403);
        expect(res.headers['content-type']).toContain('application/problem+json');
      });

      it.each([
        ['cell=10', 'cell'], ['cell=abc', 'cell'], ['cell=99999', 'cell'], ['band=-5', 'band'], ['band=0', 'band'],
        ['band=200000', 'band'], ['slices=2', 'slices'], ['bogus=1', 'bogus'], ['from=2025-02-30', 'from'],
        ['category=stold%27;DROP%20TABLE%20incident;--', 'category'], ['district=0', 'district'],
      ])('answers 400 naming the parameter for %s', async (qs, field) => {
        const path = qs.startsWith('slices') ? '/api/stats/hotspots/emerging' : '/api/stats/hotspots';
        const res = await get(`${path}?${qs}`);
        expect(res.statusCode).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      });
    });
  });
}
