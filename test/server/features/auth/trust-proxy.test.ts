import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, fastifyTrustProxy, loadConfig, parseTrustProxy } from '../../../../server/config.ts';
import { createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

describe('TRUST_PROXY parsing', () => {
  it('is off by default and accepts booleans, hop counts and address lists', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    for (const off of ['', 'false', 'FALSE', 'no', '0']) expect(parseTrustProxy(off)).toBe(false);
    for (const on of ['true', 'yes', ' True ']) expect(parseTrustProxy(on)).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.5, 192.168.0.0/16,::1, fd00::/8')).toEqual(['10.0.0.5', '192.168.0.0/16', '::1', 'fd00::/8']);
  });

  it('takes the --trust-proxy flag over the environment', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }, { 'trust-proxy': '10.1.1.1' }).trustProxy).toEqual(['10.1.1.1']);
  });

  it('refuses values it cannot be sure of, naming TRUST_PROXY', () => {
    for (const bad of ['maybe', '10.0.0.0/33', '300.1.1.1', '10.0.0.1/8/1', 'fd00::/129', '11', '10.0.0.1,,bogus', 'localhost']) {
      expect(() => parseTrustProxy(bad), bad).toThrow(ConfigError);
      expect(() => parseTrustProxy(bad), bad).toThrow(/TRUST_PROXY/);
    }
  });

  it('turns a hop count into "the nearest N addresses are proxies" (Fastify alone would trust none)', () => {
    const fn = fastifyTrustProxy(1) as (address: string, hop: number) => boolean;
    expect(fn('203.0.113.1', 0)).toBe(true);
    expect(fn('203.0.113.1', 1)).toBe(false);
    expect(fastifyTrustProxy(false)).toBe(false);
  });
});

for (const backend of testBackends()) {
  describe(`client address behind proxies (${backend})`, () => {
    const apps: TestApp[] = [];
    let n = 0;
    async function app(trustProxy?: string) {
      const t = await buildTestApp(backend, trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy });
      await createMunicipality(t.database.db, '0999');
      apps.push(t);
      return t;
    }
    afterAll(async () => {
      for (const t of apps) await t.close();
    });

    // A wrong password from `forwardedFor` arriving over the socket from `remote`; the audit row records the address the server believed.
    async function failFrom(t: TestApp, remote: string, forwardedFor?: string) {
      const email = `nobody${++n}@test.example`;
      const res = await t.app.inject({
        method: 'POST', url: '/api/auth/sign-in', payload: { email, password: 'wrong password' }, remoteAddress: remote,
        headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      });
      const row = await t.database.db.selectFrom('audit_log').select('ip').where('action', '=', 'auth.sign_in_failed')
        .where('filters', '@>', JSON.stringify({ email }) as never).executeTakeFirst();
      return { status: res.statusCode, ip: row?.ip ?? null };
    }

    let plain: TestApp;
    let listed: TestApp;
    beforeAll(async () => {
      plain = await app();
      listed = await app('10.0.0.0/8');
    }, 600_000);

    it('ignores X-Forwarded-For by default, so a client cannot pick its address (and escape the limiter)', async () => {
      expect((await failFrom(plain, '203.0.113.7', '198.51.100.1')).ip).toBe('203.0.113.7');
      // Ten failures from one address lock that address whatever it claims to forward for.
      for (let i = 0; i < 9; i++) await failFrom(plain, '203.0.113.7', `198.51.100.${i + 2}`);
      expect((await failFrom(plain, '203.0.113.7', '198.51.100.99')).status).toBe(429);
    });

    it('believes a listed proxy, so users behind it do not share one address (nor one lock-out)', async () => {
      expect((await failFrom(listed, '10.0.0.2', '198.51.100.1')).ip).toBe('198.51.100.1');
      for (let i = 0; i < 10; i++) await failFrom(listed, '10.0.0.2', '198.51.100.50');
      expect((await failFrom(listed, '10.0.0.2', '198.51.100.50')).status).toBe(429);
      // Another user behind the same proxy is not locked out.
      expect((await failFrom(listed, '10.0.0.2', '198.51.100.51')).status).toBe(401);
    });

    it('does not believe X-Forwarded-For from an address outside the list', async () => {
      expect((await failFrom(listed, '203.0.113.9', '10.0.0.3')).ip).toBe('203.0.113.9');
    });

    it('takes the address one hop back with TRUST_PROXY=1', { timeout: 300_000 }, async () => {
      const hop = await app('1');
      expect((await failFrom(hop, '10.0.0.2', '198.51.100.1, 198.51.100.2')).ip).toBe('198.51.100.2');
    });
  });
}
