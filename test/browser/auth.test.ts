import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../../server/features/auth/demo-accounts.ts';
import { startHarness, type Harness } from './harness.ts';

type Role = 'public' | 'council' | 'planner' | 'analyst' | 'police' | 'admin';
const LAYERS = ['districts', 'hotspots', 'heatmap', 'points', 'marks'] as const;

// SPEC §6, as layers: which of the map's data layers each role gets ('ready') or is refused ('forbidden').
const EXPECTED: Record<Role, Record<(typeof LAYERS)[number], 'ready' | 'forbidden'>> = {
  public: { districts: 'ready', hotspots: 'forbidden', heatmap: 'forbidden', points: 'forbidden', marks: 'forbidden' },
  council: { districts: 'ready', hotspots: 'ready', heatmap: 'forbidden', points: 'forbidden', marks: 'ready' },
  planner: { districts: 'ready', hotspots: 'ready', heatmap: 'ready', points: 'ready', marks: 'ready' },
  analyst: { districts: 'ready', hotspots: 'ready', heatmap: 'ready', points: 'ready', marks: 'ready' },
  police: { districts: 'ready', hotspots: 'ready', heatmap: 'ready', points: 'ready', marks: 'ready' },
  admin: { districts: 'ready', hotspots: 'forbidden', heatmap: 'forbidden', points: 'forbidden', marks: 'forbidden' },
};

/** Collects CSP violations the page reports (the event fires for every blocked load, script, style or worker). */
const CSP_PROBE = `window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`;

async function settled(page: Page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await page.waitForFunction(() => document.body.dataset.pending === '0', null, { timeout: 120_000 });
  await page.waitForTimeout(500);
}

async function layerStatuses(page: Page) {
  const out: Record<string, string | null> = {};
  for (const layer of LAYERS) out[layer] = await page.locator(`[data-layer="${layer}"] [data-part="status"]`).getAttribute('data-kind');
  return out;
}

describe('sign-in and the content security policy in Chromium', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ incidentCount: 4000 });
    await ensureDemoAccounts(h.database.db);
  }, 240_000);
  afterAll(async () => h?.close());

  it('runs the whole map (all layers, maplibre worker, WebGL) with no CSP violation', async () => {
    const { page, errors } = await h.newPage();
    await page.addInitScript(CSP_PROBE);
    const police = DEMO_ACCOUNTS.find((a) => a.role === 'police')!;
    expect((await page.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: police.email, password: police.password } })).status()).toBe(200);
    const response = await page.goto(`${h.url}/?layers=${LAYERS.join(',')},survey`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await settled(page);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    expect(await page.locator('#map canvas').count()).toBeGreaterThan(0);
    await page.close();
  }, 240_000);

  it('shows the public page with no CSP violation', async () => {
    const { page, errors } = await h.newPage();
    await page.addInitScript(CSP_PROBE);
    await page.goto(`${h.url}/public`);
    await expect.poll(() => page.locator('h1').textContent()).toContain('Trygghet');
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const role of Object.keys(EXPECTED) as Role[]) {
    it(`signing in as the ${role} demo account shows exactly that role's layers`, async () => {
      const { page } = await h.newPage();
      await page.addInitScript(CSP_PROBE);
      await page.goto(`${h.url}/?layers=${LAYERS.join(',')}`);
      await settled(page);
      if (role !== 'public') {
        const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
        await page.click('#auth-open');
        await page.fill('#sign-in-email', account.email);
        await page.fill('#sign-in-password', account.password);
        await Promise.all([page.waitForEvent('load'), page.click('#sign-in-submit')]);
        await settled(page);
      }
      await page.waitForSelector(`#auth-who[data-role="${role}"]`, { timeout: 30_000 });
      expect(await layerStatuses(page)).toEqual(EXPECTED[role]);
      expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
      if (role !== 'public') {
        await Promise.all([page.waitForEvent('load'), page.click('#sign-out')]);
        await page.waitForSelector('#auth-who[data-role="public"]', { timeout: 30_000 });
      }
      await page.close();
    }, 240_000);
  }

  it('shows a wrong password as an error without signing in', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/`);
    await page.click('#auth-open');
    await page.fill('#sign-in-email', 'police@demo.lagesbild.example');
    await page.fill('#sign-in-password', 'not the password');
    await page.click('#sign-in-submit');
    await page.waitForSelector('#sign-in-error');
    expect(await page.locator('#sign-in-error').textContent()).toContain('Wrong email or password');
    await page.close();
  }, 120_000);
});
