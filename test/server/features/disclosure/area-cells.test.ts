import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA_GRID_M } from '../../../../server/features/disclosure/disclosure.ts';
import { INCIDENT_CELL_M } from '../../../../server/features/incidents/incident-cells.ts';
import type { IncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { countIncidentsByTime } from '../../../../server/features/time-patterns/time-patterns.queries.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/**
 * Drawn areas are read by the 500 m cells of incident_cell_idx: cells the area covers whole are counted as they
 * are, cells on its edge incident by incident, and below police the cells whose centre it covers
 * (server/features/disclosure/disclosure.queries.ts). Checked against the definitions computed directly
 * (ST_Covers of the exact point, of the grid cell centre) for irregular areas: concave, with a hole, smaller
 * than a cell, a multipolygon, and one so large it is read through the GiST index instead.
 */
it('reads areas on the disclosure grid itself', () => {
  expect(INCIDENT_CELL_M).toBe(AREA_GRID_M);
});

for (const backend of testBackends()) {
  describe(`drawn areas read by cell count what the definitions say (${backend})`, () => {
    let t: TestApp;
    const m = '0999';
    let lonLat: (e: number, n: number) => Promise<[number, number]>;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      await createMunicipality(db, m);
      await createDistrict(db, { municipality: m, name: 'Staden', x: 0, y: 0, size: 6000 });
      let seed = 11;
      const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      await createIncidents(db, m, Array.from({ length: 1500 }, (_, i) => ({
        at: `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:10:00+01:00`,
        category: i % 2 ? 'stold' : 'skadegorelse',
        // Every fourth on a cell edge, where a reading by cell could go wrong by one.
        x: i % 4 === 0 ? 500 * Math.floor(rnd() * 12) : rnd() * 6000,
        y: i % 4 === 1 ? 500 * Math.floor(rnd() * 12) : rnd() * 6000,
      })));
      lonLat = async (e, n) => {
        const r = (await sql<{ lon: number; lat: number }>`
          SELECT ST_X(w) AS lon, ST_Y(w) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${ORIGIN.e + e}::float8, ${ORIGIN.n + n}::float8), 3006), 4326) AS w) q`.execute(t.database.db)).rows[0];
        return [r.lon, r.lat];
      };
    });
    afterAll(async () => t?.close());

    const ring = async (points: [number, number][]) => Promise.all([...points, points[0]].map(([e, n]) => lonLat(e, n)));
    const filters = (): IncidentFilters => ({
      municipality: m, from: '2025-01-01', to: '2026-01-01', categories: ['stold', 'skadegorelse'], sources: null, districtId: null, suppress: false,
    });

    const direct = async (geojson: string, snapped: boolean) => {
      const g = AREA_GRID_M;
      const r = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM incident, (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326), 3006) AS a) q
         WHERE municipality_code = ${m} AND geom IS NOT NULL
           AND ST_Covers(q.a, ${snapped
             ? sql`ST_SetSRID(ST_MakePoint(floor(ST_X(geom) / ${g}::float8) * ${g}::float8 + ${g / 2}::float8, floor(ST_Y(geom) / ${g}::float8) * ${g}::float8 + ${g / 2}::float8), 3006)`
             : sql`geom`})`.execute(t.database.db);
      return r.rows[0].n;
    };

    const areas = async (): Promise<[string, string][]> => [
      ['concave L', JSON.stringify({ type: 'Polygon', coordinates: [await ring([[300, 300], [4700, 300], [4700, 1900], [1800, 1900], [1800, 5200], [300, 5200]])] })],
      ['with a hole', JSON.stringify({ type: 'Polygon', coordinates: [
        await ring([[1000, 1000], [5000, 1000], [5000, 5000], [1000, 5000]]), (await ring([[2200, 2200], [2200, 3700], [3700, 3700], [3700, 2200]])),
      ] })],
      ['a triangle', JSON.stringify({ type: 'Polygon', coordinates: [await ring([[200, 5800], [5900, 300], [5900, 5800]])] })],
      ['smaller than a cell', JSON.stringify({ type: 'Polygon', coordinates: [await ring([[2100, 2100], [2400, 2100], [2400, 2400], [2100, 2400]])] })],
      ['two parts', JSON.stringify({ type: 'MultiPolygon', coordinates: [
        [await ring([[0, 0], [1500, 0], [1500, 1500], [0, 1500]])], [await ring([[3000, 3000], [5999, 3000], [5999, 5999]])],
      ] })],
      ['larger than the listed cells (GiST)', JSON.stringify({ type: 'Polygon', coordinates: [await ring([[-40_000, -40_000], [40_000, -40_000], [40_000, 40_000], [-40_000, 40_000]])] })],
    ];

    it('counts, for police, the incidents whose exact point the area covers', async () => {
      for (const [name, geojson] of await areas()) {
        const counts = await countIncidentsByTime(t.database.db, filters(), { geojson }, { snapped: false });
        const total = counts.how.reduce((a, r) => a + r.n, 0);
        const want = await direct(geojson, false);
        expect(total, name).toBe(want);
        expect(counts.months.reduce((a, r) => a + r.n, 0), name).toBe(want);
        if (!name.startsWith('smaller')) expect(want, name).toBeGreaterThan(0);
      }
    });

    it('counts, below police, the incidents whose 500 m cell centre the area covers', async () => {
      for (const [name, geojson] of await areas()) {
        const counts = await countIncidentsByTime(t.database.db, filters(), { geojson }, { snapped: true });
        expect(counts.how.reduce((a, r) => a + r.n, 0), name).toBe(await direct(geojson, true));
      }
    });
  });
}
