import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, listMigrations } from '../../../server/infra/migrate.ts';
import { CATEGORIES } from '../../../shared/categories.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`migrations (${backend})`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(backend);
    });
    afterAll(async () => database?.destroy());

    it('records every migration as applied', async () => {
      const rows = await sql<{ name: string }>`SELECT name FROM schema_migration ORDER BY name`.execute(database.db);
      expect(rows.rows.map((r) => r.name)).toEqual(listMigrations().map((m) => m.name));
    });

    it('applies nothing the second time', async () => {
      expect(await migrateToLatest(database)).toEqual([]);
    });

    it('creates the tables of the whole product', async () => {
      const rows = await sql<{ t: string }>`
        SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()`.execute(database.db);
      const tables = rows.rows.map((r) => r.t);
      for (const t of ['municipality', 'district', 'incident', 'import_batch', 'survey', 'survey_response', 'survey_mark', 'priority',
        'citizen_promise', 'citizen_promise_commitment', 'citizen_promise_indicator', 'action', 'meeting', 'meeting_snapshot',
        'site_check', 'app_user', 'api_token', 'audit_log', 'focus_area', 'category', 'category_mapping', 'situation_report']) {
        expect(tables).toContain(t);
      }
    });

    it('stores geometry in SWEREF 99 TM', async () => {
      const rows = await sql<{ srid: number }>`
        SELECT srid FROM geometry_columns WHERE f_table_schema = current_schema() AND f_table_name = 'incident'`.execute(database.db);
      expect(rows.rows).toEqual([{ srid: 3006 }]);
    });

    it('seeds the SPEC §4.4 categories exactly as shared/categories.ts lists them', async () => {
      const rows = await database.db.selectFrom('category').select(['code', 'name_sv', 'sensitivity']).orderBy('sort_order').execute();
      expect(rows).toEqual(CATEGORIES.map((c) => ({ code: c.code, name_sv: c.sv, sensitivity: c.sensitivity })));
    });

    it('carries the municipality code on every tenant table', async () => {
      const rows = await sql<{ t: string }>`
        SELECT c.table_name AS t FROM information_schema.columns c
         WHERE c.table_schema = current_schema() AND c.column_name = 'municipality_code'`.execute(database.db);
      const tenant = rows.rows.map((r) => r.t);
      for (const t of ['district', 'incident', 'survey_response', 'survey_mark', 'priority', 'citizen_promise', 'meeting', 'site_check', 'action']) {
        expect(tenant).toContain(t);
      }
    });
  });
}
