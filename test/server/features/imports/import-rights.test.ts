import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';
import { multipart } from './import-test-data.ts';

// Attacks on import rights (issue 10): an analyst turning police data into open data by remapping codes, or
// undoing police imports through a batch whose `source` field does not say "police".
for (const backend of testBackends()) {
  describe(`import rights attacks (${backend})`, () => {
    let t: TestApp;
    let analyst: Record<string, string>;
    let police: Record<string, string>;
    let admin: Record<string, string>;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await createMunicipality(t.database.db, '0999');
      await createDistrict(t.database.db, { municipality: '0999', name: 'Mitt', x: 0, y: 0, size: 3000 });
      analyst = await authHeaders(t, 'analyst', '0999');
      police = await authHeaders(t, 'police', '0999');
      admin = await authHeaders(t, 'admin', '0999');
    }, 600_000);
    afterAll(async () => t?.close());

    const upload = (url: string, headers: Record<string, string>, fields: Record<string, string>, files: Record<string, [string, string]>) => {
      const body = multipart(fields, files);
      return t.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...headers, ...body.headers } });
    };
    const put = (headers: Record<string, string>, entry: object) =>
      t.app.inject({ method: 'PUT', url: '/api/imports/category-mapping', headers, payload: { municipality: '0999', ...entry } });
    const del = (headers: Record<string, string>, entry: object) =>
      t.app.inject({ method: 'DELETE', url: '/api/imports/category-mapping', headers, payload: { municipality: '0999', ...entry } });
    const mappings = async () => (await sql<{ source: string; source_code: string; category_code: string }>`
      SELECT source, source_code, category_code FROM category_mapping WHERE municipality_code = '0999' ORDER BY source, source_code`.execute(t.database.db)).rows;
    const rollback = (id: number, headers: Record<string, string>) => t.app.inject({ method: 'POST', url: `/api/imports/${id}/rollback`, headers });
    const status = async (id: number) => (await t.database.db.selectFrom('import_batch').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    it('refuses an analyst remapping a police code, and writes nothing', async () => {
      expect((await put(police, { source: 'police', source_code: '9300', category: 'sexualbrott' })).statusCode).toBe(200);
      const before = await mappings();
      const attack = await put(analyst, { source: 'police', source_code: '9300', category: 'misshandel' });
      expect(attack.statusCode).toBe(403);
      expect(attack.json()).toMatchObject({ code: 'IMPORT_SOURCE_FORBIDDEN', errors: [{ field: 'source' }] });
      // An entry for every source would translate the police code too (no police-specific entry needed).
      const wildcard = await put(analyst, { source: null, source_code: '9301', category: 'misshandel' });
      expect(wildcard.json()).toMatchObject({ status: 403, code: 'IMPORT_SOURCE_FORBIDDEN' });
      const aliased = await put(analyst, { source: 'polisen', source_code: '9300', category: 'misshandel' });
      expect(aliased.json()).toMatchObject({ status: 403, code: 'IMPORT_SOURCE_FORBIDDEN' });
      expect((await del(analyst, { source: 'police', source_code: '9300' })).json()).toMatchObject({ status: 403, code: 'IMPORT_SOURCE_FORBIDDEN' });
      expect(await mappings()).toEqual(before);
    });

    it('refuses an analyst mapping into, or out of, a category of a sensitivity they may not import', async () => {
      const into = await put(analyst, { source: 'housing', source_code: 'H-1', category: 'vald_nara_relation' });
      expect(into.json()).toMatchObject({ status: 403, code: 'IMPORT_CATEGORY_FORBIDDEN', errors: [{ field: 'category' }] });
      expect((await put(admin, { source: 'housing', source_code: 'H-2', category: 'hedersrelaterat' })).statusCode).toBe(200);
      const outOf = await put(analyst, { source: 'housing', source_code: 'h-2', category: 'ordningsstorning' });
      expect(outOf.json()).toMatchObject({ status: 403, code: 'IMPORT_CATEGORY_FORBIDDEN' });
      expect((await del(analyst, { source: 'housing', source_code: 'H-2' })).json()).toMatchObject({ status: 403, code: 'IMPORT_CATEGORY_FORBIDDEN' });
      expect((await mappings()).find((m) => m.source_code === 'H-2')?.category_code).toBe('hedersrelaterat');
      // Their own sources and categories stay theirs.
      expect((await put(analyst, { source: 'housing', source_code: 'H-3', category: 'klotter' })).statusCode).toBe(200);
      expect((await put(analyst, { source: 'housing', source_code: 'H-3', category: 'narkotika' })).statusCode).toBe(200);
      expect((await del(analyst, { source: 'housing', source_code: 'H-3' })).statusCode).toBe(204);
    });

    it('rejects a mapping CSV with a police row from an analyst as a whole, naming the row and field', async () => {
      const before = await mappings();
      const res = await upload('/api/imports/category-mapping', analyst, { municipality: '0999' }, {
        file: ['map.csv', 'source;kod;kategori\nhousing;SK1;skadegorelse\npolice;9300;misshandel\n;GEN;klotter\nhousing;SK2;sexualbrott\n'],
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ written: false, rejected: 3 });
      expect(res.json().errors).toEqual([
        expect.objectContaining({ row: 2, field: 'source' }),
        expect.objectContaining({ row: 3, field: 'source' }),
        expect.objectContaining({ row: 4, field: 'category' }),
      ]);
      expect(await mappings()).toEqual(before);
      const ok = await upload('/api/imports/category-mapping', analyst, { municipality: '0999' }, { file: ['map.csv', 'source;kod;kategori\nhousing;SK1;skadegorelse\n'] });
      expect(ok.json()).toMatchObject({ written: true, accepted: 1 });
    });

    it('refuses an analyst rolling back a police batch that has no source field', async () => {
      // A file with a source column: the batch's own `source` is null, its incidents are police incidents.
      const created = await upload('/api/imports/incidents', police, { municipality: '0999' }, { file: ['p.csv', 'id;källa;kategori;tidpunkt\nRBP1;police;stold;2024-05-01 10:00\n'] });
      expect(created.statusCode).toBe(200);
      const id = created.json().batch as number;
      expect((await t.database.db.selectFrom('import_batch').select('source').where('id', '=', id).executeTakeFirstOrThrow()).source).toBeNull();
      const attack = await rollback(id, analyst);
      expect(attack.statusCode).toBe(403);
      expect(attack.json()).toMatchObject({ code: 'IMPORT_SOURCE_FORBIDDEN' });
      expect(await status(id)).toBe('committed');
      expect((await rollback(id, police)).statusCode).toBe(200);
    });

    it('refuses an analyst rolling back a mixed batch (police and housing incidents)', async () => {
      const created = await upload('/api/imports/incidents', admin, { municipality: '0999' }, {
        file: ['mix.csv', 'id;källa;kategori;tidpunkt\nMX1;housing;klotter;2024-05-01 10:00\nMX2;police;misshandel;2024-05-01 11:00\n'],
      });
      const id = created.json().batch as number;
      expect((await rollback(id, analyst)).json()).toMatchObject({ status: 403, code: 'IMPORT_SOURCE_FORBIDDEN' });
      expect(await status(id)).toBe('committed');
    });

    it('refuses an analyst rolling back a police batch older than the newest 200', async () => {
      const created = await upload('/api/imports/incidents', police, { municipality: '0999', source: 'police' }, { file: ['old.csv', 'id;kategori;tidpunkt\nOLD1;stold;2024-05-02 10:00\n'] });
      const id = created.json().batch as number;
      // 210 later batches push it out of the list the old check read.
      await sql`INSERT INTO import_batch (municipality_code, kind, source, created_by)
                SELECT '0999', 'category_mapping', NULL, 'filler' FROM generate_series(1, 210)`.execute(t.database.db);
      const list = (await t.app.inject({ method: 'GET', url: '/api/imports?municipality=0999', headers: analyst })).json().batches as { id: number }[];
      expect(list.some((b) => b.id === id)).toBe(false);
      const attack = await rollback(id, analyst);
      expect(attack.json()).toMatchObject({ status: 403, code: 'IMPORT_SOURCE_FORBIDDEN' });
      expect(await status(id)).toBe('committed');
    });

    it('lets an analyst roll back their own housing batch, and audits it', async () => {
      const created = await upload('/api/imports/incidents', analyst, { municipality: '0999', source: 'housing' }, { file: ['h.csv', 'id;kategori;tidpunkt\nHB1;klotter;2024-05-01 10:00\n'] });
      const id = created.json().batch as number;
      const res = await rollback(id, analyst);
      expect(res.statusCode).toBe(200);
      const row = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'import.rollback').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ municipality_code: '0999', role: 'analyst' });
      expect(typeof row.filters === 'string' ? JSON.parse(row.filters) : row.filters).toMatchObject({ batch: id, sources: ['housing'] });
    });
  });
}
