import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PNG } from 'pngjs';
import { createUser } from '../../server/features/auth/auth.service.ts';
import { SEQUENTIAL_5 } from '../../client/ui/color-scale.ts';
import { countColours, decodePng, saveArtifact, startHarness, type Harness } from './harness.ts';

/**
 * Pixels that differ by more than `tolerance` on any channel between two same-sized screenshots, counted only
 * right of the layer list and above the time slider, so that text in the controls cannot pass for a drawn layer.
 */
function differingPixels(a: PNG, b: PNG, tolerance = 24): number {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const x = (i / 4) % a.width, y = Math.floor(i / 4 / a.width);
    if (x < 370 || y > a.height - 100) continue;
    if (Math.abs(a.data[i] - b.data[i]) > tolerance || Math.abs(a.data[i + 1] - b.data[i + 1]) > tolerance || Math.abs(a.data[i + 2] - b.data[i + 2]) > tolerance) n++;
  }
  return n;
}

async function settled(page: Page) {
  // Generous: the whole suite shares two cores with PGlite, PostgreSQL and software WebGL.
  await page.waitForSelector('body[data-ready="true"]', { timeout: 180_000 });
  await page.waitForFunction(() => document.body.dataset.pending === '0', null, { timeout: 180_000 });
  // deck.gl draws on the next animation frames (software WebGL here).
  await page.waitForTimeout(800);
}

async function mapShot(page: Page, name: string): Promise<PNG> {
  const shot = await page.locator('#map').screenshot();
  saveArtifact(name, shot);
  return decodePng(shot);
}

