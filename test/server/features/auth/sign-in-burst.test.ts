import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_LOCK_AFTER, createUser, signIn } from '../../../../server/features/auth/auth.service.ts';
import { createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

const BURST = 30;

// Issue 10: parallel wrong passwords all read failed_attempts before scrypt, so a burst got 30 guesses
// instead of 5. The attempt is now counted (UPDATE … RETURNING) before the password is checked.
for (const backend of testBackends()) {
  describe(`sign-in burst (${backend})`, () => {
    let t: TestApp;
    let n = 0;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await createMunicipality(t.database.db, '0999');
    }, 600_000);
    afterAll(async () => t?.close());

    async function newUser() {
      const email = `burst${++n}@test.example`;
      const password = 'the right password, long';
      await createUser(t.database.db, { email, password, role: 'police', municipality: '0999' });
      return { email, password };
    }
    const account = async (email: string) =>
      t.database.db.selectFrom('app_user').select(['failed_attempts', 'locked_until']).where('email', '=', email).executeTakeFirstOrThrow();

    it(`gives ${BURST} parallel wrong passwords (service level) at most ${ACCOUNT_LOCK_AFTER} password checks`, async () => {
      const u = await newUser();
      const results = await Promise.all(Array.from({ length: BURST }, (_, i) => signIn(t.database.db, u.email, `wrong guess number ${i}`)));
      const failures = results.map((r) => (r.ok ? 'ok' : r.failure.kind));
      // Attempts 1–4 are checked and wrong; the 5th is checked and locks; the other 25 never reach scrypt.
      expect(failures.filter((f) => f === 'invalid')).toHaveLength(ACCOUNT_LOCK_AFTER - 1);
      expect(failures.filter((f) => f === 'locked')).toHaveLength(BURST - ACCOUNT_LOCK_AFTER + 1);
      const row = await account(u.email);
      expect(row.failed_attempts).toBe(ACCOUNT_LOCK_AFTER);
      expect(row.locked_until).not.toBeNull();
      // The right password is refused until the lock expires.
      const right = await signIn(t.database.db, u.email, u.password);
      expect(right.ok).toBe(false);
    });

    it('cannot slip the right password in behind a burst of wrong ones', async () => {
      const u = await newUser();
      const guesses = Array.from({ length: BURST }, (_, i) => (i === BURST - 1 ? u.password : `wrong guess number ${i}`));
      const results = await Promise.all(guesses.map((g) => signIn(t.database.db, u.email, g)));
      expect(results.filter((r) => !r.ok && r.failure.kind === 'invalid').length).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER - 1);
      // At most five attempts were checked: the right one succeeds only if it was among them.
      const checked = results.filter((r) => r.ok || r.failure.kind === 'invalid').length;
      expect(checked).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER);
    });

    it(`answers ${BURST} parallel wrong passwords over HTTP (from ${BURST} addresses) with at most ${ACCOUNT_LOCK_AFTER - 1} × 401, the rest 429`, async () => {
      const u = await newUser();
      const responses = await Promise.all(Array.from({ length: BURST }, (_, i) => t.app.inject({
        method: 'POST', url: '/api/auth/sign-in', payload: { email: u.email, password: `wrong guess number ${i}` }, remoteAddress: `10.77.${n}.${i + 1}`,
      })));
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER - 1);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(BURST - ACCOUNT_LOCK_AFTER + 1);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expect((await account(u.email)).failed_attempts).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER);
      const right = await t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: u, remoteAddress: '10.78.0.1' });
      expect(right.statusCode).toBe(429);
      // Every failure that reached the account is in the audit log, without the password.
      const audited = await t.database.db.selectFrom('audit_log').select(['filters', 'municipality_code']).where('action', '=', 'auth.sign_in_failed').execute();
      const mine = audited.filter((r) => JSON.stringify(r.filters).includes(u.email));
      expect(mine.length).toBeGreaterThanOrEqual(1);
      expect(mine.every((r) => r.municipality_code === '0999')).toBe(true);
      expect(JSON.stringify(audited)).not.toContain('wrong guess');
    });

    it('starts a new count once a lock has expired', async () => {
      const u = await newUser();
      const later = new Date(Date.now() + 16 * 60 * 1000);
      for (let i = 0; i < ACCOUNT_LOCK_AFTER; i++) await signIn(t.database.db, u.email, 'wrong');
      expect((await signIn(t.database.db, u.email, u.password)).ok).toBe(false);
      const wrongAfter = await signIn(t.database.db, u.email, 'wrong', later);
      expect(wrongAfter).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
      expect((await account(u.email)).failed_attempts).toBe(1);
      expect((await signIn(t.database.db, u.email, u.password, later)).ok).toBe(true);
      expect((await account(u.email)).failed_attempts).toBe(0);
    });
  });
}
