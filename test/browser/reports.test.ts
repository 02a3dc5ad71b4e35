import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../../server/features/auth/demo-accounts.ts';
import { TEST_TMP } from '../helpers/test-db.ts';
import { saveArtifact, startHarness, type Harness } from './harness.ts';

const exec = promisify(execFile);
/** The PDF tools with a deadline: a stuck step fails with its name instead of the whole test's time-out. */
const run = (file: string, args: string[]) => exec(file, args, { timeout: 60_000 });
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};
const ready = (page: import('playwright-core').Page) => page.waitForSelector('body[data-report-ready="true"]', { timeout: 120_000 });

describe('the annual report written and published as an analyst would, in Chromium', () => {
  let h: Harness;
  const dir = path.join(TEST_TMP, `report-browser-${process.pid}`);

  beforeAll(async () => {
    h = await startHarness({ incidentCount: 4000 });
    await ensureDemoAccounts(h.database.db);
    fs.mkdirSync(dir, { recursive: true });
  }, 600_000);
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await h?.close();
  });

  it('picks the year, previews the numbers for the role, writes the texts, publishes and downloads the PDF', async () => {
    const { page, errors } = await h.newPage();
    const analyst = DEMO_ACCOUNTS.find((a) => a.role === 'analyst')!;
    expect((await page.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: analyst.email, password: analyst.password } })).status()).toBe(200);
    const year = new Date().getFullYear() - 1;

    await page.goto(`${h.url}/`);
    await page.click('#report-open');
    await ready(page);
    expect(await page.locator('#report h1').textContent()).toBe('Årlig lägesbild');
    expect(await page.locator('#rp-year').inputValue()).toBe(String(year));

    // The preview holds the same district numbers as the server's report data for this role.
    const preview = await (await page.context().request.get(`${h.url}/api/reports/preview?year=${year}`)).json();
    const rows = page.locator('#report [data-section="kartlaggning"] tbody tr[data-district]');
    expect(await rows.count()).toBe(preview.content.kartlaggning.districts.length);
    const first = preview.content.kartlaggning.districts[0];
    const shown = await page.locator(`#report tr[data-district="${first.id}"] [data-part="count"]`).textContent();
    expect(shown?.replace(/\s/g, '')).toBe(first.count === null ? '<5' : String(first.count));
    expect(await page.locator('#report h2').allTextContents()).toEqual(expect.arrayContaining(['Inledning', 'Kartläggning', 'Analys', 'Källor', 'Åtgärdsplan', 'Slutsatser']));
    expect(await page.locator('#report [data-part="hotspots"]').textContent()).toMatch(/heta och \d+ kalla celler/);
    expect(await page.locator('#report [data-section="analys"] td').allTextContents()).toEqual(expect.arrayContaining(['Kvinnor', 'Män']));

    // Another year reloads the preview (the hash names it, so it can be linked).
    await page.selectOption('#rp-year', String(year - 1));
    await page.waitForFunction((y) => location.hash === `#report/${y}`, year - 1);
    await ready(page);
    expect(await page.locator('#report [data-part="statement"]').textContent()).toContain(String(year - 1));
    await page.selectOption('#rp-year', String(year));
    await page.waitForFunction((y) => location.hash === `#report/${y}`, year);
    await ready(page);

    await page.fill('#rp-introduction', 'Brottsförebyggande rådet har gått igenom läget i Demokommun.\n\nFokus ligger på centrum och stationen.');
    await page.fill('#rp-conclusion', 'Belysningen vid stationen åtgärdas först.');
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.locator('#report').evaluate((el) => el.scrollTo(0, 0));
    saveArtifact('report-preview-top.png', await page.screenshot());
    await page.locator('#report').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    saveArtifact('report-preview-bottom.png', await page.screenshot());

    const downloading = page.waitForEvent('download', { timeout: 180_000 });
    await page.click('#report [data-action="publish"]');
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`lagesbild-0999-${year}-v1.pdf`.replace('0999', preview.municipality));
    const pdf = path.join(dir, 'report.pdf');
    expect(await within(120_000, 'download.failure()', download.failure())).toBeNull();
    await within(60_000, 'download.saveAs', download.saveAs(pdf));
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await run('pdftotext', [pdf, '-'])).stdout;
    expect(text).toContain('Brottsförebyggande rådet har gått igenom läget i Demokommun.');
    expect(text).toContain('Belysningen vid stationen åtgärdas först.');

    await page.waitForSelector('#report .rp-versions li[data-version="1"]');
    await page.waitForSelector('#report [data-action="publish"]:not([disabled])');
    // The pointer still rests on the button: its label must stay readable in the hover state (white on dark blue).
    const hovered = await page.locator('#report [data-action="publish"]').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(hovered).not.toBe('rgb(238, 243, 249)');
    expect(await page.locator('#report [data-region="status"]').textContent()).toBe('Version 1 publicerad');
    saveArtifact('report-published.png', await page.screenshot({ fullPage: false }));
    await run('pdftoppm', ['-f', '1', '-l', '1', '-r', '50', '-png', pdf, path.join(dir, 'page')]);
    const png = fs.readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.png'))!;
    saveArtifact('report-downloaded-page1.png', fs.readFileSync(path.join(dir, png)));

    // The drafts stay while the page lives: leaving and coming back shows them again.
    await page.click('#report [data-action="leave"]');
    await page.waitForSelector('#report', { state: 'hidden' });
    await page.click('#report-open');
    await ready(page);
    expect(await page.locator('#rp-conclusion').inputValue()).toBe('Belysningen vid stationen åtgärdas först.');
    expect(errors).toEqual([]);
  }, 600_000);

  it('tells a signed-out visitor to sign in instead of showing numbers', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/#report`);
    await ready(page);
    expect(await page.locator('#report [role="alert"]').textContent()).toBe('Logga in för att ta fram årsrapporten.');
    expect(await page.locator('#report tr[data-district]').count()).toBe(0);
    expect(await page.locator('#report [data-action="publish"]').isDisabled()).toBe(true);
  }, 300_000);
});
