import { sql } from 'kysely';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createToken } from '../server/features/auth/auth.service.ts';
import { seedDemo } from '../server/features/demo/demo.seed.ts';
import type { DbKind } from '../server/infra/db.ts';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../server/features/auth/demo-accounts.ts';
import { joinDemoCouncils } from '../server/features/meetings/meetings.demo.ts';
import { startHarness } from '../test/browser/harness.ts';
import { createTestDatabase } from '../test/helpers/test-db.ts';
import { benchServerUrl, sample, type BenchResult } from './lib.ts';

/**
 * Council meetings on the demo municipality: closing a meeting with all 12 stadsdelar on its agenda
 * (every number frozen for four disclosure tiers), reopening the frozen snapshot, and in Chromium entering
 * the presentation mode and stepping the agenda. The incident count
 * defaults to 10,000 so a run is quick; BENCH_MEETINGS_INCIDENTS=40000 measures the full demo.
 */
export default async function run(): Promise<BenchResult[]> {
  const incidentCount = Number(process.env.BENCH_MEETINGS_INCIDENTS ?? 10_000);
  const closes = Number(process.env.BENCH_MEETINGS_CLOSES ?? 3);
  const results: BenchResult[] = [];
  const backends: DbKind[] = benchServerUrl() ? ['pglite', 'postgres'] : ['pglite'];
  if (benchServerUrl()) process.env.TEST_DATABASE_URL = benchServerUrl();
  for (const backend of backends) {
    const database = await createTestDatabase(backend);
    await seedDemo(database.db, { endDate: new Date(), incidentCount });
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
    const auth = async (role: 'analyst' | 'council') => ({ authorization: `Bearer ${(await createToken(database.db, { role, name: `bench ${role}`, allMunicipalities: true })).token}` });
    const analyst = await auth('analyst');
    const council = await auth('council');
    const stadsdelar = (await sql<{ id: number }>`SELECT id FROM district WHERE kind = 'stadsdel' ORDER BY id`.execute(database.db)).rows.map((r) => r.id);
    const councilId = (await sql<{ id: number }>`SELECT min(id)::int AS id FROM council`.execute(database.db)).rows[0].id;
    const today = new Date().toISOString().slice(0, 10);
    let lastClosed = 0;
    const closeOne = async () => {
      const created = await app.inject({ method: 'POST', url: '/api/meetings', headers: analyst, payload: { council: councilId, date: today, district_ids: stadsdelar } });
      if (created.statusCode !== 201) throw new Error(`create: ${created.statusCode} ${created.body}`);
      const id = created.json().id;
      const t = performance.now();
      const res = await app.inject({ method: 'POST', url: `/api/meetings/${id}/close`, headers: analyst });
      const ms = performance.now() - t;
      if (res.statusCode !== 200) throw new Error(`close: ${res.statusCode} ${res.body}`);
      lastClosed = id;
      return ms;
    };
    await closeOne(); // warm-up
    const closeSamples: number[] = [];
    for (let i = 0; i < closes; i++) closeSamples.push(await closeOne());
    results.push({ name: `POST /api/meetings/:id/close (12 districts, ${incidentCount} incidents)`, backend, samplesMs: closeSamples, budgetMs: 3000 });
    const reopen = async () => {
      const res = await app.inject({ method: 'GET', url: `/api/meetings/${lastClosed}`, headers: council });
      if (res.statusCode !== 200) throw new Error(`reopen: ${res.statusCode}`);
    };
    results.push({ name: 'GET /api/meetings/:id (reopen the frozen snapshot, council)', backend, samplesMs: await sample(reopen, 20, 3), budgetMs: 300 });
    await app.close();
    await database.destroy();
  }
  if (process.env.BENCH_MEETINGS_BROWSER !== '0') results.push(...(await presentation(incidentCount)));
  return results;
}

/**
 * Presentation mode in Chromium (software WebGL) as a council member: entering it from the upcoming meeting's
 * page and stepping to the next district, until the slide is drawn. BENCH_MEETINGS_BROWSER=0 skips it.
 */
async function presentation(incidentCount: number): Promise<BenchResult[]> {
  const h = await startHarness({ incidentCount });
  try {
    await ensureDemoAccounts(h.database.db);
    await joinDemoCouncils(h.database.db);
    const { page } = await h.newPage();
    const account = DEMO_ACCOUNTS.find((a) => a.role === 'council')!;
    await page.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: account.email, password: account.password } });
    const upcoming = (await sql<{ id: number }>`SELECT min(id)::int AS id FROM meeting WHERE status = 'open'`.execute(h.database.db)).rows[0].id;
    const ready = () => page.waitForSelector('body[data-meetings-ready="true"]', { timeout: 120_000 });
    const enter: number[] = [];
    const step: number[] = [];
    for (let round = 0; round < 6; round++) {
      await page.goto(`${h.url}/#meeting/${upcoming}`);
      await ready();
      let t0 = performance.now();
      await page.click('#meetings [data-action="present"]');
      await page.waitForSelector('.mt-present .mt-agenda', { timeout: 60_000 });
      if (round > 0) enter.push(performance.now() - t0);
      for (let k = 2; k <= 4; k++) {
        t0 = performance.now();
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction((n) => document.querySelector('[data-part="step"]')?.textContent === String(n) && document.querySelector('.mt-district h2') !== null, k);
        if (round > 0) step.push(performance.now() - t0);
      }
      await page.keyboard.press('Escape');
    }
    return [
      { name: 'presentation mode: enter (council member, Chromium)', backend: 'pglite', samplesMs: enter, budgetMs: 1000 },
      { name: 'presentation mode: next district', backend: 'pglite', samplesMs: step, budgetMs: 1000 },
    ];
  } finally {
    await h.close();
  }
}
