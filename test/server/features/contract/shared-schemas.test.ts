import { sql } from 'kysely';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistrictCollection, DistrictStats } from '../../../../shared/districts.schema.ts';
import { EmergingHotspotsResponse, HotspotsResponse } from '../../../../shared/hotspots.schema.ts';
import { TimePatternsResponse } from '../../../../shared/time-patterns.schema.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { schemaProblems as problems } from '../../../helpers/schema-check.ts';
import { testBackends } from '../../../helpers/test-db.ts';


for (const backend of testBackends()) {
  describe(`shared schemas against real responses (${backend})`, () => {
    let t: TestApp;
    let u: number;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      await createDistrict(db, { municipality: m, name: 'Åby', population: 1000, x: 0, y: 0, size: 1000 });
      await createDistrict(db, { municipality: m, name: 'Örby', population: 3, x: 1000, y: 0, size: 1000 });
      // A U-shaped district: 3 km wide, its notch 1 km wide and 2 km deep, open to the north.
      const e = ORIGIN.e + 3000, n = ORIGIN.n;
      const wkt = `MULTIPOLYGON(((${e} ${n},${e + 3000} ${n},${e + 3000} ${n + 3000},${e + 2000} ${n + 3000},${e + 2000} ${n + 1000},${e + 1000} ${n + 1000},${e + 1000} ${n + 3000},${e} ${n + 3000},${e} ${n})))`;
      u = (await sql<{ id: number }>`INSERT INTO district (municipality_code, name, kind, population, geom)
        VALUES (${m}, 'Uddby', 'stadsdel', 800, ST_GeomFromText(${wkt}, 3006)) RETURNING id`.execute(db)).rows[0].id;
      await createIncidents(db, m, [
        ...times(12, { at: '2025-03-15T12:00:00+01:00', x: 500, y: 500 }),
        ...times(2, { at: '2025-04-15T12:00:00+02:00', x: 1500, y: 500 }),
        ...times(6, { at: '2025-05-15T22:00:00+02:00', x: 3500, y: 500 }),
      ]);
    });
    afterAll(async () => t?.close());

    it('GET /api/districts matches DistrictCollection and puts every label point inside its district', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/districts' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(problems(DistrictCollection, body)).toEqual([]);
      const uddby = body.features.find((f: { id: number }) => f.id === u);
      const [lon, lat] = uddby.properties.label_point;
      // The vertex average of the U lies in its notch; the label point must be in the polygon.
      const inside = await sql<{ inside: boolean }>`SELECT ST_Contains(geom, ST_Transform(ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326), 3006)) AS inside FROM district WHERE id = ${u}`.execute(t.database.db);
      expect(inside.rows[0].inside).toBe(true);
      for (const f of body.features) expect(f.properties.label_point).toHaveLength(2);
    });

    it('GET /api/stats/districts matches DistrictStats, with suppression for the public', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/stats/districts?from=2025-01-01&to=2026-01-01' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(problems(DistrictStats, body)).toEqual([]);
      expect(body.districts.some((d: { suppression: string | null }) => d.suppression === 'small')).toBe(true);
      const police = await t.app.inject({ method: 'GET', url: '/api/stats/districts?from=2025-01-01&to=2026-01-01', headers: await authHeaders(t, 'police') });
      expect(problems(DistrictStats, police.json())).toEqual([]);
    });

    it('GET /api/stats/time matches TimePatternsResponse', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/stats/time?from=2025-01-01&to=2026-01-01' });
      expect(res.statusCode).toBe(200);
      expect(problems(TimePatternsResponse, res.json())).toEqual([]);
    });

    it('GET /api/stats/hotspots and /emerging match their schemas', async () => {
      const headers = await authHeaders(t, 'analyst');
      const hot = await t.app.inject({ method: 'GET', url: '/api/stats/hotspots?from=2025-01-01&to=2026-01-01', headers });
      expect(hot.statusCode).toBe(200);
      expect(problems(HotspotsResponse, hot.json())).toEqual([]);
      const emerging = await t.app.inject({ method: 'GET', url: '/api/stats/hotspots/emerging?from=2025-01-01&to=2026-01-01&slices=4', headers });
      expect(emerging.statusCode).toBe(200);
      expect(problems(EmergingHotspotsResponse, emerging.json())).toEqual([]);
    });

    it('a drifted body fails the schema and names the field', () => {
      const drifted = { type: 'FeatureCollection', features: [{ type: 'Feature', id: 1, geometry: { type: 'Polygon', coordinates: [] }, properties: { id: 1, name: 'x', kind: 'stadsdel', parent_id: null, population: null } }] };
      expect(Value.Check(DistrictCollection, drifted)).toBe(false);
    });
  });
}
