import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../../server/config.ts';
import { openDatabase, type Database, type DbKind } from '../../../../server/infra/db.ts';
import { appliedMigrations, listMigrations, migrateToLatest, migrationSummary } from '../../../../server/infra/migrate.ts';
import { ensurePgliteTemplate, TEST_TMP, testBackends } from '../../../helpers/test-db.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'lagesbild.mjs');
const MIGRATIONS = listMigrations();
/** The level the "old installation" stands at: the last two migrations are pending. */
// A database from before the daily rollups: every later migration is pending, and the tables of two of them
// (incident_day_rollup, basemap_feature) must still be absent after a dry run.
const FIRST_PENDING = MIGRATIONS.findIndex((m) => m.name === '0011_daily_rollups');
const OLD_LEVEL = MIGRATIONS[FIRST_PENDING - 1].name;
const PENDING = MIGRATIONS.slice(FIRST_PENDING);

/** The real CLI in a child process (async: a PGlite open under load takes a while). */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A database the CLI can open by itself: a PGlite data directory (closed while the CLI runs, as
 * PGlite allows one process), or a schema on the server reached through the URL's search_path.
 */
interface CliTarget {
  open(): Promise<Database>;
  env: Record<string, string>;
  args: string[];
  remove(): Promise<void>;
}

/** An initialised, never-migrated PGlite data directory, made once and copied (initdb is the slow part). */
let emptyCluster: Promise<string> | undefined;
function emptyPgliteCluster(): Promise<string> {
  emptyCluster ??= (async () => {
    const dir = path.join(TEST_TMP, `migrate-cli-empty-${process.pid}`);
    fs.rmSync(dir, { recursive: true, force: true });
    await (await openDatabase({ dataDir: dir })).close();
    return dir;
  })();
  return emptyCluster;
}

/** A database for the CLI: never migrated (`empty`) or at the current schema (`latest`). */
async function cliTarget(backend: DbKind, from: 'empty' | 'latest'): Promise<CliTarget> {
  const id = randomBytes(5).toString('hex');
  if (backend === 'pglite') {
    const dataDir = path.join(TEST_TMP, `migrate-cli-${id}`);
    fs.cpSync(from === 'empty' ? await emptyPgliteCluster() : await ensurePgliteTemplate(), dataDir, { recursive: true });
    fs.rmSync(path.join(dataDir, 'lagesbild.lock'), { force: true });
    return {
      open: () => openDatabase({ dataDir }),
      env: {},
      args: ['--data-dir', dataDir],
      remove: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `migrate_cli_${id}`;
  const admin = await openDatabase({ databaseUrl: url, dataDir: '' });
  await admin.execScript(`CREATE SCHEMA ${schema}`);
  if (from === 'latest') {
    const database = await openDatabase({ databaseUrl: url, dataDir: '', schema });
    await migrateToLatest(database);
    await database.close();
  }
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema},public`);
  return {
    open: () => openDatabase({ databaseUrl: url, dataDir: '', schema }),
    env: { DATABASE_URL: scoped.toString() },
    args: [],
    remove: async () => {
      await admin.execScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    },
  };
}

async function tableExists(database: Database, table: string): Promise<boolean> {
  const r = await sql<{ t: string | null }>`SELECT to_regclass(quote_ident(current_schema()) || '.' || ${table})::text AS t`.execute(database.db);
  return r.rows[0].t !== null;
}

for (const backend of testBackends()) {
  describe(`lagesbild migrate --dry-run (${backend})`, { timeout: 300_000 }, () => {
    const targets: CliTarget[] = [];
    afterAll(async () => {
      for (const t of targets) await t.remove();
      if (emptyCluster) fs.rmSync(await emptyCluster, { recursive: true, force: true });
    });

    it('lists the pending migrations with what each changes, and leaves schema and data untouched', async () => {
      const target = await cliTarget(backend, 'empty');
      targets.push(target);
      let database = await target.open();
      await migrateToLatest(database, undefined, OLD_LEVEL);
      await database.execScript(`
        INSERT INTO municipality (code, name) VALUES ('0999', 'Testkommun');
        INSERT INTO incident (municipality_code, source, source_ref, category_code, occurred_at, content_hash)
          SELECT '0999', 'police', 'r' || g, 'stold', timestamptz '2025-03-01 12:00+01' + g * interval '5 hours', 'h' || g
            FROM generate_series(1, 12) g;`);
      await database.close();

      const r = await cli(['migrate', '--dry-run', ...target.args], target.env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toEqual([
        `Schema version: ${OLD_LEVEL}`,
        `${PENDING.length} pending migration(s), none applied (dry run):`,
        ...PENDING.map((m) => `  ${m.name}: ${migrationSummary(m.file)}`),
      ]);
      // What each changes is the migration's own leading comment, not just its name.
      for (const m of PENDING) expect(migrationSummary(m.file).length).toBeGreaterThan(20);

      database = await target.open();
      try {
        expect((await appliedMigrations(database)).at(-1)).toBe(OLD_LEVEL);
        expect(await tableExists(database, 'incident_day_rollup')).toBe(false);
        expect(await tableExists(database, 'basemap_feature')).toBe(false);
        const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incident`.execute(database.db);
        expect(n.rows[0].n).toBe(12);
      } finally {
        await database.close();
      }
    });

    it('says an up-to-date database has nothing to apply', async () => {
      const target = await cliTarget(backend, 'latest');
      targets.push(target);
      const r = await cli(['migrate', '--dry-run', ...target.args], target.env);
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual([`Schema version: ${MIGRATIONS.at(-1)!.name}`, 'Up to date: nothing to apply.']);
    });

    it('lists every migration for an empty database without creating anything in it', async () => {
      const target = await cliTarget(backend, 'empty');
      targets.push(target);
      const r = await cli(['migrate', '--dry-run', ...target.args], target.env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('Schema version: (empty database)');
      expect(lines[1]).toBe(`${MIGRATIONS.length} pending migration(s), none applied (dry run):`);
      expect(lines.slice(2).map((l) => l.split(':')[0].trim())).toEqual(MIGRATIONS.map((m) => m.name));
      const database = await target.open();
      try {
        expect(await tableExists(database, 'schema_migration')).toBe(false);
        expect(await tableExists(database, 'incident')).toBe(false);
      } finally {
        await database.close();
      }
    });
  });
}
