import { VectorTile } from '@mapbox/vector-tile';
import { sql } from 'kysely';
import Pbf from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePointLayer } from '../../../../server/features/tiles/mvt-encoder.ts';
import { getIncidentTile } from '../../../../server/features/tiles/tiles.service.ts';
import type { IncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

interface Decoded { x: number; y: number; properties: Record<string, unknown> }

function decode(body: Uint8Array | Buffer): Decoded[] {
  if (!body.length) return [];
  const layer = new VectorTile(new Pbf(body)).layers.incidents;
  expect(layer.extent).toBe(4096);
  return Array.from({ length: layer.length }, (_, i) => {
    const f = layer.feature(i);
    expect(f.type).toBe(1);
    const [[p]] = f.loadGeometry();
    return { x: p.x, y: p.y, properties: { ...f.properties } };
  });
}

describe('MVT point encoder', () => {
  it('round-trips points and string, integer, float and boolean properties through a reference decoder', () => {
    const points = [
      { x: 0, y: 0, properties: { category: 'stold', n: 3, share: 0.25, ok: true } },
      { x: 4095, y: -64, properties: { category: 'stold', n: -7, share: 1.5, ok: false } },
      { x: 4160, y: 17, properties: { category: 'rån', n: 0, share: null as unknown as number, ok: true } },
    ];
    const decoded = decode(encodePointLayer('incidents', 4096, points));
    expect(decoded).toEqual([
      { x: 0, y: 0, properties: { category: 'stold', n: 3, share: 0.25, ok: true } },
      { x: 4095, y: -64, properties: { category: 'stold', n: -7, share: 1.5, ok: false } },
      { x: 4160, y: 17, properties: { category: 'rån', n: 0, ok: true } },
    ]);
  });

  it('gives an empty tile for no points, as ST_AsMVT does', () => {
    expect(encodePointLayer('incidents', 4096, [])).toHaveLength(0);
  });
});

// Three incidents 30 m apart inside one district: open, restricted and protected.
const AT = { x: 1234, y: 987 };
const JAN = { from: '2025-01-01', to: '2025-02-01' };
const decodedByBackend = new Map<string, Decoded[]>();

for (const backend of testBackends()) {
  describe(`vector tiles (${backend})`, () => {
    let t: TestApp;
    let tile: { z: number; x: number; y: number };
    let webMercator: { x: number; y: number; sx: number; sy: number };

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      await createDistrict(db, { municipality: m, name: 'Åby', population: 1000, x: 0, y: 0, size: 3000 });
      await createIncidents(db, m, [
        { at: '2025-01-10T22:00:00+01:00', category: 'stold', ...AT },
        { at: '2025-01-11T22:00:00+01:00', category: 'narkotika', x: AT.x + 30, y: AT.y },
        { at: '2025-01-12T22:00:00+01:00', category: 'vald_nara_relation', x: AT.x, y: AT.y + 30 },
        { at: '2024-06-12T22:00:00+01:00', category: 'stold', ...AT },
      ]);
      const e = ORIGIN.e + AT.x, n = ORIGIN.n + AT.y;
      const sx = Math.floor(e / 100) * 100 + 50, sy = Math.floor(n / 100) * 100 + 50;
      const r = (await sql<{ lon: number; lat: number; x: number; y: number; sx: number; sy: number }>`
        SELECT ST_X(w) AS lon, ST_Y(w) AS lat, ST_X(m) AS x, ST_Y(m) AS y, ST_X(s) AS sx, ST_Y(s) AS sy FROM (
          SELECT ST_Transform(p, 4326) AS w, ST_Transform(p, 3857) AS m,
                 ST_Transform(ST_SetSRID(ST_MakePoint(${sx}::float8, ${sy}::float8), 3006), 3857) AS s
            FROM (SELECT ST_SetSRID(ST_MakePoint(${e}::float8, ${n}::float8), 3006) AS p) q) q2`.execute(db)).rows[0];
      const z = 15;
      const latRad = (r.lat * Math.PI) / 180;
      tile = { z, x: Math.floor(((r.lon + 180) / 360) * 2 ** z), y: Math.floor(((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * 2 ** z) };
      webMercator = r;
    });
    afterAll(async () => t?.close());

    const url = (query = '', at = tile) => `/api/tiles/incidents/${at.z}/${at.x}/${at.y}.mvt?from=${JAN.from}&to=${JAN.to}${query}`;
    // Tile coordinates from web-mercator metres, computed here independently of the SQL.
    const toTile = (mx: number, my: number) => {
      const size = (2 * Math.PI * 6378137) / 2 ** tile.z;
      const x0 = -Math.PI * 6378137 + tile.x * size, y1 = Math.PI * 6378137 - tile.y * size;
      return { x: Math.round(((mx - x0) * 4096) / size), y: Math.round(((y1 - my) * 4096) / size) };
    };

    it('gives police every category at its recorded position', async () => {
      const res = await t.app.inject({ method: 'GET', url: url(), headers: await authHeaders(t, 'police') });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
      const features = decode(res.rawPayload);
      expect(features.map((f) => f.properties.category).sort()).toEqual(['narkotika', 'stold', 'vald_nara_relation']);
      const stold = features.find((f) => f.properties.category === 'stold')!;
      expect({ x: stold.x, y: stold.y }).toEqual(toTile(webMercator.x, webMercator.y));
      expect(stold.properties).toEqual({ category: 'stold', source: 'police', occurred_on: '2025-01-10' });
      decodedByBackend.set(backend, features);
    });

    it('gives a planner open categories only, snapped to the 100 m cell centre', async () => {
      const res = await t.app.inject({ method: 'GET', url: url(), headers: await authHeaders(t, 'planner') });
      expect(res.statusCode).toBe(200);
      const features = decode(res.rawPayload);
      expect(features).toHaveLength(1);
      expect({ x: features[0].x, y: features[0].y }).toEqual(toTile(webMercator.sx, webMercator.sy));
    });

    it('gives an analyst open exact and restricted snapped, never protected', async () => {
      const res = await t.app.inject({ method: 'GET', url: url(), headers: await authHeaders(t, 'analyst') });
      expect(decode(res.rawPayload).map((f) => f.properties.category).sort()).toEqual(['narkotika', 'stold']);
    });

    it('refuses a planner asking for a protected category through the tiles', async () => {
      const res = await t.app.inject({ method: 'GET', url: url('&category=vald_nara_relation'), headers: await authHeaders(t, 'planner') });
      expect(res.statusCode).toBe(403);
    });

    it('asks the public to sign in and refuses the council', async () => {
      expect((await t.app.inject({ method: 'GET', url: url() })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: url(), headers: await authHeaders(t, 'council') })).statusCode).toBe(403);
    });

    it('writes every tile request to the audit log', async () => {
      const before = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'incident_tile').execute();
      await t.app.inject({ method: 'GET', url: url(), headers: await authHeaders(t, 'police') });
      const after = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'incident_tile').execute();
      expect(after.length).toBe(before.length + 1);
      expect(after.at(-1)).toMatchObject({ role: 'police', result_count: 3, municipality_code: '0999' });
    });

    it('answers an empty tile far away with 200 and no bytes', async () => {
      const res = await t.app.inject({ method: 'GET', url: url('', { z: tile.z, x: tile.x + 50, y: tile.y }), headers: await authHeaders(t, 'police') });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload).toHaveLength(0);
    });

    it.each([
      ['/api/tiles/incidents/23/0/0.mvt', 'z'],
      ['/api/tiles/incidents/2/4/0.mvt', 'x'],
      ['/api/tiles/incidents/2/0/9.mvt', 'y'],
      ['/api/tiles/incidents/2/0/abc.mvt', 'y'],
      ['/api/tiles/incidents/2/0/0.mvt?bbox=1', 'bbox'],
      ["/api/tiles/incidents/2/0/0.mvt?category=stold'--", 'category'],
    ])('rejects %s naming %s', async (path, field) => {
      const res = await t.app.inject({ method: 'GET', url: path, headers: await authHeaders(t, 'police') });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    if (backend === 'postgres') {
      it('encodes the same tile with ST_AsMVT and with the PGlite fallback encoder', async () => {
        const viewer = { role: 'police' as const, userId: null, tokenId: null, municipalityCodes: null };
        const filters: IncidentFilters = {
          municipality: '0999', ...JAN, categories: ['stold', 'narkotika', 'vald_nara_relation'], sources: null, districtId: null, suppress: false,
        };
        const args = { ...tile, categoriesRequested: false, route: 'test' };
        const postgis = await getIncidentTile(t.database, viewer, filters, args, { encoder: 'postgis' });
        const js = await getIncidentTile(t.database, viewer, filters, args, { encoder: 'js' });
        expect(postgis.body.length).toBeGreaterThan(0);
        expect(decode(js.body)).toEqual(decode(postgis.body));
      });
    }
  });
}

describe('vector tiles across backends', () => {
  it.runIf(testBackends().includes('postgres'))('decode to the same features on PGlite and on PostgreSQL', () => {
    expect(decodedByBackend.get('pglite')).toBeDefined();
    expect(decodedByBackend.get('pglite')).toEqual(decodedByBackend.get('postgres'));
  });
});
