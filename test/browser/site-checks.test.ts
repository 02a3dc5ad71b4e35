import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../../server/features/auth/demo-accounts.ts';
import { ARTIFACTS_DIR, startHarness, type Harness } from './harness.ts';

describe('site check in Chromium: draw with the mouse, read the report, save and reopen', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ incidentCount: 4000 });
    await ensureDemoAccounts(h.database.db);
  }, 300_000);
  afterAll(async () => h?.close());

  it('draws a polygon, runs the check, saves it and reopens it', async () => {
    const { page, errors } = await h.newPage();
    const planner = DEMO_ACCOUNTS.find((a) => a.role === 'planner')!;
    expect((await page.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: planner.email, password: planner.password } })).status()).toBe(200);
    await page.goto(`${h.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    await page.waitForSelector('.sc-open:not([hidden])', { timeout: 30_000 });
    await page.click('.sc-open');
    await page.click('[data-mode="polygon"]');
    const box = (await page.locator('#map').boundingBox())!;
    const cx = box.x + box.width / 2 - 120, cy = box.y + box.height / 2;
    const corners: [number, number][] = [[cx - 40, cy - 40], [cx + 40, cy - 40], [cx + 40, cy + 40], [cx - 40, cy + 40]];
    for (const [x, y] of corners) {
      await page.mouse.move(x, y, { steps: 3 });
      await page.mouse.click(x, y);
      await page.waitForTimeout(150);
    }
    await page.mouse.move(corners[0][0], corners[0][1], { steps: 3 });
    await page.mouse.click(corners[0][0], corners[0][1]);
    await page.waitForFunction(() => !(document.querySelector('[data-action="run"]') as HTMLButtonElement).disabled, null, { timeout: 10_000 });
    expect(await page.locator('[data-role="live"]').textContent()).toMatch(/Yta \d/);
    await page.click('[data-action="run"]');
    await page.waitForSelector('body[data-site-check="done"]', { timeout: 120_000 });
    const report = page.locator('[data-role="site-report"]');
    expect(await report.textContent()).toContain('Checklista');
    expect(await report.locator('.sc-check').count()).toBe(5);
    await page.fill('input[name="name"]', 'Webbtest kvarter');
    await page.click('[data-action="save"]');
    await page.waitForSelector('body[data-site-check="saved"]', { timeout: 120_000 });
    const saved = page.locator('[data-reopen]', { hasText: 'Webbtest kvarter' });
    await saved.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS_DIR}/site-check-report.png` });
    await page.click('[data-action="run"]'); // a fresh unsaved run, so reopening visibly replaces it
    await page.waitForSelector('body[data-site-check="done"]', { timeout: 120_000 });
    await saved.click();
    await page.waitForSelector('body[data-site-check="reopened"]', { timeout: 60_000 });
    expect(await page.locator('[data-role="site-report"] h3').textContent()).toBe('Webbtest kvarter');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/site-check-reopened.png` });
    expect(errors.filter((e) => !/GPU stall|ReadPixels/.test(e))).toEqual([]);
    await page.close();
  }, 400_000);
});
