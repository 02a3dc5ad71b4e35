import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database, type DbKind } from '../server/infra/db.ts';
import { migrateToLatest } from '../server/infra/migrate.ts';
import { tidyIncidentTable } from '../server/features/incidents/incidents.queries.ts';
import { BENCH_MUNICIPALITY, generateMunicipality } from './generate-municipality.ts';
import { benchServerUrl } from './lib.ts';

/**
 * How many shuffled incidents the issue-15 benches use: 1,000,000 as the issue's budgets assume;
 * `BENCH_QUICK=1` (or `BENCH_SHUFFLED_INCIDENTS=n`) for a quick run.
 */
export const SHUFFLED_INCIDENTS = Number(process.env.BENCH_SHUFFLED_INCIDENTS ?? (process.env.BENCH_QUICK ? 50_000 : 1_000_000));

/**
 * Opens the cached database of `count` incidents generated in shuffled time order (several sources
 * mixed, skewed places) on a backend, generating it on first use (minutes for 1M rows). Later
 * migrations are applied to the cached copy on open.
 */
export async function openShuffled(kind: DbKind, count = SHUFFLED_INCIDENTS): Promise<Database> {
  const log = (msg: string) => process.stderr.write(`[shuffled ${kind}] ${msg}\n`);
  const dir = path.join(import.meta.dirname, '.tmp', `shuffled-pglite-${count}`);
  const schema = `bench_shuffled_${count}`;
  let database: Database;
  if (kind === 'pglite') {
    if (!fs.existsSync(path.join(dir, '.generated'))) fs.rmSync(dir, { recursive: true, force: true });
    database = await openDatabase({ dataDir: dir });
  } else {
    const url = benchServerUrl()!;
    const admin = await openDatabase({ databaseUrl: url, dataDir: '' });
    await admin.execScript(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await admin.close();
    database = await openDatabase({ databaseUrl: url, dataDir: '', schema });
  }
  const t = performance.now();
  const applied = await migrateToLatest(database);
  if (applied.length) log(`migrated (${applied.join(', ')}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const existing = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incident WHERE municipality_code = ${BENCH_MUNICIPALITY.code}`.execute(database.db);
  if (existing.rows[0].n !== count) {
    if (existing.rows[0].n > 0) throw new Error(`${kind}: a partial shuffled municipality exists; remove ${kind === 'pglite' ? dir : `schema ${schema}`}`);
    const t0 = performance.now();
    await generateMunicipality(database.db, { count, shuffled: true, onProgress: (n) => n % 100_000 === 0 && log(`${n} incidents`) });
    log(`generated ${count} shuffled incidents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (kind === 'pglite') fs.writeFileSync(path.join(dir, '.generated'), new Date().toISOString());
  }
  // As an import (PGlite) or autovacuum (a server) leaves the tables a minute after an import: a no-op when they were.
  await tidyIncidentTable(database.db, { evenWithAutovacuum: true });
  return database;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kinds = (process.argv[2] ?? 'pglite').split(',') as DbKind[];
  for (const kind of kinds) {
    const database = await openShuffled(kind);
    await database.close();
  }
  process.exit(0);
}

/** The slippy-map tile (x, y) at zoom `z` holding the bench municipality's centre (computed by PostGIS). */
export async function centreTile(database: Database, z: number): Promise<{ x: number; y: number }> {
  const { e0, n0, size } = BENCH_MUNICIPALITY;
  const { lon, lat } = (await sql<{ lon: number; lat: number }>`
    SELECT ST_X(p)::float8 AS lon, ST_Y(p)::float8 AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${e0 + size / 2}, ${n0 + size / 2}), 3006), 4326) AS p) x`.execute(database.db)).rows[0];
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return { x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) };
}
