import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHOROPLETH_ALPHA } from '../../client/features/districts/districts.layers.ts';
import { SEQUENTIAL_5 } from '../../client/ui/color-scale.ts';
import { countColours, decodePng, saveArtifact, startHarness, type Harness } from './harness.ts';

// The choropleth fills districts at CHOROPLETH_ALPHA over the offline background #eef1f4.
const BACKGROUND = [0xee, 0xf1, 0xf4];
const A = CHOROPLETH_ALPHA;
const blended = SEQUENTIAL_5.map((c) => c.map((v, i) => Math.round((v * A + BACKGROUND[i] * (255 - A)) / 255)) as [number, number, number]);

describe('district map in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await h.newPage());
    await page.goto(h.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForTimeout(500);
  }, 120_000);
  afterAll(async () => h?.close());

  it('loads without console errors', () => {
    expect(errors).toEqual([]);
  });

  it('draws the districts in the choropleth colours (pixels, not DOM)', async () => {
    const shot = await page.locator('#map').screenshot();
    saveArtifact('district-map.png', shot);
    const counts = countColours(decodePng(shot), blended, 8);
    const coloured = counts.reduce((a, b) => a + b, 0);
    // 12 districts fill most of the 1400×~800 map; several classes must show.
    expect(coloured).toBeGreaterThan(100_000);
    expect(counts.filter((n) => n > 2_000).length).toBeGreaterThanOrEqual(3);
  });

  it('draws the offline basemap beneath: water and forest around the town, no blank page', async () => {
    const png = decodePng(await page.locator('#map').screenshot());
    // Unblended basemap colours (served by /api/basemap/style.json) outside the districts.
    const [water, forest] = countColours(png, [[0xae, 0xcf, 0xe6], [0xd3, 0xe3, 0xcc]], 4);
    expect(water).toBeGreaterThan(5_000);
    expect(forest).toBeGreaterThan(5_000);
  });

  it('names each district at its label point, above the choropleth, and moves the names with the map', async () => {
    const districts = (await (await fetch(`${h.url}/api/districts?kind=stadsdel`)).json()).features as { properties: { name: string; label_point: [number, number] } }[];
    const names = await page.locator('.map-label').allTextContents();
    expect(names.sort()).toEqual(districts.map((d) => d.properties.name).sort());
    const centrum = districts.find((d) => d.properties.name === 'Centrum')!;
    const at = () => page.evaluate(([lon, lat]) => {
      const map = (globalThis as unknown as { __lagesbildMap: { project(p: [number, number]): { x: number; y: number } } }).__lagesbildMap;
      const label = [...document.querySelectorAll<HTMLElement>('.map-label')].find((l) => l.textContent === 'Centrum')!.getBoundingClientRect();
      const mapBox = document.getElementById('map')!.getBoundingClientRect();
      const p = map.project([lon, lat]);
      return { dx: label.left + label.width / 2 - mapBox.left - p.x, dy: label.top + label.height / 2 - mapBox.top - p.y, x: label.left };
    }, centrum.properties.label_point);
    const before = await at();
    expect(Math.abs(before.dx)).toBeLessThan(2);
    expect(Math.abs(before.dy)).toBeLessThan(2);
    // Above deck.gl's canvas: the label's dark text shows in the screenshot, not a fill colour over it.
    const box = (await page.locator('.map-label', { hasText: 'Centrum' }).boundingBox())!;
    const png = decodePng(await page.screenshot({ clip: box }));
    expect(countColours(png, [[20, 20, 30]], 30)[0]).toBeGreaterThan(10);
    await page.evaluate(() => (globalThis as unknown as { __lagesbildMap: { panBy(o: [number, number], opts: object): void } }).__lagesbildMap.panBy([120, 0], { duration: 0 }));
    const after = await at();
    expect(Math.abs(after.dx)).toBeLessThan(2);
    // Panning the view east moves the town (and its names) west on screen.
    expect(before.x - after.x).toBeGreaterThan(100);
    await page.evaluate(() => (globalThis as unknown as { __lagesbildMap: { panBy(o: [number, number], opts: object): void } }).__lagesbildMap.panBy([-120, 0], { duration: 0 }));
  });

  it('shows a legend with the classes', async () => {
    await expect(page.locator('#legend h2').textContent()).resolves.toContain('per 1 000 invånare');
    expect(await page.locator('#legend .legend-rows li').count()).toBeGreaterThanOrEqual(4);
  });

  it('opens the panel of the clicked district with its numbers', async () => {
    const districts = (await (await fetch(`${h.url}/api/districts?kind=stadsdel`)).json()).features as { properties: { id: number; name: string }; geometry: { coordinates: number[][][][] } }[];
    const target = districts.find((d) => d.properties.name === 'Centrum') ?? districts[0];
    const ring = target.geometry.coordinates[0][0];
    const lon = ring.slice(0, -1).reduce((s, p) => s + p[0], 0) / (ring.length - 1);
    const lat = ring.slice(0, -1).reduce((s, p) => s + p[1], 0) / (ring.length - 1);
    const point = await page.evaluate(([x, y]) => {
      const map = (globalThis as unknown as { __lagesbildMap: { project(p: [number, number]): { x: number; y: number } } }).__lagesbildMap;
      return map.project([x, y]);
    }, [lon, lat] as [number, number]);
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.click(box.x + point.x, box.y + point.y);
    await page.waitForSelector('#panel:not([hidden])', { timeout: 5_000 });
    saveArtifact('district-panel.png', await page.screenshot());

    expect(await page.locator('#panel-title').textContent()).toBe(target.properties.name);
    const search = new URL(page.url()).search;
    expect(search).toContain(`district=${target.properties.id}`);
    const stats = await (await fetch(`${h.url}/api/stats/districts`)).json();
    const stat = stats.districts.find((d: { id: number }) => d.id === target.properties.id);
    const shown = (await page.locator('#panel [data-field="count"]').textContent())!.replace(/\s/g, '');
    expect(shown).toBe(String(stat.count));
  });
});
