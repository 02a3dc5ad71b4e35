import { sql } from 'kysely';
import { buildApp, type AppInstance } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createToken } from '../server/features/auth/auth.service.ts';
import { BENCH_MUNICIPALITY } from './generate-municipality.ts';
import { sample, type BenchResult, benchBackends } from './lib.ts';
import { openShuffled, SHUFFLED_INCIDENTS } from './shuffled-data.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);

/** A drawn area over the bench municipality's south-west quarter, WGS84 GeoJSON (computed on the database). */
async function quarterArea(app: AppInstance): Promise<string> {
  const { e0, n0, size } = BENCH_MUNICIPALITY;
  const row = await sql<{ g: string }>`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(${e0 + 1000}, ${n0 + 1000}, ${e0 + size / 2}, ${n0 + size / 2}, 3006), 4326), 6) AS g`.execute(app.database.db);
  return row.rows[0].g;
}

/** The bench municipality's centre, WGS84 [lon, lat]. */
async function centreLonLat(app: AppInstance): Promise<[number, number]> {
  const { e0, n0, size } = BENCH_MUNICIPALITY;
  const row = await sql<{ x: number; y: number }>`
    SELECT ST_X(p)::float8 AS x, ST_Y(p)::float8 AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${e0 + size / 2}::float8, ${n0 + size / 2}::float8), 3006), 4326) AS p) q`.execute(app.database.db);
  return [row.rows[0].x, row.rows[0].y];
}

/**
 * Issue 15: every analysis route on incidents imported in SHUFFLED time order (several sources,
 * skewed places), with the response cache emptied before each sample (cold answers), then the same
 * request again with unchanged data (cached). Budgets: district statistics and time patterns for
 * any period ≤ 100 ms (PostgreSQL) / 300 ms (PGlite), hotspots 200 m ≤ 1 s / 1.5 s, repeated ≤ 5 ms.
 * Site checks and promise drafts (issue 13's budgets) run here too, as they read incidents of a place.
 * `BENCH_QUICK=1` for 50,000 incidents; alone with `npx tsx bench/shuffled-analysis.bench.ts`.
 */
