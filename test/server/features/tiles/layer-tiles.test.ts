import { VectorTile } from '@mapbox/vector-tile';
import { sql } from 'kysely';
import Pbf from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePolygonLayer } from '../../../../server/features/tiles/mvt-encoder.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

type Props = Record<string, string | number | boolean>;

function decodeLayer(body: Uint8Array | Buffer, name: string): { type: number; properties: Props; rings: { x: number; y: number }[][] }[] {
  if (!body.length) return [];
  const layer = new VectorTile(new Pbf(body)).layers[name];
  expect(layer.extent).toBe(4096);
  return Array.from({ length: layer.length }, (_, k) => {
    const f = layer.feature(k);
    return { type: f.type, properties: { ...f.properties } as Props, rings: f.loadGeometry() };
  });
}

describe('MVT polygon encoder', () => {
  it('winds the exterior clockwise in tile space whatever the input order, so decoders read it as an exterior ring', () => {
    const ccw: [number, number][] = [[0, 0], [0, 100], [100, 100], [100, 0], [0, 0]];
    const tile = new VectorTile(new Pbf(encodePolygonLayer('t', 4096, [{ rings: [ccw], properties: { n: 1 } }])));
    const geojson = tile.layers.t.feature(0).toGeoJSON(0, 0, 0);
    expect(geojson.geometry.type).toBe('Polygon');
    const [ring] = tile.layers.t.feature(0).loadGeometry();
    let area = 0;
    for (let k = 0; k < ring.length - 1; k++) area += ring[k].x * ring[k + 1].y - ring[k + 1].x * ring[k].y;
    expect(area).toBeGreaterThan(0);
  });

  it('leaves out a polygon that collapses to a point at this zoom', () => {
    const tiny: [number, number][] = [[10.1, 10.1], [10.2, 10.3], [10.3, 10.1]];
    expect(encodePolygonLayer('t', 4096, [{ rings: [tiny], properties: {} }])).toHaveLength(0);
  });
});

// A 3 km district with a dense cluster (a hot spot), a small group (fewer than five, "<5" for councils)
// and two unsafe-place marks.
const PERIOD = 'from=2025-01-01&to=2025-07-01';

