import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/config.ts';
import { openDatabase, type Database, type DbKind } from '../../server/infra/db.ts';
import { listMigrations, migrateToLatest } from '../../server/infra/migrate.ts';

/** Scratch space for test databases and builds (gitignored). */
export const TEST_TMP = path.join(PROJECT_ROOT, 'test', '.tmp');
const TEMPLATE_DIR = path.join(TEST_TMP, 'pglite-template');

/**
 * The backends the shared suites run on: PGlite always, the PostgreSQL server when
 * TEST_DATABASE_URL is set. Under CI=true a missing server is an error, never a silent skip.
 */
export function testBackends(): DbKind[] {
  if (process.env.TEST_DATABASE_URL) return ['pglite', 'postgres'];
  if (process.env.CI === 'true') throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostGIS-server suite must run in CI');
  return ['pglite'];
}

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.name).update(fs.readFileSync(m.file));
  return h.digest('hex');
}

/** Builds (once, or when migrations change) a migrated PGlite data directory that tests copy. */
export async function ensurePgliteTemplate(): Promise<string> {
  const stamp = path.join(TEMPLATE_DIR, '.migrations-hash');
  const hash = migrationsHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return TEMPLATE_DIR;
  fs.rmSync(TEMPLATE_DIR, { recursive: true, force: true });
  const building = `${TEMPLATE_DIR}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  const database = await openDatabase({ dataDir: building });
  await migrateToLatest(database);
  await database.close();
  fs.writeFileSync(path.join(building, '.migrations-hash'), hash);
  try {
    fs.renameSync(building, TEMPLATE_DIR);
  } catch (error) {
    // Another test run finished the same template first: use theirs if it is current.
    fs.rmSync(building, { recursive: true, force: true });
    if (!(fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash)) throw error;
  }
  return TEMPLATE_DIR;
}

/** A fresh, migrated, empty database of the given backend; `destroy()` removes every trace. */
export interface TestDatabase extends Database {
  destroy(): Promise<void>;
  /** PGlite data directory (for CLI tests), or the PostgreSQL schema name. */
  location: string;
}

/** Opens a fresh migrated database: a copy of the PGlite template, or a new schema on the server. */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  const id = randomBytes(6).toString('hex');
  if (kind === 'pglite') {
    const template = await ensurePgliteTemplate();
    const dir = path.join(TEST_TMP, `db-${id}`);
    fs.cpSync(template, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'lagesbild.lock'), { force: true });
    const database = await openDatabase({ dataDir: dir });
    await migrateToLatest(database);
    return {
      ...database,
      location: dir,
      destroy: async () => {
        await database.close().catch(() => undefined);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `test_${id}`;
  const admin = await openDatabase({ databaseUrl: url, dataDir: '' });
  await admin.execScript(`CREATE SCHEMA ${schema}`);
  const database = await openDatabase({ databaseUrl: url, dataDir: '', schema });
  await migrateToLatest(database);
  return {
    ...database,
    location: schema,
    destroy: async () => {
      await database.close().catch(() => undefined);
      await admin.execScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    },
  };
}