export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const backends = benchBackends();
  const size = `${SHUFFLED_INCIDENTS / 1000}k shuffled`;
  for (const backend of backends) {
    const database = await openShuffled(backend);
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
    const { token } = await createToken(database.db, { role: 'police', name: 'bench', allMunicipalities: true });
    const planner = (await createToken(database.db, { role: 'planner', name: 'bench', allMunicipalities: true })).token;
    const district = (await database.db.selectFrom('district').select('id').where('municipality_code', '=', BENCH_MUNICIPALITY.code).orderBy('id').executeTakeFirstOrThrow()).id;
    const area = encodeURIComponent(await quarterArea(app));
    const m = `municipality=${BENCH_MUNICIPALITY.code}`;
    const year = `${m}&from=2025-01-01&to=2026-01-01`;
    const partial = `${m}&from=2025-01-17&to=2025-12-12`;
    const scenario = async (name: string, url: string, budgetMs: number | undefined, auth: boolean | string, cached = false, payload?: object) => {
      // As every browser and GIS client asks: cached answers are kept gzipped and sent as they are.
      const headers = { 'accept-encoding': 'gzip, deflate, br', ...(auth ? { authorization: `Bearer ${typeof auth === 'string' ? auth : token}` } : {}) };
      const fn = async () => {
        if (!cached) app.responseCache.clear();
        // Read as the bytes a client receives: inject's default decodes the whole body into a string, which for a
        // gzipped megabyte costs the test harness more than the server's answer.
        const res = await app.inject({ method: payload ? 'POST' : 'GET', url, headers, payload: payload as never, payloadAsStream: true });
        const chunks: Buffer[] = [];
        for await (const chunk of res.stream()) chunks.push(chunk as Buffer);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`);
      };
      try {
        const samplesMs = await sample(fn, cached ? RUNS * 5 : RUNS, cached ? 1 : 2);
        results.push({ name: `${size}: ${name}`, backend, samplesMs, budgetMs });
        const sorted = [...samplesMs].sort((a, b) => a - b);
        process.stderr.write(`[shuffled ${backend}] ${name}: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms\n`);
      } catch (error) {
        // One refused scenario (a route's own limit) must not lose the others' figures.
        results.push({ name: `${size}: ${name}`, backend, samplesMs: [], budgetMs, note: `failed: ${(error as Error).message.slice(0, 200)}` });
      }
    };
    const fast = backend === 'postgres' ? 100 : 300;
    await scenario('stats/districts 2025, compare=year (partial months)', `/api/stats/districts?${year}&compare=year`, fast, false);
    await scenario('stats/districts 2025-01-17..12-12, police', `/api/stats/districts?${partial}`, fast, true);
    await scenario('stats/districts partial, 2 categories, 2 sources', `/api/stats/districts?${partial}&category=misshandel,hot&source=police,housing&compare=year`, fast, false);
    await scenario('stats/districts 2025, one district', `/api/stats/districts?${year}&district=${district}`, fast, false);
    await scenario('stats/time 2025, public', `/api/stats/time?${year}`, fast, false);
    await scenario('stats/time partial months, police', `/api/stats/time?${partial}`, fast, true);
    await scenario('stats/time partial months, one district', `/api/stats/time?${partial}&district=${district}`, fast, false);
    await scenario('stats/time 2025, drawn area (quarter)', `/api/stats/time?${year}&area=${area}`, fast, true);
    await scenario('stats/hotspots 200 m, 12 months, police', `/api/stats/hotspots?${year}&cell=200`, backend === 'postgres' ? 1000 : 1500, true);
    await scenario('stats/hotspots 200 m, partial, inbrott_bostad', `/api/stats/hotspots?${partial}&cell=200&category=inbrott_bostad`, backend === 'postgres' ? 1000 : 1500, true);
    await scenario('stats/hotspots/emerging 200 m, 6 slices', `/api/stats/hotspots/emerging?${year}&cell=200&slices=6`, undefined, true);
    await scenario('stats/discrepancy', `/api/stats/discrepancy?${year}`, undefined, true);
    await scenario('stats/near-repeat, one district, 3 months', `/api/stats/near-repeat?${m}&from=2025-09-01&to=2025-12-01&category=inbrott_bostad&district=${district}`, undefined, true);
    // Issue 13's budget for a site check (≤ 500 ms PostgreSQL, ≤ 1.5 s PGlite), here on rows in file order.
    const siteBudget = backend === 'postgres' ? 500 : 1500;
    const site = { type: 'Point', coordinates: await centreLonLat(app) };
    await scenario('site check, point + 500 m, 2025-01-17..12-12, police', '/api/site-checks', siteBudget, true, false,
      { municipality: BENCH_MUNICIPALITY.code, geometry: site, buffer_m: 500, from: '2025-01-17', to: '2025-12-12' });
    await scenario('site check, point + 500 m, 2025-01-17..12-12, planner', '/api/site-checks', siteBudget, planner, false,
      { municipality: BENCH_MUNICIPALITY.code, geometry: site, buffer_m: 500, from: '2025-01-17', to: '2025-12-12' });
    // Issue 13's budget for a promise draft (evidence and baselines) ≤ 1 s, here on rows in file order.
    const draft = { municipality: BENCH_MUNICIPALITY.code, from: '2025-01-17', to: '2025-12-12', period_start: '2026-01-01', period_end: '2027-01-01' };
    await scenario('promise draft from a district', '/api/citizen-promises/draft', 1000, true, false, { ...draft, area: { district_ids: [district] } });
    await scenario('promise draft from a drawn area (quarter)', '/api/citizen-promises/draft', 1000, true, false, { ...draft, area: { geometry: JSON.parse(decodeURIComponent(area)) } });
    await scenario('stats/districts again, unchanged data (cache)', `/api/stats/districts?${year}&compare=year`, 5, false, true);
    await scenario('stats/time again, unchanged data (cache)', `/api/stats/time?${partial}`, 5, true, true);
    await scenario('stats/hotspots again, unchanged data (cache)', `/api/stats/hotspots?${year}&cell=200`, 5, true, true);
    await app.close();
    await database.close();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { percentile } = await import('./lib.ts');
  for (const r of await run()) {
    process.stdout.write(`${r.name.padEnd(64)} ${r.backend.padEnd(9)} median ${percentile(r.samplesMs, 50).toFixed(1)} ms  p95 ${percentile(r.samplesMs, 95).toFixed(1)} ms  budget ${r.budgetMs ?? '—'}\n`);
  }
  process.exit(0);
}