for (const backend of testBackends()) {
  describe(`hotspot and survey-mark tiles with cache headers (${backend})`, () => {
    let t: TestApp;
    let tile: { z: number; x: number; y: number };
    let surveyId: number;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      await createDistrict(db, { municipality: m, name: 'Åby', population: 5000, x: 0, y: 0, size: 3000 });
      await createIncidents(db, m, [
        ...times(40, { at: '2025-03-10T22:00:00+01:00', category: 'stold', x: 1500, y: 1500 }),
        ...[0, 60, 120, 180, 240, 300].flatMap((deg) => times(15, {
          at: '2025-03-10T23:00:00+01:00', category: 'stold',
          x: 1500 + Math.round(350 * Math.cos((deg * Math.PI) / 180)), y: 1500 + Math.round(350 * Math.sin((deg * Math.PI) / 180)),
        })),
        ...times(3, { at: '2025-03-11T22:00:00+01:00', category: 'stold', x: 300, y: 2700 }),
      ]);
      const survey = await sql<{ id: number }>`INSERT INTO survey (municipality_code, name) VALUES (${m}, 'Trygghetsmätning 2025') RETURNING id`.execute(db);
      surveyId = Number(survey.rows[0].id);
      for (const [ref, reasons, time, dx] of [['m1', ['belysning', 'vegetation'], 'kvall', 1000], ['m2', ['narkotika'], 'natt', 2000]] as const) {
        await sql`INSERT INTO survey_mark (municipality_code, survey_id, mark_ref, geom, reasons, time_of_day, comment, comment_status)
                  VALUES (${m}, ${surveyId}, ${ref}, ST_SetSRID(ST_MakePoint(${ORIGIN.e + dx}::float8, ${ORIGIN.n + 1000}::float8), 3006),
                          ${[...reasons]}::text[], ${time}, 'Mörkt vid tunneln', 'approved')`.execute(db);
      }
      // The deepest tile holding the whole district and a hexagon's margin, so every cell of the JSON answer is in it.
      const corners = (await sql<{ lon: number; lat: number }>`
        SELECT ST_X(w) AS lon, ST_Y(w) AS lat FROM (
          SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${ORIGIN.e}::float8 + dx, ${ORIGIN.n}::float8 + dy), 3006), 4326) AS w
            FROM (VALUES (-500, -500), (-500, 3500), (3500, -500), (3500, 3500)) v(dx, dy)) q`.execute(db)).rows;
      const tileOf = (z: number, lon: number, lat: number) => {
        const latRad = (lat * Math.PI) / 180;
        return { z, x: Math.floor(((lon + 180) / 360) * 2 ** z), y: Math.floor(((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * 2 ** z) };
      };
      for (let z = 12; z >= 0; z--) {
        const tiles = new Set(corners.map((c) => JSON.stringify(tileOf(z, c.lon, c.lat))));
        if (tiles.size === 1) {
          tile = tileOf(z, corners[0].lon, corners[0].lat);
          break;
        }
      }
    });
    afterAll(async () => t?.close());

    const hotspotUrl = (query = '') => `/api/tiles/hotspots/${tile.z}/${tile.x}/${tile.y}.mvt?${PERIOD}${query}`;
    const markUrl = (query = '') => `/api/tiles/survey-marks/${tile.z}/${tile.x}/${tile.y}.mvt?municipality=0999${query}`;
    const incidentUrl = () => `/api/tiles/incidents/${tile.z}/${tile.x}/${tile.y}.mvt?${PERIOD}`;

    /** The cells of GET /api/stats/hotspots for the same viewer, as the tile's properties. */
    async function jsonCells(headers: Record<string, string>, query = '') {
      const res = await t.app.inject({ method: 'GET', url: `/api/stats/hotspots?${PERIOD}${query}`, headers });
      expect(res.statusCode).toBe(200);
      return (res.json().features as { properties: Record<string, unknown> }[])
        .map(({ properties: p }) => Object.fromEntries(Object.entries({ i: p.i, j: p.j, count: p.count, z: p.z, p: p.p, p_fdr: p.p_fdr, class: p.class }).filter(([, v]) => v !== null)))
        .sort((a, b) => Number(a.i) - Number(b.i) || Number(a.j) - Number(b.j));
    }
    const tileCells = (body: Buffer) =>
      decodeLayer(body, 'hotspots').map((f) => {
        expect(f.type).toBe(3);
        return f.properties;
      }).sort((a, b) => Number(a.i) - Number(b.i) || Number(a.j) - Number(b.j));

    it('gives an analyst the same hexagons and Gi* numbers as GET /api/stats/hotspots', async () => {
      // Open categories only: with protected ones among them an analyst's counts are suppressed too.
      const headers = await authHeaders(t, 'analyst');
      const res = await t.app.inject({ method: 'GET', url: hotspotUrl('&category=stold'), headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
      const cells = tileCells(res.rawPayload);
      expect(cells).toEqual(await jsonCells(headers, '&category=stold'));
      expect(cells.some((c) => String(c.class).startsWith('hot'))).toBe(true);
      expect(cells.some((c) => c.count === 3)).toBe(true);
    });

    it('gives a council member "<5" where the JSON route does, never the exact small count', async () => {
      const headers = await authHeaders(t, 'council');
      const res = await t.app.inject({ method: 'GET', url: hotspotUrl(), headers });
      expect(res.statusCode).toBe(200);
      const cells = tileCells(res.rawPayload);
      expect(cells).toEqual(await jsonCells(headers));
      expect(cells.some((c) => c.count === '<5')).toBe(true);
      expect(cells.some((c) => c.count === 3)).toBe(false);
    });

    it('refuses hotspot tiles to the public', async () => {
      const res = await t.app.inject({ method: 'GET', url: hotspotUrl() });
      expect([401, 403]).toContain(res.statusCode);
      expect(res.headers.etag).toBeUndefined();
    });

    it('sends a private ETag and answers 304 to If-None-Match', async () => {
      const headers = await authHeaders(t, 'planner');
      const first = await t.app.inject({ method: 'GET', url: hotspotUrl(), headers });
      expect(first.headers['cache-control']).toBe('private, no-cache');
      expect(first.headers.vary).toContain('Authorization');
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^W\/".+"$/);
      const again = await t.app.inject({ method: 'GET', url: hotspotUrl(), headers: { ...headers, 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload).toHaveLength(0);
    });

    it('does not let a council member revalidate with a planner\'s ETag (the key holds the role tier)', async () => {
      const planner = await t.app.inject({ method: 'GET', url: hotspotUrl(), headers: await authHeaders(t, 'planner') });
      const council = await t.app.inject({ method: 'GET', url: hotspotUrl(), headers: { ...(await authHeaders(t, 'council')), 'if-none-match': String(planner.headers.etag) } });
      expect(council.statusCode).toBe(200);
      expect(council.headers.etag).not.toBe(planner.headers.etag);
      expect(tileCells(council.rawPayload).some((c) => c.count === '<5')).toBe(true);
    });

    it('gives a viewer bound to the municipality a different ETag from one bound to every municipality', async () => {
      const everywhere = await t.app.inject({ method: 'GET', url: hotspotUrl('&municipality=0999'), headers: await authHeaders(t, 'planner') });
      const bound = await t.app.inject({ method: 'GET', url: hotspotUrl('&municipality=0999'), headers: await authHeaders(t, 'planner', '0999') });
      expect(bound.statusCode).toBe(200);
      expect(bound.headers.etag).not.toBe(everywhere.headers.etag);
    });

    it('rejects a hostile cell size and a tile outside the zoom level naming the field', async () => {
      const headers = await authHeaders(t, 'analyst');
      const cell = await t.app.inject({ method: 'GET', url: hotspotUrl('&cell=1'), headers });
      expect(cell.statusCode).toBe(400);
      expect(cell.json().errors.map((e: { field: string }) => e.field)).toContain('cell');
      const x = await t.app.inject({ method: 'GET', url: `/api/tiles/hotspots/2/4/0.mvt?${PERIOD}`, headers });
      expect(x.statusCode).toBe(400);
      expect(x.json().errors.map((e: { field: string }) => e.field)).toContain('x');
    });

    it('gives council members marks with reasons and time of day, never comments', async () => {
      const res = await t.app.inject({ method: 'GET', url: markUrl(), headers: await authHeaders(t, 'council') });
      expect(res.statusCode).toBe(200);
      const marks = decodeLayer(res.rawPayload, 'survey_marks');
      expect(marks.map((m) => m.properties).sort((a, b) => String(a.time_of_day).localeCompare(String(b.time_of_day)))).toEqual([
        { survey_id: surveyId, reasons: 'belysning|vegetation', time_of_day: 'kvall' },
        { survey_id: surveyId, reasons: 'narkotika', time_of_day: 'natt' },
      ]);
      expect(marks.every((m) => m.type === 1)).toBe(true);
    });

    it('filters mark tiles by reason and rejects an unknown reason naming the field', async () => {
      const headers = await authHeaders(t, 'planner');
      const res = await t.app.inject({ method: 'GET', url: markUrl('&reason=narkotika'), headers });
      expect(decodeLayer(res.rawPayload, 'survey_marks').map((m) => m.properties.reasons)).toEqual(['narkotika']);
      const bad = await t.app.inject({ method: 'GET', url: markUrl('&reason=<script>'), headers });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('reason');
    });

    it('refuses mark tiles to the public', async () => {
      expect((await t.app.inject({ method: 'GET', url: markUrl() })).statusCode).toBe(403);
    });

    it('answers a mark tile 304 on If-None-Match and still writes the audit row', async () => {
      const headers = await authHeaders(t, 'police');
      const first = await t.app.inject({ method: 'GET', url: markUrl(), headers });
      expect(first.headers['cache-control']).toBe('private, no-cache');
      const count = async () => (await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'survey_mark_tile').execute()).length;
      const before = await count();
      const again = await t.app.inject({ method: 'GET', url: markUrl(), headers: { ...headers, 'if-none-match': String(first.headers.etag) } });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload).toHaveLength(0);
      expect(await count()).toBe(before + 1);
    });

    it('gives incident tiles the same headers: private ETag, 304, audited', async () => {
      const headers = await authHeaders(t, 'police');
      const first = await t.app.inject({ method: 'GET', url: incidentUrl(), headers });
      expect(first.statusCode).toBe(200);
      expect(first.headers['cache-control']).toBe('private, no-cache');
      const count = async () => (await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'incident_tile').execute()).length;
      const before = await count();
      const again = await t.app.inject({ method: 'GET', url: incidentUrl(), headers: { ...headers, 'if-none-match': String(first.headers.etag) } });
      expect(again.statusCode).toBe(304);
      expect(await count()).toBe(before + 1);
    });

    it('changes the ETags once the municipality\'s data changes', async () => {
      const headers = await authHeaders(t, 'analyst');
      const hotspot = await t.app.inject({ method: 'GET', url: hotspotUrl(), headers });
      const mark = await t.app.inject({ method: 'GET', url: markUrl(), headers });
      await createIncidents(t.database.db, '0999', times(5, { at: '2025-04-10T22:00:00+02:00', category: 'stold', x: 2700, y: 300 }));
      await sql`UPDATE survey_mark SET time_of_day = 'dag' WHERE mark_ref = 'm2'`.execute(t.database.db);
      const hotspotAfter = await t.app.inject({ method: 'GET', url: hotspotUrl(), headers: { ...headers, 'if-none-match': String(hotspot.headers.etag) } });
      expect(hotspotAfter.statusCode).toBe(200);
      expect(tileCells(hotspotAfter.rawPayload)).not.toEqual(tileCells(hotspot.rawPayload));
      const markAfter = await t.app.inject({ method: 'GET', url: markUrl(), headers: { ...headers, 'if-none-match': String(mark.headers.etag) } });
      expect(markAfter.statusCode).toBe(200);
      expect(decodeLayer(markAfter.rawPayload, 'survey_marks').map((m) => m.properties.time_of_day).sort()).toEqual(['dag', 'kvall']);
    });
  });
}
