import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { authHeaders, sessionHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`viewer resolution (${backend})`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      await createDistrict(db, { municipality: m, name: 'Åby', population: 1000, x: 0, y: 0, size: 1000 });
      await createIncidents(db, m, [
        ...times(10, { at: '2025-01-15T12:00:00+01:00', x: 500, y: 500 }),
        ...times(7, { at: '2025-01-15T12:00:00+01:00', x: 500, y: 500, category: 'vald_nara_relation' }),
      ]);
    });
    afterAll(async () => t?.close());

    const stats = (headers: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: '/api/stats/districts?from=2025-01-01&to=2025-02-01&category=vald_nara_relation', headers });

    it('treats a request without credentials as public', async () => {
      expect((await stats({})).statusCode).toBe(403);
    });

    it('gives a police Bearer token police access to protected aggregates', async () => {
      const res = await stats(await authHeaders(t, 'police'));
      expect(res.statusCode).toBe(200);
      expect(res.json().districts[0].count).toBe(7);
    });

    it('gives a police session cookie the same access', async () => {
      const { cookie } = await sessionHeaders(t, 'police');
      expect((await stats({ cookie })).statusCode).toBe(200);
    });

    it('refuses a planner token protected categories', async () => {
      expect((await stats(await authHeaders(t, 'planner'))).statusCode).toBe(403);
    });

    it('answers 401 problem+json to an unknown token', async () => {
      const res = await stats({ authorization: `Bearer lbt_${'A'.repeat(43)}` });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['www-authenticate']).toContain('invalid_token');
    });

    it('answers 401 to a tampered token (one character changed)', async () => {
      const { authorization } = await authHeaders(t, 'police');
      const last = authorization.at(-1) === 'A' ? 'B' : 'A';
      expect((await stats({ authorization: authorization.slice(0, -1) + last })).statusCode).toBe(401);
    });

    it('answers 401 to a non-Bearer Authorization scheme', async () => {
      expect((await stats({ authorization: 'Basic cG9saWNlOnBvbGljZQ==' })).statusCode).toBe(401);
    });

    it('answers 401 to a revoked token', async () => {
      const headers = await authHeaders(t, 'police');
      await sql`UPDATE api_token SET revoked_at = now()`.execute(t.database.db);
      expect((await stats(headers)).statusCode).toBe(401);
    });

    it('answers 401 to a tampered session cookie and clears it', async () => {
      const { cookie } = await sessionHeaders(t, 'police');
      const res = await stats({ cookie: cookie.slice(0, -2) + 'xx' });
      expect(res.statusCode).toBe(401);
      expect(String(res.headers['set-cookie'])).toContain('Max-Age=0');
    });

    it('answers 401 to an expired session', async () => {
      const { cookie } = await sessionHeaders(t, 'police');
      await sql`UPDATE user_session SET expires_at = now() - interval '1 second'`.execute(t.database.db);
      expect((await stats({ cookie })).statusCode).toBe(401);
    });

    it('answers 401 to the session of a disabled user', async () => {
      const { cookie, email } = await sessionHeaders(t, 'police');
      await sql`UPDATE app_user SET disabled_at = now() WHERE email = ${email}`.execute(t.database.db);
      expect((await stats({ cookie })).statusCode).toBe(401);
    });

    it('limits a token bound to one municipality to that municipality', async () => {
      await createMunicipality(t.database.db, '0998', 'Annankommun');
      const headers = await authHeaders(t, 'police', '0998');
      const res = await t.app.inject({ method: 'GET', url: '/api/stats/districts?municipality=0999', headers });
      expect(res.statusCode).toBe(403);
    });
  });
}
