import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../../server/features/auth/auth.service.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

interface Row {
  id: number; user_id: number | null; token_id: number | null; role: string; action: string; route: string;
  municipality_code: string | null; filters: Record<string, unknown>; ip: string | null; actor: string | null;
}

// Issue 10: sign-ins, rights changes and refused data requests are audited, with the resolved municipality.
for (const backend of testBackends()) {
  describe(`audit contents (${backend})`, () => {
    let t: TestApp;
    let admin: Record<string, string>;
    let lastId = 0;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await createMunicipality(t.database.db, '0999');
      await createDistrict(t.database.db, { municipality: '0999', name: 'Mitt', x: 0, y: 0, size: 1000, population: 1000 });
      admin = await authHeaders(t, 'admin', '0999');
    }, 600_000);
    afterAll(async () => t?.close());

    /** The audit rows written since the last call. */
    async function newRows(): Promise<Row[]> {
      const rows = await t.database.db.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').execute();
      if (rows.length) lastId = rows[rows.length - 1].id;
      return rows.map((r) => ({ ...r, filters: typeof r.filters === 'string' ? JSON.parse(r.filters) : r.filters })) as Row[];
    }

    it('records sign-ins and failures with the account and municipality, never the password', async () => {
      const password = 'sign-in audit password';
      const { id } = await createUser(t.database.db, { email: 'revisor@kommun.se', password, role: 'analyst', municipality: '0999' });
      await newRows();
      const signIn = (email: string, pw: string) => t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password: pw }, remoteAddress: '192.0.2.10' });
      expect((await signIn('revisor@kommun.se', 'not the password at all')).statusCode).toBe(401);
      expect((await signIn('nobody@kommun.se', 'some password')).statusCode).toBe(401);
      // A password typed into the email field must not land in the log either.
      expect((await signIn('hemligt-lösenord', 'x')).statusCode).toBe(401);
      const ok = await signIn('revisor@kommun.se', password);
      expect(ok.statusCode).toBe(200);
      const rows = await newRows();
      expect(rows.map((r) => r.action)).toEqual(['auth.sign_in_failed', 'auth.sign_in_failed', 'auth.sign_in_failed', 'auth.sign_in']);
      expect(rows[0]).toMatchObject({ user_id: id, role: 'analyst', municipality_code: '0999', ip: '192.0.2.10', actor: 'revisor@kommun.se', filters: { email: 'revisor@kommun.se', reason: 'invalid' } });
      expect(rows[1]).toMatchObject({ user_id: null, role: 'public', filters: { email: 'nobody@kommun.se' } });
      expect(rows[2].filters).toMatchObject({ email: '(not an email address)' });
      expect(rows[3]).toMatchObject({ user_id: id, role: 'analyst', municipality_code: '0999', route: '/api/auth/sign-in' });
      const text = JSON.stringify(rows);
      for (const secret of [password, 'not the password at all', 'some password', 'hemligt-lösenord']) expect(text).not.toContain(secret);
    });

    it('records user, token and role changes by whom, for which municipality', async () => {
      const created = (await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { email: 'ny@kommun.se', role: 'council', password: 'ett långt lösenord' } })).json();
      await t.app.inject({ method: 'PATCH', url: `/api/users/${created.user.id}`, headers: admin, payload: { role: 'planner', password: 'ett annat långt lösenord' } });
      const token = (await t.app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { role: 'analyst', name: 'QGIS' } })).json();
      await t.app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: admin });
      const rows = await newRows();
      expect(rows.map((r) => r.action)).toEqual(['user.create', 'user.update', 'token.create', 'token.revoke']);
      expect(rows.every((r) => r.role === 'admin' && r.municipality_code === '0999' && r.actor === 'test admin')).toBe(true);
      expect(rows[0].filters).toMatchObject({ user_id: created.user.id, email: 'ny@kommun.se', role: 'council' });
      expect(rows[1].filters).toMatchObject({ changed: { role: { from: 'council', to: 'planner' } }, password_changed: true });
      expect(rows[2].filters).toMatchObject({ token_id: token.id, role: 'analyst' });
      const text = JSON.stringify(rows);
      expect(text).not.toContain('långt lösenord');
      expect(text).not.toContain(token.token);
    });

    it('records category mapping changes', async () => {
      const police = await authHeaders(t, 'police', '0999');
      await newRows();
      await t.app.inject({ method: 'PUT', url: '/api/imports/category-mapping', headers: police, payload: { municipality: '0999', source: 'police', source_code: '0311', category: 'misshandel' } });
      await t.app.inject({ method: 'PUT', url: '/api/imports/category-mapping', headers: police, payload: { municipality: '0999', source: 'police', source_code: '0311', category: 'ran' } });
      await t.app.inject({ method: 'DELETE', url: '/api/imports/category-mapping', headers: police, payload: { municipality: '0999', source: 'police', source_code: '0311' } });
      const rows = await newRows();
      expect(rows.map((r) => [r.action, r.municipality_code, r.role])).toEqual([
        ['category_mapping.set', '0999', 'police'], ['category_mapping.set', '0999', 'police'], ['category_mapping.delete', '0999', 'police'],
      ]);
      expect(rows[1].filters).toMatchObject({ source: 'police', source_code: '0311', category: 'ran', previous_category: 'misshandel' });
      expect(rows[2].filters).toMatchObject({ previous_category: 'ran' });
    });

    it('records refused statistics and tile requests with the resolved municipality', async () => {
      const council = await authHeaders(t, 'council', '0999');
      const tokenId = (await t.database.db.selectFrom('api_token').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
      await newRows();
      // No municipality in the request: the only one there is (public), or the token's own (council).
      const hotspots = await t.app.inject({ method: 'GET', url: '/api/stats/hotspots', remoteAddress: '192.0.2.20' });
      expect([401, 403]).toContain(hotspots.statusCode);
      expect((await t.app.inject({ method: 'GET', url: '/api/tiles/incidents/14/8800/4700.mvt', headers: council })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/api/incidents?bbox=17.9,59.5,18.1,59.6', headers: council })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/api/stats/districts?municipality=0999', headers: { authorization: 'Bearer lbt_invalid' } })).statusCode).toBe(401);
      // Refusals are written after the response is sent, so rows of two requests may land in either order.
      const byRoute = ['/api/stats/hotspots', '/api/tiles/incidents/:z/:x/:y.mvt', '/api/incidents', '/api/stats/districts'];
      const rows = (await newRows()).sort((a, b) => byRoute.indexOf(a.route) - byRoute.indexOf(b.route));
      expect(rows.map((r) => [r.action, r.route, r.role, r.municipality_code, r.filters.status])).toEqual([
        ['refused', '/api/stats/hotspots', 'public', '0999', hotspots.statusCode],
        ['refused', '/api/tiles/incidents/:z/:x/:y.mvt', 'council', '0999', 403],
        // The points route audits every outcome itself (once), now with the municipality it resolved.
        ['incidents.points.denied', '/api/incidents', 'council', '0999', undefined],
        ['refused', '/api/stats/districts', 'public', '0999', 401],
      ]);
      expect(rows[0]).toMatchObject({ ip: '192.0.2.20', user_id: null, token_id: null, filters: { code: hotspots.json().code } });
      expect(rows[1]).toMatchObject({ token_id: tokenId, filters: { query: { z: 14, x: 8800, y: 4700 } } });
      expect(rows[2].filters).toMatchObject({ bbox: '17.9,59.5,18.1,59.6' });
      expect(rows[3].filters).toMatchObject({ code: 'UNAUTHORIZED', query: { municipality: '0999' } });
    });

    it('records CSV and GeoJSON exports from the server that produced the numbers', async () => {
      const council = await authHeaders(t, 'council', '0999');
      const query = 'from=2025-01-01&to=2026-01-01';
      await newRows();
      const exported = await t.app.inject({ method: 'GET', url: `/api/exports/district-stats?kind=geojson&${query}`, headers: council });
      expect(exported.statusCode).toBe(200);
      // The same publication as the statistics route: same numbers, same suppression.
      const stats = await t.app.inject({ method: 'GET', url: `/api/stats/districts?${query}`, headers: council });
      expect(exported.json()).toEqual(stats.json());
      const rows = (await newRows()).filter((r) => r.action.startsWith('export.'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: 'export.geojson', route: '/api/exports/district-stats', role: 'council', municipality_code: '0999', result_count: 1,
        filters: { from: '2025-01-01', to: '2026-01-01', compare: 'previous', recorded_by: 'server' },
      });
      const bad = await t.app.inject({ method: 'GET', url: `/api/exports/district-stats?kind=xlsx&${query}`, headers: council });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].field).toBe('kind');
      const unknown = await t.app.inject({ method: 'GET', url: `/api/exports/district-stats?kind=csv&${query}&evil=1`, headers: council });
      expect(unknown.statusCode).toBe(400);
      expect((await newRows()).filter((r) => r.action.startsWith('export.'))).toHaveLength(0);
    });

    it('keeps a flood of refusals from one client to a bounded number of rows, with a count of the rest', async () => {
      await newRows();
      const ip = '192.0.2.99';
      for (let i = 0; i < 70; i++) await t.app.inject({ method: 'GET', url: `/api/stats/hotspots?cell=${200 + i}`, remoteAddress: ip });
      const rows = (await newRows()).filter((r) => r.ip === ip);
      expect(rows).toHaveLength(60);
    });
  });
}
