import type { Readable, Writable } from 'node:stream';
import { sql } from 'kysely';
import type { Database } from '../../infra/db.ts';
import { appliedMigrations, listMigrations, migrateToLatest } from '../../infra/migrate.ts';
import { ArchiveError, ArchiveWriter, readArchive, verifyArchive, type ArchiveHeader } from './backup-archive.ts';
import {
  copyTarget,
  copyText,
  countRows,
  deferrableDefinitions,
  executeStatements,
  listApplicationTables,
  listMunicipalityCodes,
  resetIdentities,
  rollupMismatches,
  setUserTriggers,
  streamTableRows,
  tablesWithRows,
  truncateTables,
  type TableInfo,
} from './backup.queries.ts';

/**
 * Tables the migrations fill (the SPEC §4.4 categories): part of the schema, so they never make a
 * target "non-empty", and a restore replaces them with the archive's rows like any other table.
 */
export const SCHEMA_SEEDED_TABLES = new Set(['category']);

/** A restore that must not go ahead; the CLI exits 2 and nothing in the target has changed. */
export class RestoreRefusedError extends Error {}

/** Rows per COPY statement on restore: large enough that per-statement costs vanish, a few MB of text. */
const COPY_BLOCK_ROWS = 20_000;

export interface BackupResult {
  header: Omit<ArchiveHeader, 'format' | 'format_version'>;
  counts: Record<string, number>;
}

/**
 * Writes the whole database to out as an archive (backup-archive.ts). One REPEATABLE READ,
 * read-only transaction sees a single snapshot: an import committing meanwhile is either wholly in
 * the archive or wholly absent.
 */
export async function createBackup(database: Database, out: Writable): Promise<BackupResult> {
  const writer = new ArchiveWriter(out);
  try {
    return await database.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
      await sql`SET TRANSACTION READ ONLY`.execute(trx);
      const migrations = await appliedMigrations({ ...database, db: trx });
      if (!migrations.length) throw new Error('The database has never been migrated: there is nothing to back up');
      const header = {
        schema_version: migrations.at(-1)!,
        migrations,
        municipalities: await listMunicipalityCodes(trx),
        created_at: new Date().toISOString(),
        backend: database.kind,
      };
      await writer.header(header);
      for (const table of await listApplicationTables(trx)) {
        await writer.table(table.name, table.columns.map((c) => c.name));
        for await (const block of streamTableRows(trx, table)) await writer.rawRows(block);
      }
      const counts = await writer.finish();
      return { header, counts };
    });
  } catch (error) {
    writer.abort(error as Error);
    throw error;
  }
}

export interface RestoreOptions {
  /** Replace a target that already holds data. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface RestoreResult {
  schema_version: string;
  municipalities: string[];
  counts: Record<string, number>;
  /** Migrations applied after the data, bringing an older archive up to this version. */
  upgraded: string[];
}

/**
 * Restores an archive into database. openArchive is called twice: the first read verifies the whole
 * file (checksum, counts, schema version) before anything in the target is touched; the second
 * writes every table in ONE transaction, checks row counts and rollups, and commits only when they
 * agree. Then migrations newer than the archive run, as on any upgrade.
 */
