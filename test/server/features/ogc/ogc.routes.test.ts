import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDistrictsFingerprint } from '../../../../server/features/ogc/ogc.queries.ts';
import { geometryIntersectsBox, periodOfDatetime, stringifyItems } from '../../../../server/features/ogc/ogc.service.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

describe('OGC datetime and bbox helpers', () => {
  it('reads a closed date interval as a half-open period including the end day', () => {
    expect(periodOfDatetime('2025-01-01/2025-12-31')).toEqual({ from: '2025-01-01', to: '2026-01-01' });
  });
  it('reads an instant as that one day and open ends as undefined', () => {
    expect(periodOfDatetime('2025-03-04')).toEqual({ from: '2025-03-04', to: '2025-03-05' });
    expect(periodOfDatetime('../2025-01-31T12:00:00Z')).toEqual({ from: undefined, to: '2025-02-01' });
  });
  it('rejects malformed datetimes naming the parameter', () => {
    for (const bad of ['yesterday', '2025-13-01', '2025-02-01/2025-01-01', 'a/b/c', "2025-01-01';DROP"]) {
      expect(() => periodOfDatetime(bad), bad).toThrow(/datetime/);
    }
  });
  it('writes an items document exactly as JSON.stringify does', () => {
    const doc = {
      type: 'FeatureCollection', features: [
        { type: 'Feature', id: 1, geometry: { type: 'Point', coordinates: [17.5, 59.5] }, properties: { name: 'Åby "centrum"', n: null } },
        { type: 'Feature', id: 'x', geometry: null, properties: {} },
      ],
      links: [], numberMatched: 2, numberReturned: 2,
    };
    expect(stringifyItems(doc)).toBe(JSON.stringify(doc));
  });

  it('tests polygon–box intersection exactly, not by envelope', () => {
    // A right triangle whose envelope covers the box but whose area does not.
    const triangle = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [0, 10], [0, 0]]] };
    expect(geometryIntersectsBox(triangle, [8, 8, 9, 9])).toBe(false);
    expect(geometryIntersectsBox(triangle, [1, 1, 2, 2])).toBe(true);
    // The box inside the polygon with no vertex in the box, and an edge crossing the box.
    expect(geometryIntersectsBox({ type: 'Polygon', coordinates: [[[-5, -5], [5, -5], [5, 5], [-5, 5], [-5, -5]]] }, [-1, -1, 1, 1])).toBe(true);
    expect(geometryIntersectsBox({ type: 'LineString', coordinates: [[-5, 0], [5, 0]] }, [-1, -1, 1, 1])).toBe(true);
  });
});

