import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORTS_PER_MINUTE } from '../../../../server/features/exports/exports.routes.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`POST /api/exports/audit (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(backend);
      await createMunicipality(t.database.db);
    });
    afterAll(async () => t?.close());

    const post = async (payload: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: '/api/exports/audit', payload: payload as object, headers: { 'content-type': 'application/json', ...headers } });

    it('writes one audit row per export with its kind, filters and row count', async () => {
      const res = await post({ kind: 'csv', filters: { from: '2026-01-01', to: '2026-02-01', category: 'stold' }, rows: 12 }, await authHeaders(t, 'council'));
      expect(res.statusCode).toBe(204);
      const rows = await sql<{ action: string; role: string; result_count: number; filters: unknown }>`
        SELECT action, role, result_count, filters FROM audit_log WHERE route = '/api/exports/audit'`.execute(t.database.db);
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]).toMatchObject({ action: 'export.csv', role: 'council', result_count: 12 });
      const filters = typeof rows.rows[0].filters === 'string' ? JSON.parse(rows.rows[0].filters) : rows.rows[0].filters;
      expect(filters).toMatchObject({ category: 'stold' });
    });

    it('refuses more than EXPORTS_PER_MINUTE records a minute from one account with 429 and Retry-After, and writes no more rows', async () => {
      const headers = await authHeaders(t, 'planner');
      const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE route = '/api/exports/audit'`.execute(t.database.db);
      for (let i = 0; i < EXPORTS_PER_MINUTE; i++) expect((await post({ kind: 'png', filters: {} }, headers)).statusCode).toBe(204);
      const refused = await post({ kind: 'png', filters: {} }, headers);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json()).toMatchObject({ status: 429 });
      const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE route = '/api/exports/audit'`.execute(t.database.db);
      expect(after.rows[0].n - before.rows[0].n).toBe(EXPORTS_PER_MINUTE);
      // Another account is not held up by this one.
      expect((await post({ kind: 'png', filters: {} }, await authHeaders(t, 'analyst'))).statusCode).toBe(204);
    });

    it.each([
      ['an unknown kind', { kind: 'pdf', filters: {} }],
      ['an unknown field', { kind: 'png', filters: {}, sql: 'drop' }],
      ['too many filters', { kind: 'png', filters: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'])) }],
      ['an oversized filter value', { kind: 'png', filters: { category: 'x'.repeat(2000) } }],
      ['a bad municipality', { kind: 'png', filters: {}, municipality: '12345' }],
    ])('rejects %s with 400', async (_name, payload) => {
      expect((await post(payload)).statusCode).toBe(400);
    });
  });
}
