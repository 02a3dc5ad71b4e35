import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { MAX_LISTED_CELLS } from '../../../../server/features/incidents/incident-cells.ts';
import {
  countIncidentsNearSite, countIncidentsNearSiteByHour, countLocatedByCategory, type SiteEwkb,
} from '../../../../server/features/site-checks/site-checks.queries.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/**
 * Site checks read the incidents near a site from the 500 m cells of incident_cell_idx and the days around
 * whole months from the daily rollup (server/features/site-checks/site-checks.queries.ts). Checked here against
 * one plain PostGIS query over the raw rows per question (no cells, no rollups), for incidents inserted in
 * shuffled time order, a third of them on cell edges, around sites that cut through cells, a site too long
 * for a list of cells, exact (police) and counted at cell centres (every other role).
 */
const CATEGORIES = ['stold', 'skadegorelse', 'misshandel'];
const M = '0999';

for (const backend of testBackends()) {
  describe(`site checks read by cell and rollup agree with the raw rows (${backend})`, () => {
    let t: TestApp;
    const sites: Record<string, SiteEwkb> = {};
    const filters = (p: Partial<IncidentFilters> = {}): IncidentFilters => ({
      municipality: M, from: '2025-01-17', to: '2025-11-12', categories: CATEGORIES, sources: null, districtId: null, suppress: false, ...p,
    });

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      await createMunicipality(db, M);
      await createDistrict(db, { municipality: M, name: 'Staden', x: 0, y: 0, size: 6000 });
      let seed = 11;
      const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      const rows = Array.from({ length: 900 }, (_, i) => {
        const onEdge = i % 3 === 0;
        const x = onEdge ? 500 * Math.floor(rnd() * 12) : rnd() * 6000;
        const y = onEdge && i % 2 === 0 ? 500 * Math.floor(rnd() * 12) : 1000 + rnd() * 4000;
        // Days all over 2024–2025, in no order (as exports arrive), hours through the day.
        const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 730) * 86_400_000).toISOString().slice(0, 10);
        const source = i % 4 === 0 ? 'municipality' : 'police';
        return { at: `${day}T${String(i % 24).padStart(2, '0')}:30:00+01:00`, category: CATEGORIES[i % 3], x: Math.min(x, 5999.5), y: Math.min(y, 5999.5), source };
      });
      rows.push({ at: '2025-06-01T12:00:00+02:00', category: 'stold', x: 2500, y: 2500, source: 'police' }); // a site's corner
      await createIncidents(db, M, rows);
      const ewkb = async (wkt: string, bufferM: number) =>
        (await sql<{ h: string }>`SELECT encode(ST_AsEWKB(CASE WHEN ${bufferM}::float8 > 0 THEN ST_Buffer(g, ${bufferM}::float8, 16) ELSE g END), 'hex') AS h
          FROM (SELECT ST_GeomFromText(${wkt}, 3006) AS g) q`.execute(db)).rows[0].h;
      const at = (x: number, y: number) => `${ORIGIN.e + x} ${ORIGIN.n + y}`;
      sites.point = await ewkb(`POINT(${at(2730, 2260)})`, 300);
      sites.square = await ewkb(`POLYGON((${at(2500, 2500)},${at(2950, 2500)},${at(2950, 2950)},${at(2500, 2950)},${at(2500, 2500)}))`, 0);
      sites.onCellLines = await ewkb(`POINT(${at(3000, 3000)})`, 250);
      // A thin diagonal strip whose bounding box holds more cells than a list may: read through the GiST index.
      sites.longStrip = await ewkb(`LINESTRING(${at(100, 100)},${at(40_000, 40_000)})`, 30);
    });
    afterAll(async () => t?.close());

    /** The same counts straight from the raw rows, one ST_DWithin per incident. */
    const direct = async (site: SiteEwkb, f: IncidentFilters, onGrid: boolean) => {
      const position = onGrid
        ? sql`ST_SetSRID(ST_MakePoint(floor(ST_X(geom) / 500) * 500 + 250, floor(ST_Y(geom) / 500) * 500 + 250), 3006)`
        : sql`geom`;
      const rows = (await sql<{ category: string; d: number; how: number }>`
        SELECT category_code AS category, ST_Distance(${position}, ${site}::geometry)::float8 AS d, local_how::int AS how
          FROM incident
         WHERE municipality_code = ${M} AND geom IS NOT NULL AND category_code = ANY(${f.categories}::text[])
           ${f.sources ? sql`AND source = ANY(${f.sources}::text[])` : sql``}
           AND (occurred_at AT TIME ZONE 'Europe/Stockholm')::date >= ${f.from}::date
           AND (occurred_at AT TIME ZONE 'Europe/Stockholm')::date < ${f.to}::date`.execute(t.database.db)).rows;
      return rows;
    };
    const zoneOf = (d: number) => (d <= 0 ? 0 : d <= 100 ? 100 : d <= 250 ? 250 : 500);
    const asMap = (rows: { key: string; n: number }[]) => Object.fromEntries(rows.filter((r) => r.n).map((r) => [r.key, r.n]).sort());
    const tally = (keys: string[]) => {
      const out: Record<string, number> = {};
      for (const k of keys) out[k] = (out[k] ?? 0) + 1;
      return Object.fromEntries(Object.entries(out).sort());
    };

    const cases: [string, Partial<IncidentFilters>][] = [
      ['a partial period', {}],
      ['whole months', { from: '2024-03-01', to: '2025-07-01' }],
      ['a few days in one month', { from: '2025-02-03', to: '2025-02-19' }],
      ['one source, one category', { sources: ['municipality'], categories: ['skadegorelse'] }],
    ];
    for (const siteName of ['point', 'square', 'onCellLines', 'longStrip']) {
      for (const onGrid of [false, true]) {
        it(`counts by zone and hour near the ${siteName} site as the raw rows do (${onGrid ? 'cell centres' : 'exact'})`, async () => {
          let seen = 0;
          for (const [, p] of cases) {
            const f = filters(p);
            const raw = await direct(sites[siteName], f, onGrid);
            const near = raw.filter((r) => r.d <= 500);
            seen += near.length;
            const zones = await countIncidentsNearSite(t.database.db, f, sites[siteName], onGrid);
            expect(asMap(zones.map((z) => ({ key: `${z.category_code}@${z.zone}`, n: z.n })))).toEqual(tally(near.map((r) => `${r.category}@${zoneOf(r.d)}`)));
            const hours = await countIncidentsNearSiteByHour(t.database.db, f, sites[siteName], 250, onGrid);
            expect(asMap(hours.map((h) => ({ key: String(h.how), n: h.n })))).toEqual(tally(raw.filter((r) => r.d <= 250).map((r) => String(r.how))));
          }
          expect(seen).toBeGreaterThan(5); // the sites hold incidents, so equality means something
        });
      }
    }

    it('has a strip too long for a list of cells (so the GiST path is the one tested)', async () => {
      const cells = (await sql<{ n: number }>`
        SELECT ((floor(ST_XMax(g) / 500) - floor(ST_XMin(g) / 500) + 1) * (floor(ST_YMax(g) / 500) - floor(ST_YMin(g) / 500) + 1))::int AS n
          FROM (SELECT ST_Expand(${sites.longStrip}::geometry, 854) AS g) q`.execute(t.database.db)).rows[0].n;
      expect(cells).toBeGreaterThan(MAX_LISTED_CELLS);
    });

    it('counts the municipality’s located incidents per category as the raw rows do, for periods with day edges', async () => {
      for (const [, p] of cases) {
        const f = filters(p);
        const raw = await direct(sites.point, f, false);
        expect(Object.fromEntries([...(await countLocatedByCategory(t.database.db, f))].filter(([, n]) => n).sort()))
          .toEqual(tally(raw.map((r) => r.category)));
      }
    });
  });
}