for (const backend of testBackends()) {
  describe(`OGC API – Features routes (${backend})`, () => {
    let t: TestApp;
    let police: Record<string, string>;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      for (let k = 0; k < 5; k++) await createDistrict(db, { municipality: m, name: `D${k}`, population: 1000, x: k * 1000, y: 0, size: 1000 });
      await createIncidents(db, m, [
        ...times(7, { at: '2025-03-15T12:00:00+01:00', x: 500, y: 500 }),
        ...times(2, { at: '2024-03-15T12:00:00+01:00', x: 1500, y: 500 }),
      ]);
      police = await authHeaders(t, 'police');
    });
    afterAll(async () => t?.close());

    const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

    it('serves a landing page linking conformance, data and the API definition', async () => {
      const body = (await get('/ogc')).json();
      const rels = body.links.map((l: { rel: string }) => l.rel);
      expect(rels).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
      expect((await get('/ogc/conformance')).json().conformsTo).toEqual(expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core', 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      ]));
    });

    it('pages with limit and offset, with next and prev links that keep the filters', async () => {
      const first = await get('/ogc/collections/districts/items?limit=2');
      expect(first.headers['content-type']).toContain('application/geo+json');
      const body = first.json();
      expect([body.numberMatched, body.numberReturned]).toEqual([5, 2]);
      const next = body.links.find((l: { rel: string }) => l.rel === 'next').href as string;
      expect(next).toContain('offset=2');
      const last = (await get(new URL(next).pathname + '?offset=4&limit=2')).json();
      expect(last.numberReturned).toBe(1);
      expect(last.links.some((l: { rel: string }) => l.rel === 'next')).toBe(false);
      expect(last.links.some((l: { rel: string }) => l.rel === 'prev')).toBe(true);
    });

    it('clamps a limit above the maximum instead of failing', async () => {
      expect((await get('/ogc/collections/districts/items?limit=999999')).statusCode).toBe(200);
    });

    it('filters by bbox (WGS84) and by bbox in EPSG:3006 (northing first)', async () => {
      // Districts D0..D4 are 1 km squares eastwards from the origin; a box around D2's centre only.
      const box3006 = [ORIGIN.n + 400, ORIGIN.e + 2400, ORIGIN.n + 600, ORIGIN.e + 2600].join(',');
      const viaSweref = (await get(`/ogc/collections/districts/items?bbox=${box3006}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3006`)).json();
      expect(viaSweref.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(['D2']);
      const centre = viaSweref.features[0];
      const all = (await get('/ogc/collections/districts/items')).json();
      const d2 = all.features.find((f: { properties: { name: string } }) => f.properties.name === 'D2');
      const ring = d2.geometry.coordinates[0][0] as [number, number][];
      const lon = (Math.min(...ring.map((p) => p[0])) + Math.max(...ring.map((p) => p[0]))) / 2;
      const lat = (Math.min(...ring.map((p) => p[1])) + Math.max(...ring.map((p) => p[1]))) / 2;
      const viaWgs = (await get(`/ogc/collections/districts/items?bbox=${lon - 0.001},${lat - 0.001},${lon + 0.001},${lat + 0.001}`)).json();
      expect(viaWgs.features.map((f: { id: number }) => f.id)).toEqual([centre.id]);
    });

    it('serves geometry in SWEREF 99 TM with northing first when crs=EPSG:3006, and says so in Content-Crs', async () => {
      const res = await get('/ogc/collections/districts/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/3006');
      expect(res.headers['content-crs']).toBe('<http://www.opengis.net/def/crs/EPSG/0/3006>');
      const ring = res.json().features[0].geometry.coordinates[0][0] as [number, number][];
      const ns = ring.map((p) => p[0]).sort((a, b) => a - b), es = ring.map((p) => p[1]).sort((a, b) => a - b);
      expect(ns[0]).toBeCloseTo(ORIGIN.n, 0);
      expect(es[0]).toBeCloseTo(ORIGIN.e, 0);
      expect(es.at(-1)).toBeCloseTo(ORIGIN.e + 1000, 0);
    });

    it('selects the district-stats period with datetime, as /api/stats/districts does with from/to', async () => {
      const ogc = (await get('/ogc/collections/district-stats/items?datetime=2025-01-01/2025-12-31', police)).json();
      const api = (await get('/api/stats/districts?from=2025-01-01&to=2026-01-01', police)).json();
      for (const d of api.districts) {
        const f = ogc.features.find((x: { id: number }) => x.id === d.id);
        expect([f.properties.count, f.properties.previous_count, f.properties.suppressed]).toEqual([d.count, d.previous_count, d.suppressed]);
      }
      expect(ogc.features.find((f: { properties: { name: string } }) => f.properties.name === 'D0').properties.count).toBe(7);
    });

    it('suppresses small counts for the public exactly like the API', async () => {
      const ogc = (await get('/ogc/collections/district-stats/items?from=2024-01-01&to=2025-01-01')).json();
      const d1 = ogc.features.find((f: { properties: { name: string } }) => f.properties.name === 'D1');
      expect([d1.properties.count, d1.properties.suppressed]).toEqual([null, true]);
    });

    it('serves SWEREF 99 TM geometry as stored, to the centimetre, not through a WGS84 round trip', async () => {
      const res = await get('/ogc/collections/district-stats/items?crs=http://www.opengis.net/def/crs/EPSG/0/3006', police);
      const d0 = res.json().features.find((f: { properties: { name: string } }) => f.properties.name === 'D0');
      const ring = d0.geometry.coordinates[0][0] as [number, number][];
      expect(Math.min(...ring.map((p) => p[0]))).toBe(ORIGIN.n);
      expect(Math.max(...ring.map((p) => p[1]))).toBe(ORIGIN.e + 1000);
    });

    it('answers an items page again from the response cache, with an ETag and a 304 on If-None-Match', async () => {
      const url = '/ogc/collections/district-stats/items?from=2025-02-01&to=2025-05-01';
      const first = await get(url, police);
      expect(first.headers['cache-control']).toBe('private, no-cache');
      expect(first.headers['x-cache']).toBe('miss');
      const again = await get(url, police);
      expect(again.headers['x-cache']).toBe('hit');
      expect(again.body).toBe(first.body);
      const revalidated = await get(url, { ...police, 'if-none-match': String(first.headers.etag) });
      expect(revalidated.statusCode).toBe(304);
    });

    it('writes the memoised WGS84 boundaries exactly as GET /api/districts gives them', async () => {
      const ogc = (await get('/ogc/collections/districts/items')).json();
      const api = (await get('/api/districts')).json();
      for (const f of api.features) expect(ogc.features.find((x: { id: number }) => x.id === f.properties.id).geometry).toEqual(f.geometry);
    });

    it('keeps cached items pages apart by role: the public never gets the police answer', async () => {
      const url = '/ogc/collections/district-stats/items?from=2024-01-01&to=2025-01-01';
      const forPolice = (await get(url, police)).json();
      expect(forPolice.features.find((f: { properties: { name: string } }) => f.properties.name === 'D1').properties.count).toBe(2);
      const forPublic = await get(url);
      expect(forPublic.headers.etag).not.toBe((await get(url, police)).headers.etag);
      expect(forPublic.json().features.find((f: { properties: { name: string } }) => f.properties.name === 'D1').properties.count).toBe(null);
    });

    it('names the host the client asked in the links of a cached page', async () => {
      const url = '/ogc/collections/districts/items?limit=2';
      await get(url, { host: 'gis.example.se' });
      const other = (await get(url, { host: 'lagesbild.kommun.se' })).json();
      expect(other.links.find((l: { rel: string }) => l.rel === 'next').href).toMatch(/^http:\/\/lagesbild\.kommun\.se\/ogc\//);
    });

    it('never caches survey marks: every read reaches the audit log', async () => {
      const count = async () => (await t.database.db.selectFrom('audit_log').select('id').where('route', '=', '/ogc/collections/survey-marks/items').execute()).length;
      const before = await count();
      const first = await get('/ogc/collections/survey-marks/items', police);
      expect(first.statusCode).toBe(200);
      expect(first.headers.etag).toBeUndefined();
      await get('/ogc/collections/survey-marks/items', police);
      expect(await count()).toBe(before + 2);
    });

    it('shows a new district at once (the boundary memo follows the data version)', async () => {
      const before = (await get('/ogc/collections/districts/items')).json().numberMatched;
      await createDistrict(t.database.db, { municipality: '0999', name: 'D5', population: 1000, x: 5000, y: 0, size: 1000 });
      const after = (await get('/ogc/collections/districts/items')).json();
      expect(after.numberMatched).toBe(before + 1);
      expect(after.features.some((f: { properties: { name: string } }) => f.properties.name === 'D5')).toBe(true);
    });

    it('keeps the boundary memo across incident imports and renews it on any district write', async () => {
      const before = await readDistrictsFingerprint(t.database.db, '0999');
      await createIncidents(t.database.db, '0999', [{ at: '2025-05-01T12:00:00+02:00', x: 100, y: 100 }]);
      expect(await readDistrictsFingerprint(t.database.db, '0999')).toBe(before);
      await sql`UPDATE district SET name = 'D5 norra' WHERE municipality_code = '0999' AND name = 'D5'`.execute(t.database.db);
      const renamed = await readDistrictsFingerprint(t.database.db, '0999');
      expect(renamed).not.toBe(before);
      expect((await get('/ogc/collections/districts/items')).json().features.some((f: { properties: { name: string } }) => f.properties.name === 'D5 norra')).toBe(true);
      await sql`UPDATE district SET geom = ST_Translate(geom, 10, 0) WHERE municipality_code = '0999' AND name = 'D5 norra'`.execute(t.database.db);
      expect(await readDistrictsFingerprint(t.database.db, '0999')).not.toBe(renamed);
    });

    it('returns one feature by id and 404 for an unknown one or collection', async () => {
      const all = (await get('/ogc/collections/districts/items')).json();
      const one = await get(`/ogc/collections/districts/items/${all.features[0].id}`);
      expect(one.json().properties.name).toBe(all.features[0].properties.name);
      expect((await get('/ogc/collections/districts/items/999999')).statusCode).toBe(404);
      expect((await get('/ogc/collections/nope/items')).statusCode).toBe(404);
    });

    for (const [query, field] of [
      ['bbox=1,2,3', 'bbox'], ['bbox=a,b,c,d', 'bbox'], ['bbox=0,10,1,5', 'bbox'], ['bbox=1e999,0,1,1', 'bbox'],
      ['bbox=0,-100,1,1', 'bbox'], ['crs=EPSG:9999', 'crs'], ['bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3006', 'bbox-crs'],
      ['limit=0', 'limit'], ['offset=-1', 'offset'], ['datetime=never', 'datetime'], ['evil=1', 'evil'],
      [`bbox=${'1'.repeat(300)}`, 'bbox'], ['datetime=2025-01-01&from=2025-01-01', 'datetime'],
    ] as const) {
      it(`answers a malformed ${field} (${query.slice(0, 40)}) with a 400 problem naming it`, async () => {
        const res = await get(`/ogc/collections/district-stats/items?${query}`);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      });
    }
  });
}
