import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Plugin } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TMP } from '../helpers/test-db.ts';
import { EXTRA_COLOR } from './fixtures/extra-feature.ts';
import { countColours, decodePng, saveArtifact, startHarness, type Harness } from './harness.ts';

/** Swaps the registry main.ts imports for one with an extra feature: the only change in this build. */
const extraFeaturePlugin: Plugin = {
  name: 'lagesbild-extra-feature',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === './features/registry.ts' && importer?.replace(/\\/g, '/').endsWith('client/main.ts')) {
      return path.join(import.meta.dirname, 'fixtures', 'extra-registry.ts');
    }
    return null;
  },
};

describe('a feature added as one module', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    h = await startHarness({ incidentCount: 2000, client: { dir: path.join(TEST_TMP, 'client-extra-feature'), plugins: [extraFeaturePlugin] } });
    ({ page, errors } = await h.newPage());
    await page.goto(`${h.url}/?layers=districts,test-dots`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.body.dataset.pending === '0', undefined, { timeout: 400_000 });
    await page.waitForTimeout(800);
  }, 900_000);
  afterAll(async () => h?.close());

  it('gets a switch, a status and a legend in the layer list', async () => {
    const item = page.locator('[data-layer="test-dots"]');
    await expect(item.locator('input[name="layer"]').isChecked()).resolves.toBe(true);
    await expect(item.locator('[data-part="status"]').getAttribute('data-kind')).resolves.toBe('ready');
    await expect(item.locator('[data-part="legend"] h2').textContent()).resolves.toBe('Testpunkter');
    expect(errors).toEqual([]);
  });

  it('draws its layer on the map (pixels of its colour)', async () => {
    const shot = await page.locator('#map').screenshot();
    saveArtifact('extra-feature.png', shot);
    const [magenta] = countColours(decodePng(shot), [EXTRA_COLOR], 10);
    expect(magenta).toBeGreaterThan(1_000);
  });

  it('switches off like any layer and leaves the URL naming it no more', async () => {
    await page.locator('#layer-test-dots').uncheck();
    await page.waitForTimeout(800);
    const [magenta] = countColours(decodePng(await page.locator('#map').screenshot()), [EXTRA_COLOR], 10);
    expect(magenta).toBe(0);
    expect(new URL(page.url()).searchParams.get('layers')).toBeNull();
  });
});
