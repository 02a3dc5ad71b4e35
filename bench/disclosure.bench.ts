import path from 'node:path';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createToken } from '../server/features/auth/auth.service.ts';
import { setStatsRateLimit } from '../server/features/disclosure/index.ts';
import type { Database, DbKind } from '../server/infra/db.ts';
import { CATEGORIES } from '../shared/categories.ts';
import { BENCH_MUNICIPALITY } from './generate-municipality.ts';
import { openGeneratedDatabase } from './generated-database.ts';
import { percentile, type BenchResult, benchBackends } from './lib.ts';

// Small by default so it runs in a minute or two; BENCH_DISCLOSURE_INCIDENTS=1000000 for the budget.
const INCIDENTS = Number(process.env.BENCH_DISCLOSURE_INCIDENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PGLITE_DIR = path.join(import.meta.dirname, '.tmp', `disclosure-pglite-${INCIDENTS}`);
const PG_SCHEMA = `bench_disclosure_${INCIDENTS}`;
/** The protected path may cost at most this much over the exact one (issue 10). */
const MAX_OVERHEAD = 1.2;

const openGenerated = (kind: DbKind): Promise<Database> => openGeneratedDatabase(kind, { label: 'disclosure', incidents: INCIDENTS, pgliteDir: PGLITE_DIR, pgSchema: PG_SCHEMA });

/**
 * Disclosure control's cost (issue 10): the same statistics answered to police (exact path) and to a council
 * member (protected path: suppression, rounding, Gi* from published counts), over the same categories (every
 * category the council may see), on `BENCH_DISCLOSURE_INCIDENTS` generated incidents. The council's budget is
 * 1.2 × the police median measured in the same run.
 */
export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const backends = benchBackends();
  const categories = CATEGORIES.filter((c) => c.sensitivity !== 'protected').map((c) => c.code).join(',');
  const label = INCIDENTS >= 1_000_000 ? `${INCIDENTS / 1_000_000}M` : `${INCIDENTS / 1000}k`;
  for (const backend of backends) {
    const database = await openGenerated(backend);
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
    setStatsRateLimit(app, Number.MAX_SAFE_INTEGER);
    const tokens = {
      police: (await createToken(database.db, { role: 'police', name: 'bench', allMunicipalities: true })).token,
      council: (await createToken(database.db, { role: 'council', name: 'bench', allMunicipalities: true })).token,
    };
    const year = `municipality=${BENCH_MUNICIPALITY.code}&from=2025-01-01&to=2026-01-01&category=${categories}`;
    const pair = async (name: string, url: string) => {
      // Police and council alternate run by run, so load drifting on a shared machine hits both alike.
      const once = async (role: 'police' | 'council') => {
        // Cold answers: the response cache would otherwise answer every run after the first from memory.
        app.responseCache.clear();
        const t0 = performance.now();
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}` } });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        return performance.now() - t0;
      };
      for (let k = 0; k < 3; k++) { await once('police'); await once('council'); }
      const measured: Record<'police' | 'council', number[]> = { police: [], council: [] };
      for (let k = 0; k < RUNS; k++) {
        measured.police.push(await once('police'));
        measured.council.push(await once('council'));
      }
      const police = percentile(measured.police, 50);
      results.push({ name: `${label}: ${name}, police (exact)`, backend, samplesMs: measured.police });
      results.push({
        name: `${label}: ${name}, council (protected)`, backend, samplesMs: measured.council, budgetMs: Math.round(police * MAX_OVERHEAD * 10) / 10,
        note: `${((percentile(measured.council, 50) / police - 1) * 100).toFixed(1)} % over police`,
      });
    };
    await pair('stats/districts, 12 months', `/api/stats/districts?${year}`);
    await pair('stats/districts, compare=year', `/api/stats/districts?${year}&compare=year`);
    await pair('stats/hotspots, 200 m, 12 months', `/api/stats/hotspots?${year}&cell=200`);
    await pair('stats/hotspots, 500 m, 12 months', `/api/stats/hotspots?${year}&cell=500`);
    await pair('stats/time, 12 months', `/api/stats/time?${year}`);
    await app.close();
    await database.close();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) {
    process.stdout.write(`${r.name.padEnd(60)} ${r.backend.padEnd(9)} median ${percentile(r.samplesMs, 50).toFixed(1)} ms  p95 ${percentile(r.samplesMs, 95).toFixed(1)} ms  budget ${r.budgetMs ?? '—'} ${r.note ?? ''}\n`);
  }
  process.exit(0);
}
