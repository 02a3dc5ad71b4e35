import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { PROJECT_ROOT } from '../config.ts';
import type { Database } from './db.ts';

const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');

/** The migration files in order (`NNNN_description.sql`). */
export function listMigrations(dir = MIGRATIONS_DIR): { name: string; file: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ name: f.replace(/\.sql$/, ''), file: path.join(dir, f) }));
}

/**
 * Brings the database up to the newest migration; each migration runs in its own transaction with
 * its bookkeeping row, so a failure leaves the previous version intact. Returns the names applied.
 */
export async function migrateToLatest(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  await database.execScript(
    'CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied = new Set(
    (await sql<{ name: string }>`SELECT name FROM schema_migration`.execute(database.db)).rows.map((r) => r.name),
  );
  const done: string[] = [];
  for (const migration of listMigrations(dir)) {
    if (applied.has(migration.name)) continue;
    const body = fs.readFileSync(migration.file, 'utf8');
    // Names match /^\d{4}_[a-z0-9_]+$/, so quoting them into the script is safe.
    await database.execScript(
      `BEGIN;\n${body}\n;\nINSERT INTO schema_migration (name) VALUES ('${migration.name}');\nCOMMIT;`,
    ).catch(async (error: unknown) => {
      await database.execScript('ROLLBACK').catch(() => undefined);
      throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
    });
    done.push(migration.name);
  }
  return done;
}
