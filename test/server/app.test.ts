import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCacheControl } from '../../server/app.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { TEST_TMP, testBackends } from '../helpers/test-db.ts';

describe('clientCacheControl', () => {
  it('lets browsers keep content-hashed assets and revalidate everything else', () => {
    expect(clientCacheControl('assets/maplibre-BnB_YnG-.js')).toBe('public, max-age=31536000, immutable');
    expect(clientCacheControl('assets/maplibre-gl-worker-CZtFQQIV.mjs')).toBe('public, max-age=31536000, immutable');
    expect(clientCacheControl('index.html')).toBe('no-cache');
    expect(clientCacheControl('assets/logo.svg')).toBe('no-cache');
    expect(clientCacheControl('favicon-12345678.ico')).toBe('no-cache');
  });
});

for (const backend of testBackends()) {
  describe(`the built client's cache headers (${backend})`, { timeout: 120_000 }, () => {
    const dir = path.join(TEST_TMP, `client-cache-${process.pid}-${backend}`);
    let t: TestApp;

    beforeAll(async () => {
      fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-AbCd1234.js"></script>');
      fs.writeFileSync(path.join(dir, 'assets', 'index-AbCd1234.js'), 'export {};');
      t = await buildTestApp(backend, { CLIENT_DIR: dir });
    });
    afterAll(async () => {
      await t?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('sends a hashed bundle as immutable for a year', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/assets/index-AbCd1234.js' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    });

    it('has the page revalidated on every visit, so a new release is picked up', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
    });
  });
}
