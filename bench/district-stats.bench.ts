import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { setStatsRateLimit } from '../server/features/disclosure/index.ts';
import { seedDemo } from '../server/features/demo/demo.seed.ts';
import type { DbKind } from '../server/infra/db.ts';
import { createTestDatabase } from '../test/helpers/test-db.ts';
import { benchServerUrl, sample, type BenchResult } from './lib.ts';

/** GET /api/stats/districts on the demo municipality (40,000 incidents), per backend. */
export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const backends: DbKind[] = benchServerUrl() ? ['pglite', 'postgres'] : ['pglite'];
  if (benchServerUrl()) process.env.TEST_DATABASE_URL = benchServerUrl();
  for (const backend of backends) {
    const database = await createTestDatabase(backend);
    await seedDemo(database.db, { endDate: new Date() });
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
    // Answer times are measured here, not the statistics rate limit (120 a minute per client).
    setStatsRateLimit(app, Number.MAX_SAFE_INTEGER);
    const get = (url: string) => async () => {
      const res = await app.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    };
    results.push({ name: 'GET /api/stats/districts (demo, last 12 months)', backend, samplesMs: await sample(get('/api/stats/districts'), 50), budgetMs: 50 });
    results.push({ name: 'GET /api/stats/districts?category=misshandel,hot&compare=year', backend, samplesMs: await sample(get('/api/stats/districts?category=misshandel,hot&compare=year'), 50), budgetMs: 50 });
    results.push({ name: 'GET /api/stats/districts?level=kommundel', backend, samplesMs: await sample(get('/api/stats/districts?level=kommundel'), 50), budgetMs: 50 });
    await app.close();
    await database.destroy();
  }
  return results;
}
