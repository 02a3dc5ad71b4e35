import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createToken } from '../server/features/auth/auth.service.ts';
import { seedDemo } from '../server/features/demo/demo.seed.ts';
import type { DbKind } from '../server/infra/db.ts';
import { createTestDatabase } from '../test/helpers/test-db.ts';
import { benchServerUrl, type BenchResult } from './lib.ts';

/**
 * The annual situation picture of the demo municipality (budget: the PDF ≤ 20 s): the preview, publishing a
 * version (with introduction and conclusion) and rendering its PDF in headless Chromium, as an analyst, for the
 * last whole year. The demo defaults to 10,000 incidents so a run is quick; BENCH_REPORTS_INCIDENTS=40000
 * measures the full demo. Each PDF starts its own Chromium, as the server does.
 */
export default async function run(): Promise<BenchResult[]> {
  const incidentCount = Number(process.env.BENCH_REPORTS_INCIDENTS ?? 10_000);
  const runs = Number(process.env.BENCH_REPORTS_RUNS ?? 5);
  const results: BenchResult[] = [];
  const backends: DbKind[] = benchServerUrl() ? ['pglite', 'postgres'] : ['pglite'];
  if (benchServerUrl()) process.env.TEST_DATABASE_URL = benchServerUrl();
  const year = new Date().getFullYear() - 1;
  for (const backend of backends) {
    const database = await createTestDatabase(backend);
    await seedDemo(database.db, { endDate: new Date(), incidentCount });
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
    const headers = { authorization: `Bearer ${(await createToken(database.db, { role: 'analyst', name: 'bench analyst', allMunicipalities: true })).token}` };
    const timed = async (fn: () => Promise<void>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    const expectStatus = (res: { statusCode: number; body: string }, status: number) => {
      if (res.statusCode !== status) throw new Error(`${res.statusCode}: ${res.body.slice(0, 300)}`);
    };
    const preview: number[] = [], publish: number[] = [], pdf: number[] = [], total: number[] = [];
    for (let k = 0; k <= runs; k++) {
      let id = 0;
      const p = await timed(async () => expectStatus(await app.inject({ url: `/api/reports/preview?year=${year}`, headers }), 200));
      const u = await timed(async () => {
        const res = await app.inject({ method: 'POST', url: '/api/reports', headers, payload: { year, introduction: 'Inledning för mätningen.', conclusion: 'Slutsatser för mätningen.' } });
        expectStatus(res, 201);
        id = res.json().id;
      });
      const d = await timed(async () => {
        const res = await app.inject({ url: `/api/reports/${id}/pdf`, headers });
        expectStatus(res, 200);
        if (res.rawPayload.subarray(0, 5).toString() !== '%PDF-') throw new Error('not a PDF');
      });
      // The first round starts Chromium and fills caches; it is not counted.
      if (k === 0) continue;
      preview.push(p); publish.push(u); pdf.push(d); total.push(u + d);
    }
    const note = `demo, ${incidentCount} incidents, year ${year}, analyst`;
    results.push({ name: 'Annual report: preview (JSON)', backend, note, samplesMs: preview });
    results.push({ name: 'Annual report: publish a version', backend, note, samplesMs: publish });
    results.push({ name: 'Annual report: PDF of a version (headless Chromium)', backend, note, samplesMs: pdf });
    results.push({ name: 'Annual report: publish and PDF', backend, note, budgetMs: 20_000, samplesMs: total });
    await app.close();
    await database.destroy();
  }
  return results;
}
