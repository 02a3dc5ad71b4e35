import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`district routes (${backend})`, () => {
    let t: TestApp;
    let a: number;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      a = await createDistrict(db, { municipality: m, name: 'Åby', population: 1000, x: 0, y: 0, size: 1000 });
      await createDistrict(db, { municipality: m, name: 'Örby', population: 500, x: 1000, y: 0, size: 1000 });
      await createIncidents(db, m, [
        ...times(10, { at: '2025-01-15T12:00:00+01:00', x: 500, y: 500 }),
        ...times(2, { at: '2024-12-15T12:00:00+01:00', x: 500, y: 500 }),
        ...times(3, { at: '2025-01-15T12:00:00+01:00', x: 500, y: 500, category: 'narkotika' }),
        ...times(5, { at: '2025-01-15T12:00:00+01:00', x: 500, y: 500, category: 'vald_nara_relation' }),
      ]);
    });
    afterAll(async () => t?.close());

    const get = (url: string) => t.app.inject({ method: 'GET', url });

    it('serves districts as WGS84 GeoJSON with the SPEC properties', async () => {
      const res = await get('/api/districts');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/geo+json');
      const body = res.json();
      expect(body.type).toBe('FeatureCollection');
      expect(body.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(['Åby', 'Örby']);
      const f = body.features[0];
      expect(Object.keys(f.properties)).toEqual(expect.arrayContaining(['id', 'name', 'kind', 'parent_id', 'population']));
      const [lon, lat] = f.geometry.coordinates[0][0][0];
      // SWEREF 99 TM (650000, 6600000) lies in Uppland: about 17.6° E, 59.5° N.
      expect(lon).toBeGreaterThan(17.5);
      expect(lon).toBeLessThan(17.8);
      expect(lat).toBeGreaterThan(59.4);
      expect(lat).toBeLessThan(59.6);
    });

    it('answers district statistics to the public with open categories only, small counts suppressed', async () => {
      const res = await get('/api/stats/districts?from=2025-01-01&to=2025-02-01');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const aby = body.districts.find((d: { id: number }) => d.id === a);
      // 10 open-category incidents; narkotika and protected ones are not counted for the public.
      expect(aby).toMatchObject({ count: 10, rate_per_1000: 10, previous_count: null, change_pct: null, suppressed: false });
      expect(body.categories).not.toContain('narkotika');
      expect(body.categories).not.toContain('vald_nara_relation');
    });

    it('refuses a protected category to the public with 403', async () => {
      const res = await get('/api/stats/districts?category=vald_nara_relation');
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].field).toBe('category');
    });

    it.each([
      ['foo=1', 'foo'],
      ['from=2025-13-01', 'from'],
      ['from=2025-02-30', 'from'],
      ['from=2025-02-01&to=2025-01-01', 'from'],
      ['category=nonsense', 'category'],
      ["category=stold')%3BDROP%20TABLE%20incident%3B--", 'category'],
      [`category=${'x'.repeat(1200)}`, 'category'],
      ['source=police,aliens', 'source'],
      ['compare=bogus', 'compare'],
      ['district=abc', 'district'],
      ['district=999999', 'district'],
      ['municipality=12', 'municipality'],
      ['municipality=1234', 'municipality'],
      ['level=planet', 'level'],
    ])('rejects %s with a 400 problem naming the parameter', async (query, field) => {
      const res = await get(`/api/stats/districts?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json();
      expect(body).toMatchObject({ status: 400, title: 'Bad Request' });
      expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('still has its data after the hostile queries', async () => {
      const res = await get('/api/stats/districts?from=2025-01-01&to=2025-02-01');
      expect(res.json().districts.find((d: { id: number }) => d.id === a).count).toBe(10);
    });

    it('reports health with the backend and PostGIS version', async () => {
      const res = await get('/api/health');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok', db: backend });
      expect(res.json().postgis).toMatch(/^3\.\d+/);
    });

    it('lists municipalities with the 24 categories', async () => {
      const res = await get('/api/municipalities');
      expect(res.statusCode).toBe(200);
      const [m] = res.json().municipalities;
      expect(m).toMatchObject({ code: '0999', name: 'Testkommun' });
      expect(m.categories).toHaveLength(24);
      expect(m.categories.find((c: { code: string }) => c.code === 'narkotika')).toMatchObject({ sensitivity: 'restricted', police_initiated: true });
    });

    it('answers unknown routes with a problem+json 404', async () => {
      const res = await get('/api/nothing-here');
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('publishes an OpenAPI document', async () => {
      const res = await get('/api/openapi.json');
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/api/stats/districts', '/api/districts']));
    });
  });
}
