import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

const PERIOD = { municipality: '0999', from: '2025-01-01', to: '2026-01-01' };
const AT = '2025-03-15T21:30:00+01:00'; // a Saturday evening, Stockholm

/** P(X ≥ k) and P(X ≤ k) for X ~ Binomial(n, p) by direct summation (independent of server/stats). */
function binomTails(k: number, n: number, p: number) {
  const pmf = (j: number) => {
    let c = 1;
    for (let t = 1; t <= j; t++) c = (c * (n - j + t)) / t;
    return c * p ** j * (1 - p) ** (n - j);
  };
  let lower = 0, upper = 0;
  for (let j = 0; j <= n; j++) {
    if (j <= k) lower += pmf(j);
    if (j >= k) upper += pmf(j);
  }
  return Math.min(1, 2 * Math.min(lower, upper));
}

for (const backend of testBackends()) {
  describe(`site checks (${backend})`, () => {
    let t: TestApp;
    let square: unknown;
    let bowtie: unknown;
    let farAway: unknown;
    let point: unknown;

    /** A SWEREF 99 TM polygon (offsets from ORIGIN) as WGS84 GeoJSON, transformed by PostGIS. */
    const wgs84 = async (wkt: string) =>
      JSON.parse((await sql<{ g: string }>`SELECT ST_AsGeoJSON(ST_Transform(ST_GeomFromText(${wkt}, 3006), 4326), 9) AS g`.execute(t.database.db)).rows[0].g);
    const off = (x: number, y: number) => `${ORIGIN.e + x} ${ORIGIN.n + y}`;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      await createDistrict(db, { municipality: m, name: 'Mitt', population: 5000, x: 0, y: 0, size: 1000 });
      await createIncidents(db, m, [
        ...times(10, { at: AT, x: 500, y: 500, category: 'stold' }), // inside the site
        ...times(10, { at: '2025-03-17T10:00:00+01:00', x: 50, y: 950, category: 'stold' }), // ~566 m away
        ...times(3, { at: AT, x: 510, y: 510, category: 'klotter' }), // inside, a small count
        ...times(6, { at: AT, x: 620, y: 500, category: 'narkotika' }), // 70 m from the site
        ...times(4, { at: AT, x: 500, y: 500, category: 'stold', ref: undefined }).map((r, k) => ({ ...r, at: '2024-06-01T12:00:00+02:00', ref: `old-${k}` })),
      ]);
      const survey = await sql<{ id: number }>`INSERT INTO survey (municipality_code, name) VALUES (${m}, 'T 2025') RETURNING id`.execute(db);
      await sql`INSERT INTO survey_mark (municipality_code, survey_id, mark_ref, geom, reasons, time_of_day) VALUES
        (${m}, ${survey.rows[0].id}, 'a', ST_SetSRID(ST_MakePoint(${ORIGIN.e + 560}::float8, ${ORIGIN.n + 500}::float8), 3006), ARRAY['belysning','vegetation'], 'kvall'),
        (${m}, ${survey.rows[0].id}, 'b', ST_SetSRID(ST_MakePoint(${ORIGIN.e + 700}::float8, ${ORIGIN.n + 500}::float8), 3006), ARRAY['belysning'], 'natt'),
        (${m}, ${survey.rows[0].id}, 'c', ST_SetSRID(ST_MakePoint(${ORIGIN.e + 990}::float8, ${ORIGIN.n + 990}::float8), 3006), ARRAY['nedskrapning_klotter'], 'dag')`.execute(db);
      square = await wgs84(`POLYGON((${off(450, 450)},${off(550, 450)},${off(550, 550)},${off(450, 550)},${off(450, 450)}))`);
      bowtie = await wgs84(`LINESTRING(${off(450, 450)},${off(550, 550)},${off(550, 450)},${off(450, 550)},${off(450, 450)})`);
      bowtie = { type: 'Polygon', coordinates: [(bowtie as { coordinates: number[][] }).coordinates] };
      farAway = await wgs84(`POLYGON((${off(50_000, 0)},${off(50_100, 0)},${off(50_100, 100)},${off(50_000, 100)},${off(50_000, 0)}))`);
      point = await wgs84(`POINT(${off(500, 500)})`);
    });
    afterAll(async () => t?.close());

    const post = async (role: Role, payload: Record<string, unknown>, url = '/api/site-checks') =>
      t.app.inject({ method: 'POST', url, payload, headers: await authHeaders(t, role) });
    const zoneOf = (body: { incidents: { categories: { category: string; zones: { zone: string }[] }[] } }, category: string, zone: string) =>
      body.incidents.categories.find((c) => c.category === category)!.zones.find((z) => z.zone === zone) as Record<string, unknown>;

    it('counts incidents by category in and around the site against the municipality rate (police, exact)', async () => {
      const res = await post('police', { ...PERIOD, geometry: square, buffer_m: 0 });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.area_m2).toBeCloseTo(10_000, -1);
      const site = zoneOf(body, 'stold', 'site');
      expect(site.count).toBe(10);
      // Share = 100 × 100 m of a 1000 × 1000 m municipality; 20 located thefts in the period.
      expect(site.expected).toBeCloseTo(20 * (body.incidents.zones[0].area_in_municipality_m2 / 1e6), 2);
      expect(site.direction).toBe('higher');
      expect(site.significant).toBe(true);
      const share = body.incidents.zones[0].area_in_municipality_m2 / body.incidents.municipality_area_m2;
      expect(site.p_value as number).toBeCloseTo(binomTails(10, 20, share), 20);
      expect((site.p_value as number) / binomTails(10, 20, share)).toBeCloseTo(1, 4); // the areas come back rounded to 0.1 m²
      expect(zoneOf(body, 'narkotika', 'site').count).toBe(0);
      expect(zoneOf(body, 'narkotika', 'within_100').count).toBe(6);
      expect(zoneOf(body, 'stold', 'within_500').count).toBe(10);
      expect(body.categories).toContain('vald_nara_relation');
    });

    it('agrees with an independent PostGIS query for every zone', async () => {
      const body = (await post('police', { ...PERIOD, geometry: square, buffer_m: 0 })).json();
      const wkt = `POLYGON((${off(450, 450)},${off(550, 450)},${off(550, 550)},${off(450, 550)},${off(450, 450)}))`;
      for (const d of [0, 100, 250, 500]) {
        const row = (await sql<{ n: number; area: number }>`
          SELECT (SELECT count(*)::int FROM incident WHERE category_code = 'stold' AND occurred_at >= '2025-01-01' AND occurred_at < '2026-01-01'
                     AND ST_DWithin(geom, ST_GeomFromText(${wkt}, 3006), ${d}::float8)) AS n,
                 (SELECT ST_Area(ST_Intersection(ST_Buffer(ST_GeomFromText(${wkt}, 3006), ${d}::float8, 16), geom))::float8 FROM district) AS area`.execute(t.database.db)).rows[0];
        const zone = body.incidents.zones.find((z: { distance_m: number }) => z.distance_m === d);
        expect(zone.area_in_municipality_m2).toBeCloseTo(row.area, -1);
        expect(body.incidents.categories.find((c: { category: string }) => c.category === 'stold').zones.find((z: { distance_m: number }) => z.distance_m === d).count).toBe(row.n);
      }
    });

    it('gives planners aggregates only: suppressed small counts, no protected categories, no points', async () => {
      const res = await post('planner', { ...PERIOD, geometry: square, buffer_m: 0 });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.suppressed).toBe(true);
      // Counted by 500 m grid cell for the planner: the 1 ha site holds no cell centre, so it shows 0 against 0
      // expected; the graffiti's cell centre (750, 750) lies 283 m from the site, where its 3 are hidden.
      expect(zoneOf(body, 'klotter', 'site')).toMatchObject({ count: 0, expected: 0 });
      expect(zoneOf(body, 'klotter', 'within_500')).toMatchObject({ count: null, suppression: 'small', direction: null, p_value: null });
      expect(body.notes.join(' ')).toMatch(/500 m grid cell/);
      expect(body.categories).not.toContain('vald_nara_relation');
      expect(body.categories).toContain('narkotika');
      expect(res.body).not.toMatch(/"lon"|"lat"|"Point"/);
      for (const c of body.incidents.categories) for (const z of c.zones) if (z.count !== null) expect(z.count % 5).toBe(0);
      // The suppressed graffiti count raises nothing the planner could read it back from.
      expect(body.checklist.find((c: { key: string }) => c.key === 'maintenance').raised).toBe(false);
    });

    it('reports the time pattern, survey marks and a checklist raised by the evidence', async () => {
      const body = (await post('police', { ...PERIOD, geometry: square, buffer_m: 0 })).json();
      // 10 thefts + 3 graffiti inside and 6 drug offences 70 m away on Saturday 21:30, 0 otherwise within 100 m.
      expect(body.time.total).toBe(19);
      expect(body.time.by_weekday[5]).toBe(19);
      expect(body.time.weekday_hour[5][21]).toBe(19);
      expect(body.time.by_time_of_day.find((b: { key: string }) => b.key === 'kvall').count).toBe(19);
      expect(body.survey_marks).toMatchObject({ total: 2, inside_site: 0 });
      expect(body.survey_marks.by_reason).toEqual([{ reason: 'belysning', count: 2 }, { reason: 'vegetation', count: 1 }]);
      const lighting = body.checklist.find((c: { key: string }) => c.key === 'lighting');
      expect(lighting.raised).toBe(true);
      expect(lighting.evidence.map((e: { source: string }) => e.source).sort()).toEqual(['survey_marks', 'time']);
      expect(body.checklist.find((c: { key: string }) => c.key === 'sight_lines_vegetation').raised).toBe(true);
      // Three graffiti reports inside 1 ha where 0.03 were expected: significant for the police, who see the count.
      const maintenance = body.checklist.find((c: { key: string }) => c.key === 'maintenance');
      expect(maintenance.raised).toBe(true);
      expect(maintenance.evidence[0].detail).toMatch(/^Klotter: 3 inom platsen/);
      expect(body.checklist.find((c: { key: string }) => c.key === 'entrances_passages').evidence.some((e: { detail: string }) => e.detail.startsWith('Stöld'))).toBe(true);
      expect(body.hotspots.cell_m).toBe(200);
    });

    it('takes a point with a radius', async () => {
      const res = await post('planner', { ...PERIOD, geometry: point, buffer_m: 50 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().area_m2).toBeCloseTo(Math.PI * 2500, -2);
    });

    it.each([
      ['a self-intersecting polygon', () => ({ geometry: bowtie, buffer_m: 0 }), 'geometry'],
      ['an empty polygon', () => ({ geometry: { type: 'Polygon', coordinates: [[[17.6, 59.5], [17.6, 59.5], [17.6, 59.5], [17.6, 59.5]]] }, buffer_m: 0 }), 'geometry'],
      ['a polygon outside the municipality', () => ({ geometry: farAway, buffer_m: 0 }), 'geometry'],
      ['a point with radius 0', () => ({ geometry: point, buffer_m: 0 }), 'buffer_m'],
      ['a radius of 50 km', () => ({ geometry: point, buffer_m: 50_000 }), 'buffer_m'],
      ['a negative buffer', () => ({ geometry: square, buffer_m: -5 }), 'buffer_m'],
      ['a LineString', () => ({ geometry: { type: 'LineString', coordinates: [[17.6, 59.5], [17.7, 59.5]] }, buffer_m: 10 }), 'geometry'],
      ['NaN-like coordinates', () => ({ geometry: { type: 'Point', coordinates: ['x', 59] }, buffer_m: 10 }), 'geometry'],
      ['a geometry given as a string', () => ({ geometry: 'POLYGON((0 0,1 0,1 1,0 0))', buffer_m: 10 }), 'geometry'],
      ['an unknown field', () => ({ geometry: square, buffer_m: 0, radius: 5 }), 'radius'],
      ['a bad date', () => ({ geometry: square, buffer_m: 0, from: '2025-02-30' }), 'from'],
      ['too many vertices', () => ({ geometry: ring(20_000), buffer_m: 0 }), 'geometry'],
      ['a body of millions of vertices', () => ({ geometry: ring(1_000_000), buffer_m: 0 }), 'geometry'],
      ['an empty name', () => ({ geometry: square, buffer_m: 0, name: '   ' }), 'name'],
    ])('rejects %s with a 400 naming the field, saving nothing', async (_label, body, field) => {
      const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM site_check`.execute(t.database.db)).rows[0].n;
      const res = await post('planner', { municipality: '0999', name: 'Ska inte sparas', ...body() });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      const after = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM site_check`.execute(t.database.db)).rows[0].n;
      expect(after).toBe(before);
    });

    it.each([['public', 401], ['admin', 403], ['council', 403]] as const)('refuses %s to run a site check', async (role, status) => {
      expect((await post(role, { ...PERIOD, geometry: square, buffer_m: 0 })).statusCode).toBe(status);
    });

    it('saves with a name, lists and reopens; another role gets it recomputed under its own rules', async () => {
      const saved = await post('planner', { ...PERIOD, geometry: square, buffer_m: 0, name: 'Kvarteret Lärkan' });
      expect(saved.statusCode, saved.body).toBe(201);
      const id = saved.json().id;
      expect(id).toBeGreaterThan(0);
      const list = await t.app.inject({ method: 'GET', url: '/api/site-checks?municipality=0999', headers: await authHeaders(t, 'planner') });
      expect(list.json().site_checks.map((s: { name: string }) => s.name)).toContain('Kvarteret Lärkan');
      const again = await t.app.inject({ method: 'GET', url: `/api/site-checks/${id}`, headers: await authHeaders(t, 'planner') });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id, name: 'Kvarteret Lärkan', recomputed: false });
      expect(again.json().incidents).toEqual(saved.json().incidents);
      expect(again.json().input_geometry.type).toBe('Polygon');
      const police = (await t.app.inject({ method: 'GET', url: `/api/site-checks/${id}`, headers: await authHeaders(t, 'police') })).json();
      expect(police.recomputed).toBe(true);
      expect(zoneOf(police, 'klotter', 'site').count).toBe(3);
      const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'site_checks.save'`.execute(t.database.db);
      expect(audit.rows[0].n).toBeGreaterThanOrEqual(1);
    });

    it('saves through /api/site-checks/save, which needs a name', async () => {
      expect((await post('analyst', { ...PERIOD, geometry: square, buffer_m: 0 }, '/api/site-checks/save')).statusCode).toBe(400);
      expect((await post('analyst', { ...PERIOD, geometry: square, buffer_m: 25, name: 'Torget' }, '/api/site-checks/save')).statusCode).toBe(201);
    });

    it('answers 404 for a site check that does not exist', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/site-checks/999999', headers: await authHeaders(t, 'planner') });
      expect(res.statusCode).toBe(404);
    });
  });
}

/** A closed ring of n positions around the fixtures' origin (WGS84), for vertex-cap and body-limit tests. */
function ring(n: number) {
  const coords: number[][] = [];
  for (let k = 0; k < n - 1; k++) {
    const a = (2 * Math.PI * k) / (n - 1);
    coords.push([17.634 + 0.001 * Math.cos(a), 59.524 + 0.0005 * Math.sin(a)]);
  }
  coords.push(coords[0]);
  return { type: 'Polygon', coordinates: [coords] };
}
