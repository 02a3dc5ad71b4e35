import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';
import { multipart } from './import-test-data.ts';

const ne = (dx: number, dy: number) => `${ORIGIN.n + dy};${ORIGIN.e + dx}`;

for (const backend of testBackends()) {
  describe(`import routes (${backend})`, () => {
    let t: TestApp;
    let analyst: Record<string, string>;
    let police: Record<string, string>;

    beforeAll(async () => {
      process.env.IMPORT_MAX_UPLOAD_BYTES = String(64 * 1024);
      t = await buildTestApp(backend);
      delete process.env.IMPORT_MAX_UPLOAD_BYTES;
      await createMunicipality(t.database.db, '0999');
      await createDistrict(t.database.db, { municipality: '0999', name: 'Mitt', x: 0, y: 0, size: 3000 });
      analyst = await authHeaders(t, 'analyst');
      police = await authHeaders(t, 'police');
    });
    afterAll(async () => t?.close());

    const upload = (url: string, headers: Record<string, string>, fields: Record<string, string>, files: Record<string, [string, string | Buffer]>) => {
      const body = multipart(fields, files);
      return t.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...headers, ...body.headers } });
    };

    it('imports incidents and answers the CLI summary', async () => {
      const res = await upload('/api/imports/incidents', police, { municipality: '0999', source: 'police' }, { file: ['polis.csv', `id;kategori;tidpunkt;n;e\nH1;stold;2024-05-01 10:00;${ne(100, 100)}\n`] });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ batch: expect.any(Number), accepted: 1, updated: 0, unchanged: 0, unlocated: 0, rejected: 0, errors: [] });
    });

    it('answers a rejected file with 422 problem+json listing the rows', async () => {
      const res = await upload('/api/imports/incidents', police, { municipality: '0999', source: 'police' }, { file: ['polis.csv', 'id;kategori;tidpunkt\nH2;fylla;2024-05-01 10:00\n'] });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 422, batch: null, rejected: 1, errors: [{ row: 1, field: 'category' }] });
    });

    it('writes valid rows with allow_rejects', async () => {
      const res = await upload('/api/imports/incidents', police, { municipality: '0999', source: 'police', allow_rejects: 'true' }, { file: ['p.csv', 'id;kategori;tidpunkt\nH3;stold;2024-05-01 10:00\nH4;fylla;2024-05-01 10:00\n'] });
      expect(res.json()).toMatchObject({ accepted: 1, rejected: 1, written: true });
    });

    it('refuses the public with 401', async () => {
      const res = await upload('/api/imports/incidents', {}, { municipality: '0999' }, { file: ['p.csv', 'x'] });
      expect(res.statusCode).toBe(401);
    });

    it('refuses a council member with 403', async () => {
      const res = await upload('/api/imports/incidents', await authHeaders(t, 'council'), { municipality: '0999' }, { file: ['p.csv', 'x'] });
      expect(res.statusCode).toBe(403);
    });

    it('refuses police-source imports to an analyst', async () => {
      const res = await upload('/api/imports/incidents', analyst, { municipality: '0999', source: 'police' }, { file: ['p.csv', 'id;kategori;tidpunkt\n'] });
      expect(res.statusCode).toBe(403);
    });

    it('rejects police rows in an analyst’s file row by row', async () => {
      const res = await upload('/api/imports/incidents', analyst, { municipality: '0999', source: 'housing' }, { file: ['p.csv', 'id;kategori;tidpunkt;källa\nK1;stold;2024-05-01 10:00;police\n'] });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0]).toMatchObject({ row: 1, field: 'source' });
    });

    it('answers 413 for a file over the upload limit', async () => {
      const big = `id;kategori;tidpunkt\n${'Z;stold;2024-05-01 10:00\n'.repeat(4000)}`;
      const res = await upload('/api/imports/incidents', police, { municipality: '0999', source: 'police' }, { file: ['big.csv', big] });
      expect(res.statusCode).toBe(413);
      expect(res.json().detail).toMatch(/större än/);
    });

    it('answers 400 naming a missing municipality', async () => {
      const res = await upload('/api/imports/incidents', police, {}, { file: ['p.csv', 'id'] });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('municipality');
    });

    it('imports districts', async () => {
      const square = (x: number, y: number, s: number) => [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]];
      const geojson = JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3006' } },
        features: [{ type: 'Feature', properties: { namn: 'Nytt område', population: 120 }, geometry: { type: 'Polygon', coordinates: square(ORIGIN.e + 100, ORIGIN.n + 100, 500) } }],
      });
      const res = await upload('/api/imports/districts', analyst, { municipality: '0999', kind: 'omrade' }, { file: ['d.geojson', geojson] });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ accepted: 1, reassigned: { incidents: 1 } });
    });

    it('imports a survey with marks', async () => {
      const res = await upload(
        '/api/imports/survey',
        analyst,
        { municipality: '0999', survey: 'Trygghetsmätning 2024' },
        {
          file: ['svar.csv', 'response_id;district;gender;age_group;otrygg_kvall\nR1;Mitt;kvinna;16-19;3\n'],
          marks: ['marks.csv', `mark_id;response_id;n;e;reasons;time_of_day;comment\nM1;R1;${ne(200, 200)};belysning;kvall;Mörkt\n`],
        },
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ accepted: 2, responses: { accepted: 1 }, marks: { accepted: 1 } });
    });

    it('lists batches and rolls one back', async () => {
      const created = await upload('/api/imports/incidents', police, { municipality: '0999', source: 'police' }, { file: ['rb.csv', 'id;kategori;tidpunkt\nRB1;stold;2024-05-01 10:00\n'] });
      const id = created.json().batch;
      const list = await t.app.inject({ method: 'GET', url: '/api/imports?municipality=0999', headers: police });
      expect(list.statusCode).toBe(200);
      expect(list.json().batches[0]).toMatchObject({ id, kind: 'incidents', file_name: 'rb.csv', accepted: 1, status: 'committed' });
      const rolled = await t.app.inject({ method: 'POST', url: `/api/imports/${id}/rollback`, headers: police });
      expect(rolled.statusCode).toBe(200);
      expect(rolled.json()).toMatchObject({ id, status: 'rolled_back' });
      const again = await t.app.inject({ method: 'POST', url: `/api/imports/${id}/rollback`, headers: police });
      expect(again.statusCode).toBe(409);
    });

    it('answers 404 for rolling back an unknown batch', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/imports/999999/rollback', headers: police });
      expect(res.statusCode).toBe(404);
    });

    it('edits the category mapping and uses it in the next import', async () => {
      const put = await t.app.inject({ method: 'PUT', url: '/api/imports/category-mapping', headers: police, payload: { municipality: '0999', source: 'police', source_code: '0311', category: 'misshandel' } });
      expect(put.statusCode).toBe(200);
      const list = await t.app.inject({ method: 'GET', url: '/api/imports/category-mapping?municipality=0999', headers: police });
      expect(list.json().mappings).toEqual([{ source: 'police', source_code: '0311', category: 'misshandel' }]);
      const res = await upload('/api/imports/incidents', police, { municipality: '0999', source: 'police' }, { file: ['k.csv', 'id;kategori;tidpunkt\nMAP1;0311;2024-05-01 10:00\n'] });
      expect(res.json()).toMatchObject({ accepted: 1 });
      const bad = await t.app.inject({ method: 'PUT', url: '/api/imports/category-mapping', headers: police, payload: { municipality: '0999', source: 'police', source_code: 'x', category: 'fylla' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].field).toBe('category');
      const del = await t.app.inject({ method: 'DELETE', url: '/api/imports/category-mapping', headers: police, payload: { municipality: '0999', source: 'police', source_code: '0311' } });
      expect(del.statusCode).toBe(204);
    });

    it('imports a mapping CSV', async () => {
      // An entry for every source (empty source) also translates police codes: only an admin may write one.
      const res = await upload('/api/imports/category-mapping', await authHeaders(t, 'admin'), { municipality: '0999' }, { file: ['map.csv', 'source;kod;kategori\nhousing;SK1;skadegorelse\n;GEN;klotter\n'] });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ accepted: 2 });
    });
  });
}
