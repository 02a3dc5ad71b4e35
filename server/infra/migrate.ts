import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { PROJECT_ROOT } from '../config.ts';
import type { Database } from './db.ts';

const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');

export interface Migration {
  name: string;
  file: string;
}

/** The migration files in order (`NNNN_description.sql`). */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ name: f.replace(/\.sql$/, ''), file: path.join(dir, f) }));
}

/** The leading comment block of a migration: what `migrate --dry-run` shows an operator. */
export function migrationSummary(file: string): string {
  const lines: string[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*--\s?(.*)$/.exec(line);
    if (!m) break;
    if (m[1].trim() === '') {
      if (lines.length) break;
      continue;
    }
    lines.push(m[1].trim());
  }
  return lines.join(' ');
}

/**
 * Names recorded as applied, oldest first. Read-only: a database that was never migrated has no
 * bookkeeping table, and checking must not create one (dry runs and readiness probes call this).
 */
export async function appliedMigrations(database: Database): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass(quote_ident(current_schema()) || '.schema_migration')::text AS t`.execute(database.db);
  // Qualified: a schema_migration further down the search_path belongs to another database.
  if (!exists.rows[0]?.t) return [];
  const rows = await sql<{ name: string }>`SELECT name FROM schema_migration ORDER BY name`.execute(database.db);
  return rows.rows.map((r) => r.name);
}

/** Migrations in dir not yet applied, with their summaries. */
export async function pendingMigrations(database: Database, dir = MIGRATIONS_DIR): Promise<(Migration & { summary: string })[]> {
  const applied = new Set(await appliedMigrations(database));
  return listMigrations(dir)
    .filter((m) => !applied.has(m.name))
    .map((m) => ({ ...m, summary: migrationSummary(m.file) }));
}

/**
 * Brings the database up to the newest migration, or only up to and including `until` (restores
 * and upgrade tests stop at an archive's level). Each migration runs in its own transaction with
 * its bookkeeping row, so a failure leaves the previous version intact. Returns the names applied.
 */
export async function migrateToLatest(database: Database, dir = MIGRATIONS_DIR, until?: string): Promise<string[]> {
  const all = listMigrations(dir);
  if (until !== undefined && !all.some((m) => m.name === until)) throw new Error(`Unknown migration ${until}`);
  await database.execScript(
    'CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied = new Set(await appliedMigrations(database));
  const done: string[] = [];
  for (const migration of all) {
    if (until !== undefined && migration.name > until) break;
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
