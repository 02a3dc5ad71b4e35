import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
