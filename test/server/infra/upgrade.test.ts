import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedMigrations, listMigrations, migrateToLatest, pendingMigrations } from '../../../server/infra/migrate.ts';
import { SchemaDatabases } from '../../helpers/empty-db.ts';
import { TEST_TMP, testBackends } from '../../helpers/test-db.ts';
import type { Database } from '../../../server/infra/db.ts';

const MIGRATIONS = listMigrations();

/**
 * Rows a database at `level` can hold, written with the columns of that level only: every table
 * 0001 created, plus what later levels add (audit actor from 0005).
 */
async function insertFixture(database: Database, level: string): Promise<number> {
  // From 0007 an account is bound to a municipality or, on purpose, to all of them.
  const scopeColumn = level >= '0007_access' ? ', all_municipalities' : '';
  const scopeValue = level >= '0007_access' ? ', true' : '';
  await database.execScript(`
    INSERT INTO municipality (code, name) VALUES ('0999', 'Testkommun');
    INSERT INTO app_user (email, password_hash, role${scopeColumn}) VALUES ('a@test.example', 'x', 'admin'${scopeValue});
    INSERT INTO api_token (name, token_hash, role, created_by${scopeColumn}) VALUES ('t', 'h', 'admin', (SELECT id FROM app_user)${scopeValue});
    INSERT INTO audit_log (user_id, role, action, route) VALUES ((SELECT id FROM app_user), 'admin', 'read', '/api/x');
    INSERT INTO district (municipality_code, name, kind, geom) VALUES
      ('0999', 'D1', 'stadsdel', ST_GeomFromText('MULTIPOLYGON(((650000 6600000,651000 6600000,651000 6601000,650000 6601000,650000 6600000)))', 3006));
  `);
  if (level >= '0005_auth') await database.execScript(`UPDATE audit_log SET actor = 'a@test.example'`);
  // Categories arrive with 0002: a database at 0001 cannot hold incidents yet.
  if (level < '0002_categories') return 0;
  await database.execScript(`
    INSERT INTO incident (municipality_code, source, source_ref, category_code, occurred_at, geom, district_id, content_hash)
      SELECT '0999', 'police', 'r' || g, CASE WHEN g % 2 = 0 THEN 'stold' ELSE 'hot' END,
             timestamptz '2025-03-01 12:00+01' + g * interval '7 hours',
             CASE WHEN g % 5 = 0 THEN NULL ELSE ST_SetSRID(ST_MakePoint(650100 + g, 6600100 + g), 3006) END,
             CASE WHEN g % 5 = 0 THEN NULL ELSE (SELECT id FROM district) END, 'h' || g
        FROM generate_series(1, 40) g;
  `);
  return 40;
}

async function count(database: Database, table: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(database.db);
  return r.rows[0].n;
}

for (const backend of testBackends()) {
  describe(`upgrades from every earlier schema level (${backend})`, () => {
    const databases = new SchemaDatabases(backend);
    afterAll(() => databases.close());

    for (const [i, level] of MIGRATIONS.slice(0, -1).entries()) {
      it(`keeps the data of a database at ${level.name} when migrating to ${MIGRATIONS.at(-1)!.name}`, async () => {
        const database = await databases.empty();
        try {
          expect(await migrateToLatest(database, undefined, level.name)).toEqual(MIGRATIONS.slice(0, i + 1).map((m) => m.name));
          expect(await appliedMigrations(database)).toEqual(MIGRATIONS.slice(0, i + 1).map((m) => m.name));
          const incidents = await insertFixture(database, level.name);
          expect((await pendingMigrations(database)).map((m) => m.name)).toEqual(MIGRATIONS.slice(i + 1).map((m) => m.name));

          await migrateToLatest(database);
          expect(await appliedMigrations(database)).toEqual(MIGRATIONS.map((m) => m.name));
          expect(await count(database, 'incident')).toBe(incidents);
          expect(await count(database, 'district')).toBe(1);
          expect(await count(database, 'audit_log')).toBe(1);
          expect(await count(database, 'api_token')).toBe(1);
          // The rollups (0004) agree with the incidents, whichever level they were written at.
          const sums = await sql<{ month: number; how: number }>`
            SELECT (SELECT coalesce(sum(n), 0)::int FROM incident_month_rollup) AS month,
                   (SELECT coalesce(sum(n), 0)::int FROM incident_how_rollup) AS how`.execute(database.db);
          expect(sums.rows[0]).toEqual({ month: incidents, how: incidents });
          const located = await sql<{ n: number }>`SELECT coalesce(sum(n), 0)::int AS n FROM incident_month_rollup WHERE located`.execute(database.db);
          expect(located.rows[0].n).toBe(incidents ? 32 : 0);
        } finally {
          await database.destroy();
        }
      });
    }

    describe('a migration that fails', () => {
      let dir: string;
      beforeAll(() => {
        dir = path.join(TEST_TMP, `broken-migrations-${process.pid}-${backend}`);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        for (const m of MIGRATIONS) fs.copyFileSync(m.file, path.join(dir, path.basename(m.file)));
        fs.writeFileSync(path.join(dir, '9000_broken.sql'), '-- Breaks half-way.\nCREATE TABLE half_done (x int);\nALTER TABLE incident ADD COLUMN half int;\nSELECT 1 / 0;\n');
      });
      afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

      it('leaves the database at the earlier version, usable and unchanged', async () => {
        const database = await databases.empty();
        try {
          await migrateToLatest(database);
          await insertFixture(database, MIGRATIONS.at(-1)!.name);
          const pending = await pendingMigrations(database, dir);
          expect(pending.map((m) => [m.name, m.summary])).toEqual([['9000_broken', 'Breaks half-way.']]);
          await expect(migrateToLatest(database, dir)).rejects.toThrow(/9000_broken failed: .*division by zero/);
          expect(await appliedMigrations(database)).toEqual(MIGRATIONS.map((m) => m.name));
          const leftovers = await sql<{ t: string | null; c: number }>`
            SELECT to_regclass(quote_ident(current_schema()) || '.half_done')::text AS t,
                   (SELECT count(*)::int FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = 'incident' AND column_name = 'half') AS c`.execute(database.db);
          expect(leftovers.rows[0]).toEqual({ t: null, c: 0 });
          // Every pooled connection is still usable (none left in an aborted transaction).
          for (let k = 0; k < 12; k++) expect(await count(database, 'incident')).toBe(40);
        } finally {
          await database.destroy();
        }
      });
    });
  });
}
