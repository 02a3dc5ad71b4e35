import path from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createToken } from '../server/features/auth/auth.service.ts';
import type { Database, DbKind } from '../server/infra/db.ts';
import { BENCH_MUNICIPALITY } from './generate-municipality.ts';
import { openGeneratedDatabase } from './generated-database.ts';
import { sample, type BenchResult, benchBackends } from './lib.ts';

// Small by default so `npm run bench site-checks` is quick; the budgets are for
// BENCH_INCIDENTS=1000000 (the generated database is cached per size under bench/.tmp or in its own schema).
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const PGLITE_DIR = path.join(import.meta.dirname, '.tmp', `site-checks-pglite-${INCIDENTS}`);
const PG_SCHEMA = `bench_site_checks_${INCIDENTS}`;

const openGenerated = (kind: DbKind): Promise<Database> => openGeneratedDatabase(kind, { label: 'site-checks', incidents: INCIDENTS, pgliteDir: PGLITE_DIR, pgSchema: PG_SCHEMA, analyze: true });

/** The centre of the generated municipality as WGS84 lon/lat. */
async function centre(database: Database): Promise<[number, number]> {
  const e = BENCH_MUNICIPALITY.e0 + BENCH_MUNICIPALITY.size / 2, n = BENCH_MUNICIPALITY.n0 + BENCH_MUNICIPALITY.size / 2;
  const row = await sql<{ x: number; y: number }>`
    SELECT ST_X(p)::float8 AS x, ST_Y(p)::float8 AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${e}::float8, ${n}::float8), 3006), 4326) AS p) q`.execute(database.db);
  return [row.rows[0].x, row.rows[0].y];
}

/**
 * Issue 13's budgets: a site check with a 500 m buffer on 1,000,000 incidents ≤ 500 ms (PostgreSQL)
 * and ≤ 1.5 s (PGlite); drafting a promise's baselines ≤ 1 s.
 */
export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const backends = benchBackends();
  const size = INCIDENTS >= 1_000_000 ? `${INCIDENTS / 1_000_000}M` : `${INCIDENTS / 1000}k`;
  for (const backend of backends) {
    const database = await openGenerated(backend);
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
    const police = (await createToken(database.db, { role: 'police', name: 'bench', allMunicipalities: true })).token;
    const planner = (await createToken(database.db, { role: 'planner', name: 'bench', allMunicipalities: true })).token;
    const [lon, lat] = await centre(database);
    const district = (await database.db.selectFrom('district').select('id').where('municipality_code', '=', BENCH_MUNICIPALITY.code).orderBy('id').executeTakeFirstOrThrow()).id;
    const m = BENCH_MUNICIPALITY.code;
    const post = (name: string, url: string, token: string, payload: unknown, budgetMs: number | undefined) => async () => {
      const fn = async () => {
        const res = await app.inject({ method: 'POST', url, payload: payload as never, headers: { authorization: `Bearer ${token}` } });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      };
      results.push({ name, backend, samplesMs: await sample(fn, RUNS, 2), budgetMs });
    };
    const siteBudget = INCIDENTS >= 1_000_000 ? (backend === 'postgres' ? 500 : 1500) : undefined;
    const point = { type: 'Point', coordinates: [lon, lat] };
    const square = { type: 'Polygon', coordinates: [[[lon - 0.004, lat - 0.002], [lon + 0.004, lat - 0.002], [lon + 0.004, lat + 0.002], [lon - 0.004, lat + 0.002], [lon - 0.004, lat - 0.002]]] };
    await post(`${size}: site check, point + 500 m, 12 months, planner`, '/api/site-checks', planner, { municipality: m, geometry: point, buffer_m: 500, from: '2025-01-01', to: '2026-01-01' }, siteBudget)();
    await post(`${size}: site check, point + 500 m, 12 months, police`, '/api/site-checks', police, { municipality: m, geometry: point, buffer_m: 500, from: '2025-01-01', to: '2026-01-01' }, siteBudget)();
    await post(`${size}: site check, 450 × 450 m polygon, 24 months, police`, '/api/site-checks', police, { municipality: m, geometry: square, buffer_m: 0, from: '2024-01-01', to: '2026-01-01' }, siteBudget)();
    const draftBudget = INCIDENTS >= 1_000_000 ? 1000 : undefined;
    await post(`${size}: promise draft from a district (evidence + baselines)`, '/api/citizen-promises/draft', police,
      { municipality: m, area: { district_ids: [district] }, from: '2025-01-01', to: '2026-01-01', period_start: '2026-01-01', period_end: '2027-01-01' }, draftBudget)();
    await post(`${size}: promise draft from a drawn area`, '/api/citizen-promises/draft', police,
      { municipality: m, area: { geometry: square }, from: '2025-01-01', to: '2026-01-01', period_start: '2026-01-01', period_end: '2027-01-01' }, draftBudget)();
    await app.close();
    await database.close();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { percentile } = await import('./lib.ts');
  for (const r of await run()) {
    process.stdout.write(`${r.name.padEnd(60)} ${r.backend.padEnd(9)} median ${percentile(r.samplesMs, 50).toFixed(1)} ms  p95 ${percentile(r.samplesMs, 95).toFixed(1)} ms  budget ${r.budgetMs ?? '—'}\n`);
  }
  process.exit(0);
}