export async function restoreBackup(database: Database, openArchive: () => Readable, options: RestoreOptions = {}): Promise<RestoreResult> {
  const log = options.log ?? (() => undefined);
  const { header, trailer } = await verifyArchive(openArchive());
  const known = listMigrations().map((m) => m.name);
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length || !known.includes(header.schema_version)) {
    throw new RestoreRefusedError(
      `The backup comes from a newer version of Lägesbild (schema ${header.schema_version}; unknown here: ${unknown.join(', ') || header.schema_version}). ` +
        'Upgrade Lägesbild to the version that made the backup or later, then restore. Nothing was changed.',
    );
  }
  const applied = await appliedMigrations(database);
  const ahead = applied.filter((m) => m > header.schema_version);
  if (ahead.length) {
    throw new RestoreRefusedError(
      `The target database is at schema ${applied.at(-1)}, newer than the backup (${header.schema_version}), and a schema cannot be taken back. ` +
        'Restore into an empty data directory (or an empty PostgreSQL database): it is brought to the backup’s level, filled, then upgraded. Nothing was changed.',
    );
  }
  if (applied.length) {
    const tables = (await listApplicationTables(database.db)).map((t) => t.name).filter((t) => !SCHEMA_SEEDED_TABLES.has(t));
    const filled = await tablesWithRows(database.db, tables);
    if (filled.length && !options.force) {
      throw new RestoreRefusedError(
        `The target database already holds data (${filled.join(', ')}). Restoring replaces all of it: run again with --force if that is what you want. Nothing was changed.`,
      );
    }
  }

  const toArchiveLevel = await migrateToLatest(database, undefined, header.schema_version);
  if (toArchiveLevel.length) log(`Prepared the schema at ${header.schema_version} (${toArchiveLevel.length} migrations).`);
  const tables = await listApplicationTables(database.db);
  const byName = new Map(tables.map((t) => [t.name, t]));
  for (const t of Object.keys(trailer.counts)) {
    if (!byName.has(t)) throw new ArchiveError(`The backup has a table ${t} that schema ${header.schema_version} does not have`);
  }

  const started = Date.now();
  const session = await database.bulkSession();
  try {
    await session.db.transaction().execute(async (trx) => {
      const names = tables.map((t) => t.name);
      // Index builds and the rollup recount sort and hash a million rows: on a server give them
      // memory for this transaction (settable by any role); PGlite keeps its defaults (its heap is small).
      if (database.kind === 'postgres') {
        await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(trx);
        await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
      }
      // Rows go in with the tables' own triggers off: the archive already holds the rollups the
      // triggers would add to (they are checked against the incidents below). Foreign keys and
      // plain indexes come off too and are rebuilt after the load (a district's parent may point
      // forward within its table). All of it is DDL inside this transaction: a failure anywhere
      // rolls the target back to exactly what it was. Needs table ownership, not superuser.
      await setUserTriggers(trx, names, false);
      const deferred = await deferrableDefinitions(trx, names);
      await executeStatements(trx, deferred.drop);
      await truncateTables(trx, names);
      let table: TableInfo | undefined;
      let target = '';
      let rows = 0;
      let phase = Date.now();
      for await (const event of readArchive(openArchive(), COPY_BLOCK_ROWS)) {
        if (event.kind === 'table') {
          table = byName.get(event.table.table)!;
          const missing = event.table.columns.filter((c) => !table!.columns.some((tc) => tc.name === c));
          if (missing.length) throw new ArchiveError(`The backup's table ${table.name} has columns this schema does not: ${missing.join(', ')}`);
          target = copyTarget(table, event.table.columns);
        } else if (event.kind === 'rows') {
          await session.copyFrom(target, copyText(event.rows));
          if (Math.floor((rows + event.rows.length) / 500_000) > Math.floor(rows / 500_000)) log(`  ${rows + event.rows.length} rows…`);
          rows += event.rows.length;
        }
      }
      log(`Loaded ${rows} rows in ${((Date.now() - phase) / 1000).toFixed(1)} s; rebuilding ${deferred.create.length} indexes and foreign keys…`);
      phase = Date.now();
      await executeStatements(trx, deferred.create);
      log(`Rebuilt in ${((Date.now() - phase) / 1000).toFixed(1)} s; checking…`);
      phase = Date.now();
      for (const t of tables) {
        const n = await countRows(trx, t.name);
        if (n !== (trailer.counts[t.name] ?? 0)) throw new Error(`Restore check failed: ${t.name} has ${n} rows, the backup ${trailer.counts[t.name] ?? 0}. Nothing was changed.`);
        await resetIdentities(trx, t);
      }
      if (byName.has('incident')) {
        const wrong = await rollupMismatches(trx, (t) => byName.has(t));
        if (wrong.length) throw new Error(`Restore check failed: rollups disagree with the incidents (${wrong.map((w) => `${w.rollup}: ${w.rows} rows`).join(', ')}). Nothing was changed.`);
      }
      await setUserTriggers(trx, names, true);
      log(`Checked row counts and rollups in ${((Date.now() - phase) / 1000).toFixed(1)} s.`);
    });
  } finally {
    await session.release();
  }
  log(`Restored ${Object.values(trailer.counts).reduce((a, b) => a + b, 0)} rows in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

  const upgraded = await migrateToLatest(database);
  if (upgraded.length) {
    log(`Upgraded the restored data: ${upgraded.join(', ')}`);
    const wrong = await rollupMismatches(database.db);
    if (wrong.length) throw new Error(`Check after upgrade failed: rollups disagree with the incidents (${wrong.map((w) => w.rollup).join(', ')})`);
  }
  return { schema_version: header.schema_version, municipalities: header.municipalities, counts: trailer.counts, upgraded };
}
