import { VectorTile } from '@mapbox/vector-tile';
import { sql } from 'kysely';
import Pbf from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

function categories(body: Uint8Array | Buffer): string[] {
  if (!body.length) return [];
  const layer = new VectorTile(new Pbf(body)).layers.incidents;
  return Array.from({ length: layer.length }, (_, i) => String(layer.feature(i).properties.category)).sort();
}

/**
 * Two districts meet at x = 3030 m, off the 100 m snapping grid. A theft 20 m west of the line lies in
 * Västby, but its published (snapped) point, the centre of its 100 m cell, lies 20 m east of it in Östby.
 * A planner choosing districts must get the snapped point's district, as from the points route: the
 * exact district would tell which side of the line the theft is, finer than the 100 m the planner may see.
 */
for (const backend of testBackends()) {
  describe(`vector tiles with a district filter (${backend})`, () => {
    let t: TestApp;
    let west: number;
    let east: number;
    let tile: string;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      west = await createDistrict(db, { municipality: m, name: 'Västby', x: 0, y: 0, size: 3030 });
      east = await createDistrict(db, { municipality: m, name: 'Östby', x: 3030, y: 0, size: 3030 });
      await createIncidents(db, m, [
        { at: '2025-01-10T22:00:00+01:00', category: 'stold', x: 3010, y: 1020 },
        { at: '2025-01-11T22:00:00+01:00', category: 'skadegorelse', x: 2900, y: 1020 },
      ]);
      const r = (await sql<{ lon: number; lat: number }>`
        SELECT ST_X(w) AS lon, ST_Y(w) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${ORIGIN.e + 3010}::float8, ${ORIGIN.n + 1020}::float8), 3006), 4326) AS w) q`.execute(db)).rows[0];
      const z = 14;
      const latRad = (r.lat * Math.PI) / 180;
      tile = `${z}/${Math.floor(((r.lon + 180) / 360) * 2 ** z)}/${Math.floor(((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * 2 ** z)}`;
    });
    afterAll(async () => t?.close());

    const get = async (role: 'police' | 'planner', district?: number) => {
      const res = await t.app.inject({
        method: 'GET', url: `/api/tiles/incidents/${tile}.mvt?from=2025-01-01&to=2025-02-01${district ? `&district=${district}` : ''}`, headers: await authHeaders(t, role),
      });
      expect(res.statusCode).toBe(200);
      return categories(res.rawPayload);
    };

    it('keeps only the district\'s incidents (police, exact points)', async () => {
      expect(await get('police')).toEqual(['skadegorelse', 'stold']);
      expect(await get('police', west)).toEqual(['skadegorelse', 'stold']);
      expect(await get('police', east)).toEqual([]);
    });

    it('tests the published point for snapped categories, never the exact one (planner)', async () => {
      expect(await get('planner')).toEqual(['skadegorelse', 'stold']);
      expect(await get('planner', west)).toEqual(['skadegorelse']);
      expect(await get('planner', east)).toEqual(['stold']);
    });

    it('answers 400 naming district for a district of another municipality or none', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/tiles/incidents/${tile}.mvt?from=2025-01-01&to=2025-02-01&district=999999`, headers: await authHeaders(t, 'police') });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('district');
    });
  });
}
