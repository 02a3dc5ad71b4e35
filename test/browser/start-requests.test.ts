import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../../server/features/auth/demo-accounts.ts';
import { joinDemoCouncils } from '../../server/features/meetings/meetings.demo.ts';
import { startHarness, type Harness } from './harness.ts';

const ASKED_ONCE = ['/api/auth/me', '/api/municipalities'] as const;

/** Counts the page's requests per path (query strings aside) from now on. */
function countRequests(page: Page): (path: string) => number {
  const seen = new Map<string, number>();
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    seen.set(path, (seen.get(path) ?? 0) + 1);
  });
  return (path) => seen.get(path) ?? 0;
}

async function settled(page: Page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await page.waitForFunction(() => document.body.dataset.pending === '0', null, { timeout: 120_000 });
  // The panels (sign-in corner, imports) ask beside the map: wait until nothing is in flight.
  await page.waitForLoadState('networkidle');
}

const meetingsReady = (page: Page) => page.waitForSelector('body[data-meetings-ready="true"]', { timeout: 120_000 });

describe('what the page asks the server for once per load, in Chromium', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ incidentCount: 2000 });
    await ensureDemoAccounts(h.database.db);
    await joinDemoCouncils(h.database.db);
  }, 600_000);
  afterAll(async () => h?.close());

  it('asks who is there and for the municipalities exactly once each on the first load', async () => {
    const { page, errors } = await h.newPage();
    const count = countRequests(page);
    await page.goto(h.url);
    await settled(page);
    expect(ASKED_ONCE.map(count)).toEqual([1, 1]);
    expect(await page.locator('#municipality-name').textContent()).not.toBe('');
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('signed in, the meetings list and a meeting page ask no more; a write makes the next page ask who is there again', async () => {
    const { page, errors } = await h.newPage();
    // The demo's council member, seated on the council whose meetings the list opens with.
    const member = DEMO_ACCOUNTS.find((a) => a.role === 'council')!;
    expect((await page.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: member.email, password: member.password } })).status()).toBe(200);
    const count = countRequests(page);
    await page.goto(`${h.url}/#meetings`);
    await settled(page);
    await meetingsReady(page);
    await page.locator('.mt-list li', { hasText: 'Öppet' }).locator('a').click();
    await page.waitForSelector('#mt-priority-form', { timeout: 120_000 });
    await meetingsReady(page);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#auth').getAttribute('data-role')).toBe('council');
    expect(ASKED_ONCE.map(count)).toEqual([1, 1]);

    // Recording a priority is a write: the page then learns again who is asking (the municipalities it keeps).
    await page.fill('#mt-priority-form [name="problem"]', 'Skadegörelse vid stationen');
    await page.fill('#mt-priority-form [name="owner"]', 'Tekniska nämnden');
    await page.click('#mt-priority-form button[type="submit"]');
    await page.waitForSelector('.mt-priorities td:has-text("Tekniska nämnden")', { timeout: 120_000 });
    await page.waitForLoadState('networkidle');
    expect(ASKED_ONCE.map(count)).toEqual([2, 1]);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
