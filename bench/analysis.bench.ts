import path from 'node:path';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { setStatsRateLimit } from '../server/features/disclosure/index.ts';
import { createToken } from '../server/features/auth/auth.service.ts';
import type { Database, DbKind } from '../server/infra/db.ts';
import { BENCH_MUNICIPALITY } from './generate-municipality.ts';
import { openGeneratedDatabase } from './generated-database.ts';
import { sample, type BenchResult, benchBackends } from './lib.ts';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const PGLITE_DIR = path.join(import.meta.dirname, '.tmp', `analysis-pglite-v2-${INCIDENTS}`);
const PG_SCHEMA = `bench_analysis_v2_${INCIDENTS}`;

/** Opens the cached generated database of a backend, generating it on first use (minutes for 1M rows). */
const openGenerated = (kind: DbKind): Promise<Database> => openGeneratedDatabase(kind, { label: 'analysis', incidents: INCIDENTS, pgliteDir: PGLITE_DIR, pgSchema: PG_SCHEMA });

/**
 * Analysis budgets of issue 4 on 1,000,000 generated incidents (20 × 20 km, 30 districts), each
 * backend: district statistics ≤ 100 ms (PostgreSQL) / 300 ms (PGlite), hotspots at 200 m ≤ 1 s,
 * time patterns ≤ 200 ms. Runs alone with `npx tsx bench/analysis.bench.ts`.
 */
export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const backends = benchBackends();
  for (const backend of backends) {
    const database = await openGenerated(backend);
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
    // Answer times are measured here, not the statistics rate limit (120 a minute per client).
    setStatsRateLimit(app, Number.MAX_SAFE_INTEGER);
    const { token } = await createToken(database.db, { role: 'police', name: 'bench', allMunicipalities: true });
    const district = (await database.db.selectFrom('district').select('id').where('municipality_code', '=', BENCH_MUNICIPALITY.code).orderBy('id').executeTakeFirstOrThrow()).id;
    const year = `municipality=${BENCH_MUNICIPALITY.code}&from=2025-01-01&to=2026-01-01`;
    const partial = `municipality=${BENCH_MUNICIPALITY.code}&from=2025-01-17&to=2025-12-12`;
    const scenario = async (name: string, url: string, budgetMs: number | undefined, auth: boolean, note?: string) => {
      const headers = auth ? { authorization: `Bearer ${token}` } : undefined;
      const fn = async () => {
        const res = await app.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      };
      results.push({ name, backend, samplesMs: await sample(fn, RUNS, 3), budgetMs, note });
    };
    const districtBudget = backend === 'postgres' ? 100 : 300;
    await scenario('1M: stats/districts, 12 months, public', `/api/stats/districts?${year}`, districtBudget, false);
    await scenario('1M: stats/districts, 2 categories, compare=year', `/api/stats/districts?${year}&category=misshandel,hot&compare=year`, districtBudget, false);
    await scenario('1M: stats/districts, police (all categories)', `/api/stats/districts?${year}`, districtBudget, true);
    await scenario('1M: stats/districts, partial months (raw edges)', `/api/stats/districts?${partial}`, districtBudget, false);
    await scenario('1M: stats/hotspots, 200 m, 12 months, police', `/api/stats/hotspots?${year}&cell=200`, 1000, true);
    await scenario('1M: stats/hotspots, 200 m, inbrott_bostad', `/api/stats/hotspots?${year}&cell=200&category=inbrott_bostad`, 1000, true);
    await scenario('1M: stats/time, 12 months, public', `/api/stats/time?${year}`, 200, false);
    await scenario('1M: stats/time, 12 months, police', `/api/stats/time?${year}`, 200, true);
    await scenario('1M: stats/time, partial months (raw edges)', `/api/stats/time?${partial}`, 200, false);
    await scenario('1M: stats/time, one district', `/api/stats/time?${year}&district=${district}`, 200, false);
    // What the map client fetches for the points and heatmap layers: 200,000 points as columns (about 8 MB of JSON).
    await scenario('1M: incidents as columns, 200,000 points, police', `/api/incidents?${year}&format=columns&bbox=16.6,58.5,17.2,58.9&limit=200000`, undefined, true, 'no budget in the issue; the client draws them (bench/client.bench.ts)');
    await scenario('1M: stats/discrepancy with 200 m cells', `/api/stats/discrepancy?${year}`, undefined, true, 'no budget in the issue');
    await scenario('1M: stats/hotspots/emerging, 200 m, 6 slices', `/api/stats/hotspots/emerging?${year}&cell=200&slices=6`, undefined, true, 'no budget in the issue');
    await app.close();
    await database.close();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { percentile } = await import('./lib.ts');
  for (const r of await run()) {
    process.stdout.write(`${r.name.padEnd(52)} ${r.backend.padEnd(9)} median ${percentile(r.samplesMs, 50).toFixed(1)} ms  p95 ${percentile(r.samplesMs, 95).toFixed(1)} ms  budget ${r.budgetMs ?? '—'}\n`);
  }
  process.exit(0);
}
