import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { countColours, decodePng, saveArtifact, startHarness, type Harness } from './harness.ts';

// A basemap style on another origin, as BASEMAP_STYLE_URL would name: a magenta background only,
// so its pixels are unmistakable.
const STYLE = { version: 8, sources: {}, layers: [{ id: 'basemap-background', type: 'background', paint: { 'background-color': '#ff00ff' } }] };

describe('map with BASEMAP_STYLE_URL in Chromium', () => {
  let styleServer: http.Server;
  let h: Harness;
  let page: Page;
  let errors: string[];
  let styleRequests = 0;

  beforeAll(async () => {
    styleServer = http.createServer((req, res) => {
      styleRequests++;
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(STYLE));
    });
    await new Promise<void>((resolve) => styleServer.listen(0, '127.0.0.1', resolve));
    const styleUrl = `http://127.0.0.1:${(styleServer.address() as AddressInfo).port}/style.json`;
    h = await startHarness({ incidentCount: 3000, env: { BASEMAP_STYLE_URL: styleUrl } });
    ({ page, errors } = await h.newPage());
    await page.goto(h.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForTimeout(500);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    styleServer?.close();
  });

  it('loads the configured style, under the content security policy, without errors', () => {
    expect(styleRequests).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('draws the basemap under the districts', async () => {
    const shot = await page.locator('#map').screenshot();
    saveArtifact('basemap-map.png', shot);
    const [magenta] = countColours(decodePng(shot), [[255, 0, 255]], 4);
    expect(magenta).toBeGreaterThan(10_000);
  });
});
