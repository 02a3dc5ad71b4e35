import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTilePoints, TILE_BUFFER, TILE_EXTENT, type TileQuery } from '../../../../server/features/tiles/tiles.queries.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/**
 * Town tiles read their incidents through the 500 m cells of incident_cell_idx, zoomed-out tiles through the
 * GiST index (server/features/tiles/tiles.queries.ts). Both must find exactly the incidents whose published
 * point falls in the tile and its buffer: checked here against tile coordinates computed independently, in
 * JavaScript from each point's WGS84 position, for tiles whose edges cut through cells, and for points on
 * cell edges (multiples of 500 m), beside a tile's edge and in the buffer.
 */
const CATEGORIES = ['stold', 'skadegorelse', 'misshandel'];

function lonLatToTileUnits(z: number, x: number, y: number, lon: number, lat: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const fx = ((lon + 180) / 360) * n;
  const fy = ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n;
  return [Math.round((fx - x) * TILE_EXTENT), Math.round((fy - y) * TILE_EXTENT)];
}

for (const backend of testBackends()) {
  describe(`incident tiles read by cell and by GiST agree with an independent computation (${backend})`, () => {
    let t: TestApp;
    const m = '0999';
    // Published positions (WGS84) per incident id: exact, and at the centre of its 100 m cell (planner's view of open categories).
    let points: { id: number; category: string; lon: number; lat: number; slon: number; slat: number }[] = [];

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      await createMunicipality(db, m);
      await createDistrict(db, { municipality: m, name: 'Staden', x: 0, y: 0, size: 8000 });
      let seed = 7;
      const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      const rows = Array.from({ length: 600 }, (_, i) => {
        // A third exactly on cell edges or corners, the rest anywhere in the 8 km square.
        const onEdge = i % 3 === 0;
        const x = onEdge ? 500 * Math.floor(rnd() * 16) : rnd() * 8000;
        const y = onEdge && i % 2 === 0 ? 500 * Math.floor(rnd() * 16) : rnd() * 8000;
        return { at: `2025-0${1 + (i % 6)}-1${i % 10}T1${i % 10}:00:00+01:00`, category: CATEGORIES[i % 3], x: Math.min(x, 7999.5), y: Math.min(y, 7999.5) };
      });
      await createIncidents(db, m, rows);
      points = (await sql<{ id: number; category: string; lon: number; lat: number; slon: number; slat: number }>`
        SELECT id::int AS id, category_code AS category, ST_X(w) AS lon, ST_Y(w) AS lat, ST_X(s) AS slon, ST_Y(s) AS slat
          FROM (SELECT id, category_code, ST_Transform(geom, 4326) AS w,
                       ST_Transform(ST_SetSRID(ST_MakePoint(floor(ST_X(geom) / 100) * 100 + 50, floor(ST_Y(geom) / 100) * 100 + 50), 3006), 4326) AS s
                  FROM incident WHERE municipality_code = ${m}) q`.execute(db)).rows;
    });
    afterAll(async () => t?.close());

    const tileOf = (z: number, e: number, n: number) => {
      const p = points[0];
      // The tile holding the point (e, n) m from the origin: approximated from the first point's position, exact enough to pick a tile.
      const lon = p.lon + (e - 0) / (111_320 * Math.cos((p.lat * Math.PI) / 180));
      const lat = p.lat + n / 111_320;
      const rad = (lat * Math.PI) / 180;
      return { x: Math.floor(((lon + 180) / 360) * 2 ** z), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * 2 ** z) };
    };

    const expected = (z: number, x: number, y: number, snapped: boolean) => points
      .filter((p) => {
        const [tx, ty] = lonLatToTileUnits(z, x, y, snapped ? p.slon : p.lon, snapped ? p.slat : p.lat);
        return tx >= -TILE_BUFFER && tx <= TILE_EXTENT + TILE_BUFFER && ty >= -TILE_BUFFER && ty <= TILE_EXTENT + TILE_BUFFER;
      })
      .map((p) => p.id).sort((a, b) => a - b);

    const found = async (z: number, x: number, y: number, snapped: boolean) => {
      const q: TileQuery = {
        municipality: m, z, x, y, from: '2025-01-01', to: '2026-01-01',
        exactCategories: snapped ? [] : CATEGORIES, snappedCategories: snapped ? CATEGORIES : [], sources: null, withinDistrictId: null, limit: 10_000,
      };
      return (await selectTilePoints(t.database.db, q)).map((r) => Number(r.id)).sort((a, b) => a - b);
    };

    it('finds every incident of town tiles (zoom 13–16, read by cell), exact and snapped', async () => {
      let checked = 0;
      for (const z of [13, 14, 15, 16]) {
        for (const [e, n] of [[1000, 1000], [4000, 4000], [6500, 2500], [2500, 7000]]) {
          const { x, y } = tileOf(z, e, n);
          for (const snapped of [false, true]) {
            const want = expected(z, x, y, snapped);
            expect(await found(z, x, y, snapped), `z${z} ${x}/${y} snapped=${snapped}`).toEqual(want);
            checked += want.length;
          }
        }
      }
      expect(checked).toBeGreaterThan(150);
    });

    it('finds every incident of zoomed-out tiles (read through the GiST index)', async () => {
      for (const z of [8, 9]) {
        const { x, y } = tileOf(z, 4000, 4000);
        const want = expected(z, x, y, false);
        expect(want.length).toBeGreaterThan(0);
        expect(await found(z, x, y, false)).toEqual(want);
      }
    });
  });
}
