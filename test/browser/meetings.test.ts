import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../../server/features/auth/demo-accounts.ts';
import { joinDemoCouncils } from '../../server/features/meetings/meetings.demo.ts';
import { saveArtifact, startHarness, type Harness } from './harness.ts';

const ready = (page: import('playwright-core').Page) => page.waitForSelector('body[data-meetings-ready="true"]', { timeout: 120_000 });

describe('a council meeting run as a council member would, in Chromium', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ incidentCount: 4000 });
    await ensureDemoAccounts(h.database.db);
    await joinDemoCouncils(h.database.db);
  }, 600_000);
  afterAll(async () => h?.close());

  it('opens the council\'s upcoming meeting, presents it, steps the agenda by keyboard, records a priority, closes and reopens it', async () => {
    const { page, errors } = await h.newPage();
    page.on('dialog', (d) => void d.accept());
    const council = DEMO_ACCOUNTS.find((a) => a.role === 'council')!;
    expect((await page.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: council.email, password: council.password } })).status()).toBe(200);

    await page.goto(`${h.url}/#meetings`);
    await ready(page);
    const meetingLinks = page.locator('.mt-list a[data-meeting]');
    expect(await meetingLinks.count()).toBe(3);
    await page.locator('.mt-list li', { hasText: 'Öppet' }).locator('a').click();
    await ready(page);
    expect(await page.locator('[data-part="as-of"]').textContent()).toContain('Aktuella siffror');

    // Presentation mode: overview first, then one step per district.
    let t0 = Date.now();
    await page.click('#meetings [data-action="present"]');
    await page.waitForSelector('.mt-present .mt-agenda', { timeout: 60_000 });
    const enterMs = Date.now() - t0;
    expect(await page.locator('.mt-agenda li').count()).toBe(5);
    const steps: number[] = [];
    for (let k = 2; k <= 5; k++) {
      t0 = Date.now();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((n) => document.querySelector('[data-part="step"]')?.textContent === String(n), k);
      await page.waitForSelector('.mt-district h2');
      steps.push(Date.now() - t0);
    }
    console.log(`presentation: enter ${enterMs} ms, steps ${steps.join(', ')} ms`);
    expect(await page.locator('.mt-district [data-part="count"]').textContent()).toMatch(/\d|färre/);
    expect(await page.locator('.mt-district h3').allTextContents()).toEqual(expect.arrayContaining(['Utveckling', 'Säkerhet–trygghet']));
    for (const [w, hgt] of [[1920, 1080], [1280, 720]] as const) {
      await page.setViewportSize({ width: w, height: hgt });
      await page.waitForTimeout(300);
      saveArtifact(`meeting-present-${w}x${hgt}.png`, await page.screenshot());
      // Large type: the district heading is readable from the back of the room.
      const size = await page.locator('.mt-district h2').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(size).toBeGreaterThanOrEqual(32);
    }
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.querySelector('[data-part="step"]')?.textContent === '4');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#mt-priority-form');

    // Record a priority: problem, rationale, owner and due date.
    await page.fill('#mt-priority-form [name="problem"]', 'Inbrott i förråd på helgnätter');
    await page.fill('#mt-priority-form [name="rationale"]', 'Hot spot 95 % vid centrum');
    await page.fill('#mt-priority-form [name="owner"]', 'Fastighetsnämnden');
    await page.fill('#mt-priority-form [name="due_date"]', '2027-03-31');
    await page.click('#mt-priority-form button[type="submit"]');
    await page.waitForSelector('.mt-priorities td:has-text("Fastighetsnämnden")');

    // Close: the numbers freeze and the page says as of when.
    await page.click('#meetings [data-action="close-meeting"]');
    await page.waitForFunction(() => document.querySelector('[data-part="as-of"]')?.textContent?.startsWith('Läge per'), null, { timeout: 120_000 });
    expect(await page.locator('#mt-priority-form').count()).toBe(0);
    const id = page.url().split('#meeting/')[1];

    // Reopen later: same frozen numbers, the priority, the minutes.
    await page.goto(`${h.url}/#present/${id}/1`);
    await ready(page);
    const frozenCount = await page.locator('.mt-district [data-part="count"]').textContent();
    expect(await page.locator('[data-part="as-of"]').textContent()).toContain('Läge per');
    await page.goto(`${h.url}/#minutes/${id}`);
    await ready(page);
    expect(await page.locator('.mt-minutes .mt-table tbody tr').count()).toBe(4);
    expect(await page.locator('.mt-minutes').textContent()).toContain('Inbrott i förråd på helgnätter');
    await page.emulateMedia({ media: 'print' });
    saveArtifact('meeting-minutes-print.png', await page.screenshot({ fullPage: true }));
    expect(await page.locator('.topbar').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${h.url}/#present/${id}/1`);
    await ready(page);
    expect(await page.locator('.mt-district [data-part="count"]').textContent()).toBe(frozenCount);
    expect(errors.filter((e) => !/GPU stall|WebGL|Failed to load resource/i.test(e))).toEqual([]);
    await page.close();
  }, 600_000);

  it('tells the public to sign in instead of showing meetings', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/#meetings`);
    await ready(page);
    expect(await page.locator('.mt-error').textContent()).toContain('Logga in');
    await page.close();
  }, 120_000);
});
