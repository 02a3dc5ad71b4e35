import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { PROJECT_ROOT } from '../server/config.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/test-db.ts';
import { benchServerUrl, type BenchResult, benchBackends } from './lib.ts';

const ROWS = 200_000;
const TMP = path.join(import.meta.dirname, '.tmp');
const BIN = path.join(PROJECT_ROOT, 'bin', 'lagesbild.mjs');
/** SWEREF 99 TM south-west corner of the 20 × 20 km bench town, split into 10 × 10 districts. */
const ORIGIN = { e: 640_000, n: 6_590_000 };
const CATEGORIES = ['stold', 'misshandel', 'skadegorelse', 'klotter', 'inbrott_bostad', 'fordonsbrott', 'cykelstold', 'hot'];

/** Writes the 200,000-row incident CSV (semicolons, Swedish headers, decimal-free SWEREF coordinates). */
function writeIncidentCsv(file: string): void {
  let seed = 1;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'ärendenummer;kategori;tidpunkt;n;e;plats;beskrivning\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(random() * 700) * 86_400_000).toISOString().slice(0, 10);
    const hour = String(Math.floor(random() * 24)).padStart(2, '0');
    const n = ORIGIN.n + Math.floor(random() * 20_000);
    const e = ORIGIN.e + Math.floor(random() * 20_000);
    const place = i % 3 === 0 ? `Storgatan ${i % 120}` : '';
    chunk += `P-${i};${CATEGORIES[i % CATEGORIES.length]};${day} ${hour}:${String(i % 60).padStart(2, '0')};${n};${e};${place};${i % 5 === 0 ? '"Anmälan om händelse; se ärendet"' : ''}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

async function seedTown(database: TestDatabase): Promise<void> {
  await sql`INSERT INTO municipality (code, name) VALUES ('0998', 'Bänkby')`.execute(database.db);
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      const x0 = ORIGIN.e + i * 2000, y0 = ORIGIN.n + j * 2000;
      await sql`INSERT INTO district (municipality_code, name, kind, population, geom)
        VALUES ('0998', ${`Område ${i}-${j}`}, 'omrade', 2500,
                ST_Multi(ST_MakeEnvelope(${x0}::float8, ${y0}::float8, ${x0 + 2000}::float8, ${y0 + 2000}::float8, 3006)))`.execute(database.db);
    }
  }
}

/** A child process's peak RSS, reported by a preloaded exit hook (MiB). */
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('MAXRSS_KB '+u.maxRSS+' CPU_US '+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;

/** Runs `lagesbild import incidents` in a child process; resolves with wall time, peak RSS and the summary. */
async function runImport(file: string, env: Record<string, string>, args: string[]): Promise<{ ms: number; rssMb: number; cpuS: number; summary: Record<string, unknown> }> {
  return runCli(['import', 'incidents', file, '--municipality', '0998', '--source', 'police', ...args], env);
}

/**
 * Samples the CPU time (user + system, seconds) of the PostgreSQL backends serving connections with
 * this application_name, so the server side of an import is measured apart from other load.
 */
function sampleServerCpu(url: string, applicationName: string): { stop: () => Promise<number> } {
  const client = new pg.Client({ connectionString: url });
  const ticks = Number(process.env.CLK_TCK ?? 100);
  const latest = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      for (const { pid } of rows) {
        try {
          const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
          latest.set(pid, (Number(fields[11]) + Number(fields[12])) / ticks);
        } catch {
          // The backend ended between the query and the read.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return [...latest.values()].reduce((a, b) => a + b, 0);
    },
  };
}

/** Runs a CLI command in a child process with the RSS hook. */
async function runCli(args: string[], env: Record<string, string>): Promise<{ ms: number; rssMb: number; cpuS: number; summary: Record<string, unknown> }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', RSS_HOOK, BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`import exited ${code}: ${stderr}\n${stdout}`);
  const rssKb = Number(/MAXRSS_KB (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const cpuS = Number(/CPU_US (\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1e6;
  return { ms, rssMb: rssKb / 1024, cpuS, summary: JSON.parse(stdout.trim().split('\n')[0] || '{}') };
}

/**
 * 200,000 incident rows through `lagesbild import incidents` (a child process, so startup, migration
 * check and peak RSS are the real command's), first import and an all-unchanged re-import, on PGlite
 * and, with BENCH_DATABASE_URL or TEST_DATABASE_URL, on PostgreSQL.
 */
export default async function run(): Promise<BenchResult[]> {
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, 'incidents-200k.csv');
  if (!fs.existsSync(file)) writeIncidentCsv(file);
  const results: BenchResult[] = [];
  const backends = benchBackends();
  if (benchServerUrl()) process.env.TEST_DATABASE_URL = benchServerUrl();
  for (const backend of backends) {
    const database = await createTestDatabase(backend);
    await seedTown(database);
    let env: Record<string, string>;
    if (backend === 'pglite') {
      await database.close();
      env = { DATABASE_URL: '', DATA_DIR: database.location };
    } else {
      const url = new URL(benchServerUrl()!);
      url.searchParams.set('options', `-c search_path=${database.location},public`);
      url.searchParams.set('application_name', `bench-import-${database.location}`);
      env = { DATABASE_URL: url.toString() };
    }
    const budget = backend === 'pglite' ? 60_000 : 20_000;
    // What the command costs without importing anything: process start, database open, migration check.
    const baseline = await runCli(['imports', 'list'], env);
    results.push({ name: 'lagesbild imports list (startup baseline)', backend, samplesMs: [baseline.ms], note: `peak RSS ${baseline.rssMb.toFixed(0)} MB, CPU ${baseline.cpuS.toFixed(1)} s` });
    const serverCpu = backend === 'postgres' ? () => sampleServerCpu(benchServerUrl()!, `bench-import-${database.location}`) : null;
    let sampler = serverCpu?.();
    const first = await runImport(file, env, []);
    const firstServerCpu = sampler ? await sampler.stop() : null;
    if (first.summary.accepted !== ROWS) throw new Error(`expected ${ROWS} accepted: ${JSON.stringify(first.summary).slice(0, 500)}`);
    results.push({ name: `import incidents 200,000 rows (CLI, first import)`, backend, samplesMs: [first.ms], budgetMs: budget, note: `peak RSS ${first.rssMb.toFixed(0)} MB, ${(first.rssMb - baseline.rssMb).toFixed(0)} MB above the baseline; CPU of the command ${first.cpuS.toFixed(1)} s${firstServerCpu === null ? '' : `, of its PostgreSQL backend ${firstServerCpu.toFixed(1)} s`}` });
    sampler = serverCpu?.();
    const again = await runImport(file, env, []);
    const againServerCpu = sampler ? await sampler.stop() : null;
    if (again.summary.unchanged !== ROWS) throw new Error(`expected ${ROWS} unchanged: ${JSON.stringify(again.summary).slice(0, 500)}`);
    results.push({ name: `import incidents 200,000 rows (CLI, re-import, all unchanged)`, backend, samplesMs: [again.ms], budgetMs: Math.round(first.ms / 2), note: `peak RSS ${again.rssMb.toFixed(0)} MB; CPU of the command ${again.cpuS.toFixed(1)} s${againServerCpu === null ? '' : `, of its PostgreSQL backend ${againServerCpu.toFixed(1)} s`}; budget = half the first import` });
    await database.destroy();
  }
  return results;
}
