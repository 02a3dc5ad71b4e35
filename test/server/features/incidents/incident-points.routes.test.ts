import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../shared/roles.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

// ORIGIN (650000, 6600000) in SWEREF 99 TM is near 17.6° E, 59.5° N; this bbox covers the fixtures.
const BBOX = '17.5,59.4,17.8,59.6';

for (const backend of testBackends()) {
  describe(`GET /api/incidents (${backend})`, () => {
    let t: TestApp;
    let district: number;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      district = await createDistrict(db, { municipality: m, name: 'Åby', population: 1000, x: 0, y: 0, size: 1000 });
      await createIncidents(db, m, [
        ...times(3, { at: '2025-01-15T12:00:00+01:00', x: 123, y: 477, category: 'stold' }),
        { at: '2025-01-16T12:00:00+01:00', x: 310, y: 620, category: 'narkotika' },
        { at: '2025-01-17T12:00:00+01:00', x: 800, y: 900, category: 'vald_nara_relation' },
        { at: '2024-06-01T12:00:00+02:00', x: 123, y: 477, category: 'stold' },
        { at: '2025-01-15T12:00:00+01:00', category: 'stold' },
      ]);
      await sql`UPDATE incident SET description = 'beskrivning', place = 'Storgatan 1'`.execute(db);
    });
    afterAll(async () => t?.close());

    const get = async (url: string, role?: Role) =>
      t.app.inject({ method: 'GET', url, headers: role ? await authHeaders(t, role) : {} });
    const url = (extra = '') => `/api/incidents?bbox=${BBOX}&from=2025-01-01&to=2025-02-01${extra}`;

    it('refuses points to the public with 403', async () => {
      const res = await get(url());
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('gives the police every located point in the period, exact, with descriptions', async () => {
      const res = await get(url(), 'police');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.type).toBe('FeatureCollection');
      expect(body.features).toHaveLength(5);
      expect(body.features.every((f: { properties: { precision: string } }) => f.properties.precision === 'exact')).toBe(true);
      expect(body.features[0].properties.description).toBe('beskrivning');
      expect(body.features[0].properties.place).toBe('Storgatan 1');
    });

    it('gives analysts open points exact and restricted ones snapped, never protected ones or descriptions', async () => {
      const body = (await get(url(), 'analyst')).json();
      const cats = body.features.map((f: { properties: { category: string } }) => f.properties.category).sort();
      expect(cats).toEqual(['narkotika', 'stold', 'stold', 'stold']);
      const nark = body.features.find((f: { properties: { category: string } }) => f.properties.category === 'narkotika');
      expect(nark.properties.precision).toBe('snapped_100m');
      expect(nark.properties).not.toHaveProperty('place');
      expect(body.features.some((f: { properties: object }) => 'description' in f.properties)).toBe(false);
    });

    it('snaps planner points to the centre of their 100 m SWEREF 99 TM cell in the database', async () => {
      const body = (await get(url(), 'planner')).json();
      expect(body.features).toHaveLength(3);
      const [lon, lat] = body.features[0].geometry.coordinates;
      const check = await sql<{ x: number; y: number }>`
        SELECT ST_X(p)::float8 AS x, ST_Y(p)::float8 AS y
          FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326), 3006) AS p) s`.execute(t.database.db);
      // The fixture sits at (123, 477) from ORIGIN: its cell centre is (150, 450).
      expect(check.rows[0].x - 650_000).toBeCloseTo(150, 0);
      expect(check.rows[0].y - 6_600_000).toBeCloseTo(450, 0);
    });

    it('answers 403 when a role asks only for categories whose points it may not see', async () => {
      expect((await get(url('&category=narkotika'), 'planner')).statusCode).toBe(403);
      expect((await get(url('&category=vald_nara_relation'), 'analyst')).statusCode).toBe(403);
    });

    it('keeps the common filters: category, source and district', async () => {
      expect((await get(url('&category=stold'), 'police')).json().features).toHaveLength(3);
      expect((await get(url('&source=housing'), 'police')).json().features).toHaveLength(0);
      expect((await get(url(`&district=${district}`), 'police')).json().features).toHaveLength(5);
    });

    it('serves flat columns for deck.gl binary attributes', async () => {
      const body = (await get(url('&format=columns'), 'police')).json();
      expect(body.format).toBe('columns');
      expect(body.count).toBe(5);
      expect(body.positions).toHaveLength(10);
      expect(body.category).toHaveLength(5);
      expect(body.time).toHaveLength(5);
      expect(body.categories).toContain('stold');
      expect(body.positions[0]).toBeGreaterThan(17.5);
    });

    it.each(['police', 'analyst', 'planner'] as const)('gives %s the same points as columns as in GeoJSON (positions, categories, times, snapping), in the same order', async (role) => {
      const month = 'from=2025-01-01&to=2025-02-01';
      for (const extra of [month, `${month}&category=stold`, `${month}&district=${district}`, `${month}&limit=2`, 'from=2024-01-01&to=2026-01-01']) {
        const geoRes = await get(`/api/incidents?bbox=${BBOX}&${extra}`, role);
        expect(geoRes.statusCode, extra).toBe(200);
        const geo = geoRes.json();
        const col = (await get(`/api/incidents?bbox=${BBOX}&${extra}&format=columns`, role)).json();
        expect(col.count, extra).toBe(geo.features.length);
        expect(col.truncated, extra).toBe(geo.truncated);
        if (extra.includes('limit')) expect(col.limit, extra).toBe(geo.limit);
        type F = { geometry: { coordinates: number[] }; properties: { category: string; occurred_at: string; precision: string } };
        const features = geo.features as F[];
        expect(col.positions).toEqual(features.flatMap((f) => f.geometry.coordinates));
        expect(col.category.map((k: number) => col.categories[k])).toEqual(features.map((f) => f.properties.category));
        expect(col.time).toEqual(features.map((f) => Date.parse(f.properties.occurred_at) / 1000));
        expect(col.snapped).toEqual(features.map((f) => (f.properties.precision === 'snapped_100m' ? 1 : 0)));
      }
    });

    it('answers an empty period with empty columns', async () => {
      const body = (await get('/api/incidents?bbox=' + BBOX + '&from=1990-01-01&to=1990-02-01&format=columns', 'police')).json();
      expect(body).toMatchObject({ count: 0, truncated: false, positions: [], category: [], time: [], snapped: [], categories: [] });
    });

    it('says when the answer was truncated at the limit', async () => {
      const body = (await get(url('&limit=2'), 'police')).json();
      expect(body.features).toHaveLength(2);
      expect(body.truncated).toBe(true);
    });

    it.each([
      ['missing bbox', '/api/incidents?from=2025-01-01', 'bbox'],
      ['three numbers', '/api/incidents?bbox=1,2,3', 'bbox'],
      ['reversed corners', '/api/incidents?bbox=17.8,59.6,17.5,59.4', 'bbox'],
      ['not numbers', '/api/incidents?bbox=a,b,c,d', 'bbox'],
      ['exponent tricks', '/api/incidents?bbox=1e2,59,18,60', 'bbox'],
      ['out of range', '/api/incidents?bbox=-200,59,18,60', 'bbox'],
      ['a whole country', '/api/incidents?bbox=10,55,24,69', 'bbox'],
      ['oversized limit', `/api/incidents?bbox=${BBOX}&limit=99999999`, 'limit'],
      ['limit over the GeoJSON cap', `/api/incidents?bbox=${BBOX}&limit=200000`, 'limit'],
      ['unknown parameter', `/api/incidents?bbox=${BBOX}&sql=drop`, 'sql'],
      ['unknown category', `/api/incidents?bbox=${BBOX}&category=stold';--`, 'category'],
      ['bad format', `/api/incidents?bbox=${BBOX}&format=xml`, 'format'],
      ['huge bbox text', `/api/incidents?bbox=${'1'.repeat(5000)}`, 'bbox'],
    ])('rejects %s with a 400 naming the parameter', async (_name, u, field) => {
      const res = await get(u, 'police');
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain(field);
    });

    it('writes an audit row for every request, allowed or not', async () => {
      const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE route = '/api/incidents'`.execute(t.database.db);
      await get(url(), 'police');
      await get(url());
      const after = await sql<{ n: number; ok: number }>`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE action = 'incidents.points.ok')::int AS ok
          FROM audit_log WHERE route = '/api/incidents'`.execute(t.database.db);
      expect(after.rows[0].n - before.rows[0].n).toBe(2);
      expect(after.rows[0].ok).toBeGreaterThan(0);
    });
  });
}
