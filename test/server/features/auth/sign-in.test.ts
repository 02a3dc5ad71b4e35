import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../../server/features/auth/auth.service.ts';
import { sessionHeaders } from '../../../helpers/auth.ts';
import { createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`sign-in, sessions and CSRF (${backend})`, () => {
    let t: TestApp;
    let n = 0;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await createMunicipality(t.database.db);
    });
    afterAll(async () => t?.close());

    async function newUser(role = 'analyst') {
      const email = `user${++n}@test.example`;
      const password = 'a long enough password';
      await createUser(t.database.db, { email, password, role, municipality: '0999' });
      return { email, password };
    }
    // Each test gets its own client address so the per-IP limiter of one test does not affect another.
    const signIn = (body: object, ip = `10.0.0.${++n}`, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: body, remoteAddress: ip, headers });

    it('signs in and sets an httpOnly SameSite session cookie', async () => {
      const u = await newUser();
      const res = await signIn(u);
      expect(res.statusCode).toBe(200);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^lagesbild_session=lbs_[A-Za-z0-9_-]{43}; /);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).not.toContain('Secure'); // plain http in tests; Secure is added over https
      expect(res.json()).toMatchObject({ role: 'analyst', signed_in: true, via: 'session', email: u.email });
      expect(res.json().csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('marks the cookie Secure behind a TLS-terminating proxy', async () => {
      const u = await newUser();
      const res = await signIn(u, undefined, { 'x-forwarded-proto': 'https' });
      expect(String(res.headers['set-cookie'])).toContain('; Secure');
    });

    it('stores only the hash of the session secret', async () => {
      const u = await newUser();
      const res = await signIn(u);
      const secret = String(res.headers['set-cookie']).split(';')[0].split('=')[1];
      const rows = await sql<{ id_hash: string }>`SELECT id_hash FROM user_session`.execute(t.database.db);
      expect(rows.rows.some((r) => r.id_hash === secret)).toBe(false);
    });

    it('stores the password as a salted scrypt hash', async () => {
      const u = await newUser();
      const other = await newUser();
      const rows = await sql<{ email: string; password_hash: string }>`SELECT email, password_hash FROM app_user WHERE email IN (${u.email}, ${other.email})`.execute(t.database.db);
      expect(rows.rows[0].password_hash).toMatch(/^scrypt\$/);
      expect(rows.rows[0].password_hash).not.toBe(rows.rows[1].password_hash); // same password, different salt
    });

    it('answers me with the role and CSRF token of the session', async () => {
      const h = await sessionHeaders(t, 'planner');
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: h.cookie } });
      expect(res.json()).toMatchObject({ role: 'planner', signed_in: true, csrf_token: h['x-csrf-token'] });
    });

    it('answers me for the public without a session', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
      expect(res.json()).toMatchObject({ role: 'public', signed_in: false, csrf_token: null });
    });

    it('matches the email case-insensitively', async () => {
      const u = await newUser();
      expect((await signIn({ email: u.email.toUpperCase(), password: u.password })).statusCode).toBe(200);
    });

    it('gives the same 401 for a wrong password and an unknown email', async () => {
      const u = await newUser();
      const wrong = await signIn({ email: u.email, password: 'not the password' });
      const unknown = await signIn({ email: 'nobody@test.example', password: 'whatever it is' });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json().detail).toBe(unknown.json().detail);
    });

    it('refuses a disabled user', async () => {
      const u = await newUser();
      await sql`UPDATE app_user SET disabled_at = now() WHERE email = ${u.email}`.execute(t.database.db);
      expect((await signIn(u)).statusCode).toBe(401);
    });

    it('locks an account after five failures, even from different addresses and with the right password', async () => {
      const u = await newUser();
      for (let i = 0; i < 4; i++) expect((await signIn({ email: u.email, password: 'wrong password!' })).statusCode).toBe(401);
      const fifth = await signIn({ email: u.email, password: 'wrong password!' });
      expect(fifth.statusCode).toBe(429);
      expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(60);
      expect((await signIn(u)).statusCode).toBe(429);
    });

    it('locks an unknown address the same way, so the lock does not reveal which accounts exist', async () => {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await signIn({ email: 'ghost@test.example', password: 'wrong password!' })).statusCode);
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    });

    it('lets a locked account in again once the lock has expired', async () => {
      const u = await newUser();
      await sql`UPDATE app_user SET failed_attempts = 5, locked_until = now() - interval '1 second' WHERE email = ${u.email}`.execute(t.database.db);
      expect((await signIn(u)).statusCode).toBe(200);
    });

    it('rate-limits one address after ten failures across many accounts', async () => {
      const ip = '10.9.9.9';
      for (let i = 0; i < 10; i++) expect((await signIn({ email: `spray${i}@test.example`, password: 'guess guess' }, ip)).statusCode).toBe(401);
      const u = await newUser();
      const res = await signIn(u, ip);
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    });

    it('rejects an oversized sign-in body with 413', async () => {
      const res = await signIn({ email: 'a@b.c', password: 'x'.repeat(10_000) });
      expect(res.statusCode).toBe(413);
    });

    it('rejects unknown fields in the sign-in body', async () => {
      expect((await signIn({ email: 'a@b.c', password: 'x', role: 'admin' })).statusCode).toBe(400);
    });

    it('refuses a cross-site sign-in (login CSRF)', async () => {
      const u = await newUser();
      const res = await signIn(u, undefined, { origin: 'https://evil.example', host: 'localhost:3000' });
      expect(res.statusCode).toBe(403);
    });

    it('signs out: the session no longer works and the cookie is cleared', async () => {
      const h = await sessionHeaders(t, 'analyst');
      const out = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: h.cookie, 'x-csrf-token': h['x-csrf-token'] } });
      expect(out.statusCode).toBe(204);
      expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: h.cookie } });
      expect(me.statusCode).toBe(401);
    });

    it('refuses a cookie-authenticated write without the CSRF token', async () => {
      const h = await sessionHeaders(t, 'analyst');
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: h.cookie } });
      expect(res.statusCode).toBe(403);
      expect(res.json().type).toContain('csrf');
    });

    it('refuses a cookie-authenticated write with another session’s CSRF token', async () => {
      const a = await sessionHeaders(t, 'analyst');
      const b = await sessionHeaders(t, 'analyst');
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: a.cookie, 'x-csrf-token': b['x-csrf-token'] } });
      expect(res.statusCode).toBe(403);
    });

    it('refuses a cookie-authenticated write from another origin even with the token', async () => {
      const h = await sessionHeaders(t, 'analyst');
      const res = await t.app.inject({
        method: 'POST', url: '/api/auth/sign-out',
        headers: { cookie: h.cookie, 'x-csrf-token': h['x-csrf-token'], origin: 'https://evil.example', host: 'localhost:3000' },
      });
      expect(res.statusCode).toBe(403);
    });

    it('ignores a stale cookie on sign-in and signs in afresh', async () => {
      const u = await newUser();
      const res = await signIn(u, undefined, { cookie: `lagesbild_session=lbs_${'x'.repeat(43)}` });
      expect(res.statusCode).toBe(200);
    });

    it('sets security headers and a CSP on API answers', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/health' });
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('same-origin');
    });
  });
}
