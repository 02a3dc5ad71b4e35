import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database, type DbKind } from '../server/infra/db.ts';
import { migrateToLatest } from '../server/infra/migrate.ts';
import { BENCH_MUNICIPALITY, generateMunicipality } from './generate-municipality.ts';
import { benchServerUrl } from './lib.ts';

export interface GeneratedDatabaseOptions {
  /** Names the bench in progress lines. */
  label: string;
  incidents: number;
  /** PGlite data directory, kept between runs once complete (a `.generated` marker says so). */
  pgliteDir: string;
  /** PostgreSQL schema on BENCH_DATABASE_URL's server, kept between runs. */
  pgSchema: string;
  /** Refresh planner statistics after generating. */
  analyze?: boolean;
}

/**
 * Opens (and on first use generates) the bench municipality with `incidents` incidents, migrated to the
 * newest schema. A half-generated PGlite directory is started over; a half-generated PostgreSQL schema is
 * an error naming what to remove.
 */
export async function openGeneratedDatabase(kind: DbKind, options: GeneratedDatabaseOptions): Promise<Database> {
  const { label, incidents, pgliteDir, pgSchema } = options;
  const log = (msg: string) => process.stderr.write(`[${label} bench ${kind}] ${msg}\n`);
  let database: Database;
  if (kind === 'pglite') {
    if (!fs.existsSync(path.join(pgliteDir, '.generated'))) fs.rmSync(pgliteDir, { recursive: true, force: true });
    database = await openDatabase({ dataDir: pgliteDir });
  } else {
    const url = benchServerUrl()!;
    const admin = await openDatabase({ databaseUrl: url, dataDir: '' });
    await admin.execScript(`CREATE SCHEMA IF NOT EXISTS ${pgSchema}`);
    await admin.close();
    database = await openDatabase({ databaseUrl: url, dataDir: '', schema: pgSchema });
  }
  await migrateToLatest(database);
  const existing = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incident WHERE municipality_code = ${BENCH_MUNICIPALITY.code}`.execute(database.db);
  if (existing.rows[0].n !== incidents) {
    if (existing.rows[0].n > 0) throw new Error(`${kind}: a partial bench municipality exists; remove ${kind === 'pglite' ? pgliteDir : `schema ${pgSchema}`}`);
    const t0 = performance.now();
    await generateMunicipality(database.db, { count: incidents, onProgress: (n) => n % 100_000 === 0 && log(`${n} incidents`) });
    if (options.analyze) await sql`ANALYZE`.execute(database.db);
    log(`generated ${incidents} incidents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (kind === 'pglite') fs.writeFileSync(path.join(pgliteDir, '.generated'), new Date().toISOString());
  }
  return database;
}
