import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/test-app.ts';
import { testBackends } from '../../helpers/test-db.ts';

// The server pool's session settings (server/infra/db.ts, docs/performance.md): every pooled connection,
// not only the first, must plan without JIT and start parallel workers only for large scans.
describe.skipIf(!testBackends().includes('postgres'))('database sessions of the server pool (postgres)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp('postgres'); });
  afterAll(async () => t?.close());

  it('run without JIT and with a parallel setup cost of 10,000 on every connection', async () => {
    const settings = await Promise.all(Array.from({ length: 6 }, () =>
      sql<{ jit: string; setup: string; pid: number }>`SELECT current_setting('jit') AS jit, current_setting('parallel_setup_cost') AS setup, pg_backend_pid() AS pid, pg_sleep(0.05)`.execute(t.database.db)));
    expect(new Set(settings.map((s) => s.rows[0].pid)).size).toBeGreaterThan(1);
    for (const s of settings) expect(s.rows[0]).toMatchObject({ jit: 'off', setup: '10000' });
  });
});