describe('map client in Chromium', () => {
  let h: Harness;
  let police: Page;
  let policeErrors: string[];

  beforeAll(async () => {
    h = await startHarness();
    await createUser(h.database.db, { email: 'police@browser.test', password: 'browser-test-police', role: 'police', allMunicipalities: true });
    ({ page: police, errors: policeErrors } = await h.newPage());
    const signIn = await police.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: 'police@browser.test', password: 'browser-test-police' } });
    expect(signIn.status()).toBe(200);
  }, 180_000);
  afterAll(async () => h?.close());

  it('renders every layer a police officer may see (pixels differ from the outlines-only map)', async () => {
    await police.goto(`${h.url}/?layers=none`);
    await settled(police);
    const baseline = await mapShot(police, 'layers-none.png');
    // Hotspots last: Gi* is the heaviest query and would queue the others behind it on the embedded database.
    for (const layer of ['districts', 'heatmap', 'points', 'marks', 'survey', 'hotspots']) {
      await police.goto(`${h.url}/?layers=${layer}`);
      await settled(police);
      const shot = await mapShot(police, `layer-${layer}.png`);
      const status = await police.locator(`[data-layer="${layer}"] [data-part="status"]`).getAttribute('data-kind');
      expect(status, layer).toBe('ready');
      expect(differingPixels(baseline, shot), layer).toBeGreaterThan(2_000);
    }
    // Zoomed in, points are drawn one by one instead of summed in cells.
    await police.goto(`${h.url}/?layers=points`);
    await settled(police);
    const binned = await mapShot(police, 'layer-points-binned.png');
    await expect(police.locator('[data-layer="points"]').textContent()).resolves.toMatch(/Händelser per ruta \(\d+ × \d+ m\)/);
    await police.evaluate(() => (globalThis as unknown as { __lagesbildMap: { setZoom(z: number): void } }).__lagesbildMap.setZoom(14.5));
    await police.waitForTimeout(1500);
    const dots = await mapShot(police, 'layer-points-zoomed.png');
    expect(differingPixels(binned, dots)).toBeGreaterThan(2_000);
    await expect(police.locator('[data-layer="points"] [data-part="status"]').textContent()).resolves.not.toContain('zooma in');
    await expect(police.locator('[data-layer="points"]').textContent()).resolves.toContain('Händelser efter kategori');
    expect(policeErrors.filter((e) => !/404|Failed to load resource/.test(e))).toEqual([]);
  }, 900_000);

  it('says "not permitted" instead of drawing points for the public', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/?layers=districts,points,marks`);
    await settled(page);
    await expect(page.locator('[data-layer="points"] [data-part="status"]').textContent()).resolves.toContain('din roll får inte se detta');
    await expect(page.locator('[data-layer="marks"] [data-part="status"]').getAttribute('data-kind')).resolves.toBe('forbidden');
    saveArtifact('public-points-forbidden.png', await page.screenshot());
    await page.close();
  }, 400_000);

  it('opens the district panel with the API numbers, trend, heat table and årshjul', async () => {
    const page = police;
    await page.goto(`${h.url}/?metric=change`);
    await settled(page);
    await page.fill('#filter-district', 'Centrum');
    await page.press('#filter-district', 'Enter');
    await page.locator('#filter-district').dispatchEvent('change');
    await page.waitForSelector('#panel:not([hidden])');
    await page.waitForFunction(() => document.body.dataset.pending === '0');
    const id = Number(new URL(page.url()).searchParams.get('district'));
    expect(id).toBeGreaterThan(0);
    const stats = await (await page.context().request.get(`${h.url}/api/stats/districts?compare=previous`)).json();
    const stat = stats.districts.find((d: { id: number }) => d.id === id);
    expect(await page.locator('#panel-title').textContent()).toBe('Centrum');
    expect((await page.locator('#panel [data-field="count"]').textContent())!.replace(/\s/g, '')).toBe(String(stat.count));
    expect((await page.locator('#panel [data-field="previous"]').textContent())!.replace(/\s/g, '')).toBe(String(stat.previous_count));
    await expect(page.locator('#panel [data-section="trend"] svg.sparkline').count()).resolves.toBe(1);
    await expect(page.locator('#panel .heat-table td').count()).resolves.toBe(168);
    await expect(page.locator('#panel svg.year-wheel path').count()).resolves.toBe(12);
    saveArtifact('district-panel-police.png', await page.screenshot());
  }, 400_000);

  it('changes map and URL with the period, and a reload restores the same view', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/`);
    await settled(page);
    const before = await mapShot(page, 'period-last12.png');
    await page.selectOption('#filter-period', 'last30');
    await settled(page);
    expect(new URL(page.url()).searchParams.get('period')).toBe('last30');
    const after = await mapShot(page, 'period-last30.png');
    expect(differingPixels(before, after)).toBeGreaterThan(5_000);
    const url = page.url();
    await page.reload();
    await settled(page);
    expect(page.url()).toBe(url);
    await expect(page.locator('#filter-period').inputValue()).resolves.toBe('last30');
    const reloaded = await mapShot(page, 'period-last30-reloaded.png');
    expect(differingPixels(after, reloaded)).toBeLessThan(2_000);
    await page.close();
  }, 400_000);

  it('keeps focus on a filter while its change is applied (the form is not rebuilt)', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/`);
    await settled(page);
    const handle = await page.$('#filter-compare');
    await page.focus('#filter-compare');
    await page.keyboard.press('ArrowDown');
    await settled(page);
    expect(new URL(page.url()).searchParams.get('compare')).toBe('year');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-compare');
    expect(await handle!.evaluate((el) => el.isConnected)).toBe(true);
    await page.close();
  }, 400_000);

  it('reaches the filters, layers and time slider by keyboard alone', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/`);
    await settled(page);
    const reached = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    for (const id of ['filter-period', 'filter-compare', 'filter-categories', 'filter-sources', 'filter-district', 'filter-lang', 'export-png', 'layer-hotspots', 'timeline-play']) {
      expect(reached, id).toContain(id);
    }
    await page.focus('#filter-categories');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('focus');
    await page.keyboard.press('Space');
    await settled(page);
    expect(new URL(page.url()).searchParams.get('category')).toBeTruthy();
    saveArtifact('keyboard-categories.png', await page.screenshot());
    await page.close();
  }, 400_000);

  it('plays the period month by month as a moving window, mirrored in the URL and on the map', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/?metric=count&mode=window`);
    await settled(page);
    await mapShot(page, 'timeline-whole.png');
    const wholeLegend = await page.locator('#legend .legend-rows').textContent();
    await page.click('#timeline-play');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('frame') === '1', null, { timeout: 60_000 });
    await page.click('#timeline-play');
    await settled(page);
    const frame = Number(new URL(page.url()).searchParams.get('frame'));
    expect(frame).toBeGreaterThanOrEqual(1);
    const label = await page.locator('#timeline [data-part="frame-label"]').textContent();
    expect(label).not.toContain('Hela perioden');
    await mapShot(page, 'timeline-frame.png');
    // Counts of one month are far below those of twelve: the class bounds in the legend move.
    expect(await page.locator('#legend .legend-rows').textContent()).not.toBe(wholeLegend);
    await page.click('#timeline-whole');
    await settled(page);
    expect(new URL(page.url()).searchParams.get('frame')).toBeNull();
    await page.close();
  }, 400_000);

  it('exports a PNG with the legend, title and period burned in', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/`);
    await settled(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    const buffer = Buffer.from(await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks)));
    saveArtifact('export.png', buffer);
    const png = decodePng(buffer);
    // Legend swatches are drawn at full opacity, so the exact palette colours appear (the map itself blends them).
    const swatches = countColours(png, SEQUENTIAL_5, 1);
    expect(swatches.filter((n) => n >= 100).length).toBeGreaterThanOrEqual(4);
    // Header text: dark pixels in the white band above the map.
    let dark = 0;
    for (let y = 0; y < 90; y++) for (let x = 0; x < png.width; x++) { const i = (y * png.width + x) * 4; if (png.data[i] < 80 && png.data[i + 1] < 80) dark++; }
    expect(dark).toBeGreaterThan(500);
    await page.close();
  }, 400_000);

  it('shows an empty state, not a blank map, for a period without incidents', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/?period=custom&from=1990-01-01&to=1990-02-01`);
    await settled(page);
    await expect(page.locator('#map-status').textContent()).resolves.toContain('Inga händelser i perioden');
    const shot = await mapShot(page, 'empty-period.png');
    const background = countColours(shot, [[0xee, 0xf1, 0xf4]], 2)[0];
    expect(background).toBeLessThan(shot.width * shot.height * 0.95);
    await page.close();
    // The police officer's incident layers with nothing to draw: an empty state, no error.
    await police.goto(`${h.url}/?period=custom&from=1990-01-01&to=1990-02-01&layers=districts,heatmap,points`);
    await settled(police);
    await expect(police.locator('[data-layer="points"] [data-part="status"]').getAttribute('data-kind')).resolves.toBe('ready');
    await expect(police.locator('[data-layer="heatmap"] [data-part="status"]').textContent()).resolves.toContain('0 punkter');
    expect(policeErrors.filter((e) => !/404|Failed to load resource/.test(e))).toEqual([]);
  }, 400_000);
});
