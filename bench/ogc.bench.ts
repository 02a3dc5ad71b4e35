import { sql } from 'kysely';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createToken } from '../server/features/auth/auth.service.ts';
import { insertIncidents } from '../server/features/incidents/incidents.queries.ts';
import type { DbKind } from '../server/infra/db.ts';
import { mulberry32 } from '../server/stats/random.ts';
import { createTestDatabase } from '../test/helpers/test-db.ts';
import { benchServerUrl, sample, type BenchResult } from './lib.ts';

/** Districts in the OGC scenario (budget: a 1,000-feature page); `OGC_BENCH_DISTRICTS` for a quick run. */
const DISTRICTS = Number(process.env.OGC_BENCH_DISTRICTS ?? 1000);
/** Incidents spread over them; `OGC_BENCH_INCIDENTS` (default 20,000). */
const INCIDENTS = Number(process.env.OGC_BENCH_INCIDENTS ?? 20_000);

/** Times `fn` `runs` times after two warm-up runs, running `before` (untimed) ahead of each. */
async function timed(fn: () => Promise<void>, before: () => Promise<unknown>, runs = 15): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    await before();
    const t = performance.now();
    await fn();
    if (i >= 2) out.push(performance.now() - t);
  }
  return out;
}

/**
 * GET /ogc/collections/district-stats/items?limit=1000: one page of 1,000 districts with counts, rates and
 * change (each district a 500 m square densified to 64 vertices, like a real boundary), as an analyst.
 */
export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const backends: DbKind[] = benchServerUrl() ? ['pglite', 'postgres'] : ['pglite'];
  if (benchServerUrl()) process.env.TEST_DATABASE_URL = benchServerUrl();
  for (const backend of backends) {
    const database = await createTestDatabase(backend);
    const db = database.db;
    await db.insertInto('municipality').values({ code: '0997', name: 'OGC-kommun' }).execute();
    const cols = Math.ceil(Math.sqrt(DISTRICTS));
    await sql`
      INSERT INTO district (municipality_code, name, kind, population, geom)
      SELECT '0997', 'Område ' || k, 'stadsdel', 800 + (k * 37) % 2000,
             ST_Multi(ST_Segmentize(ST_MakeEnvelope(600000 + (k % ${cols}) * 500, 6500000 + (k / ${cols}) * 500,
                                                   600500 + (k % ${cols}) * 500, 6500500 + (k / ${cols}) * 500, 3006), 32))
        FROM generate_series(0, ${DISTRICTS - 1}) AS k`.execute(db);
    const random = mulberry32(7);
    const categories = ['stold', 'misshandel', 'skadegorelse', 'klotter', 'narkotika'];
    for (let done = 0; done < INCIDENTS; done += 5000) {
      await insertIncidents(db, '0997', Array.from({ length: Math.min(5000, INCIDENTS - done) }, (_, i) => ({
        source: 'police', source_ref: `b${done + i}`, category_code: categories[(done + i) % categories.length], source_category: null,
        occurred_at: new Date(Date.UTC(2024, 0, 1) + random() * 730 * 86_400_000).toISOString(), occurred_until: null,
        x: 600000 + random() * cols * 500, y: 6500000 + random() * Math.ceil(DISTRICTS / cols) * 500, place: null, description: null, content_hash: `h${done + i}`,
      })), null);
    }
    await sql`ANALYZE`.execute(db);
    const { token } = await createToken(db, { role: 'analyst', name: 'bench', allMunicipalities: true });
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
    const get = (url: string) => async () => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      if (res.json().numberReturned !== Math.min(1000, DISTRICTS)) throw new Error('short page');
    };
    const note = `${DISTRICTS} districts, ${INCIDENTS} incidents`;
    const wgs84 = '/ogc/collections/district-stats/items?limit=1000&from=2025-01-01&to=2026-01-01';
    const sweref = `${wgs84}&crs=http://www.opengis.net/def/crs/EPSG/0/3006`;
    // Three situations a GIS client meets: the first page after an import (the data version moved on, so the
    // response cache and the district-geometry memo both miss), a period or filter not asked before (the
    // response cache misses, the boundaries are at hand), and a page asked again (answered from the cache).
    const afterDataChange = (url: string) => timed(get(url), async () => {
      await sql`UPDATE district SET population = population WHERE id = (SELECT min(id) FROM district)`.execute(db);
    });
    const newQuery = (url: string) => timed(get(url), async () => app.responseCache.clear());
    results.push({ name: 'OGC items: 1,000 district-stats, after a data change (WGS84)', backend, note, budgetMs: 300, samplesMs: await afterDataChange(wgs84) });
    results.push({ name: 'OGC items: 1,000 district-stats, after a data change (EPSG:3006)', backend, note, budgetMs: 300, samplesMs: await afterDataChange(sweref) });
    results.push({ name: 'OGC items: 1,000 district-stats, new period (WGS84)', backend, note, budgetMs: 300, samplesMs: await newQuery(wgs84) });
    results.push({ name: 'OGC items: 1,000 district-stats, new period (EPSG:3006)', backend, note, budgetMs: 300, samplesMs: await newQuery(sweref) });
    results.push({ name: 'OGC items: 1,000 district-stats, asked again (WGS84)', backend, note, budgetMs: 300, samplesMs: await sample(get(wgs84), 15, 2) });
    await app.close();
    await database.destroy();
  }
  return results;
}
