import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../../server/features/auth/demo-accounts.ts';
import { ARTIFACTS_DIR, startHarness, type Harness } from './harness.ts';
import { testBackends } from '../helpers/test-db.ts';

const TITLE = 'Webbtest: tryggare kring torget';
const COMMITMENT = 'Polisen patrullerar torget fredag och lördag kväll under hela perioden.';

describe.each(testBackends())('medborgarlöfte in Chromium on %s: draft from hotspots, edit, agree, publish, find it on the public page', (backend) => {
  let h: Harness;
  // Screenshots of the second backend get its name, so both sets can be looked at.
  const shot = (name: string) => `${ARTIFACTS_DIR}/${backend === 'pglite' ? name : name.replace(/\.png$/, `-${backend}.png`)}`;

  beforeAll(async () => {
    h = await startHarness({ incidentCount: 4000, backend });
    await ensureDemoAccounts(h.database.db);
  }, 300_000);
  afterAll(async () => h?.close());

  it('drafts a promise from selected hotspot cells, publishes it, and a visitor finds it on /public', async () => {
    const { page, errors } = await h.newPage();
    page.on('dialog', (d) => void d.accept());
    const police = DEMO_ACCOUNTS.find((a) => a.role === 'police')!;
    expect((await page.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: police.email, password: police.password } })).status()).toBe(200);
    await page.goto(`${h.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });

    // The list: the demo's published promise and draft are there, with their status.
    await page.click('.pr-open');
    await page.waitForSelector('body[data-promise="list"]', { timeout: 60_000 });
    const list = page.locator('.pr-list');
    expect(await list.locator('[data-status="published"]').count()).toBeGreaterThanOrEqual(1);
    expect(await list.locator('[data-status="draft"]').count()).toBeGreaterThanOrEqual(1);

    // The demo's published promise: its follow-up shows each indicator before and after, as the server computed it.
    await page.locator('.pr-list [data-open]', { hasText: 'Tryggare Centrum kvällstid' }).click();
    await page.waitForSelector('body[data-promise="shown"]', { timeout: 60_000 });
    const followUp = page.locator('.pr-panel [data-role="follow-up"]');
    const skadegorelse = followUp.locator('tr[data-follow-up="skadegorelse"] td.num');
    expect(await skadegorelse.nth(0).textContent()).toMatch(/^\d+$/);
    expect(await skadegorelse.nth(1).textContent()).toMatch(/^\d+$/);
    expect(await followUp.locator('tr[data-follow-up="skadegorelse"]').textContent()).toMatch(/Mål nått|Mål ej nått/);
    expect(await page.locator('.pr-panel [data-role="follow-up-periods"]').textContent()).toMatch(/Före: .+ · Efter: .+/);
    await page.screenshot({ path: shot('promise-follow-up.png') });
    await page.click('.pr-panel [data-action="list"]');
    await page.waitForSelector('body[data-promise="list"]', { timeout: 60_000 });

    // Pick hotspot cells: the hotspot layer comes on; click the two hottest cells that lie in the open map.
    await page.click('.pr-panel [data-action="new"]');
    await page.click('.pr-panel [data-pick="hotspots"]');
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/api/stats/hotspots')), null, { timeout: 60_000 });
    await page.waitForSelector('body[data-pending="0"]', { timeout: 180_000 });
    await page.waitForTimeout(500);
    const targets = await page.evaluate(async () => {
      const url = performance.getEntriesByType('resource').map((r) => r.name).find((n) => n.includes('/api/stats/hotspots'))!;
      const cells = (await (await fetch(url)).json()) as { features: { geometry: { coordinates: number[][][] }; properties: { i: number; j: number; z: number | null; class: string } }[] };
      const map = (globalThis as unknown as { __lagesbildMap: { project(p: [number, number]): { x: number; y: number }; getCanvas(): HTMLCanvasElement } }).__lagesbildMap;
      const canvas = map.getCanvas().getBoundingClientRect();
      const hot = cells.features.filter((f) => f.properties.class.startsWith('hot')).sort((a, b) => (b.properties.z ?? 0) - (a.properties.z ?? 0));
      const out: { x: number; y: number; i: number; j: number }[] = [];
      for (const f of hot) {
        const ring = f.geometry.coordinates[0].slice(0, -1);
        const c: [number, number] = [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
        const p = map.project(c);
        const x = canvas.left + p.x, y = canvas.top + p.y;
        // Only cells whose centre shows the map itself (not the layer list, the panel or the time slider).
        const under = document.elementFromPoint(x, y);
        if (under && (under.tagName === 'CANVAS' || under.closest('.maplibregl-canvas-container, #map'))) out.push({ x, y, i: f.properties.i, j: f.properties.j });
        if (out.length === 2) break;
      }
      return out;
    });
    expect(targets.length).toBe(2);
    for (const p of targets) {
      await page.mouse.click(p.x, p.y);
      await page.waitForTimeout(200);
    }
    await page.waitForSelector('[data-role="picked"][data-count="2"]', { timeout: 10_000 });
    await page.screenshot({ path: shot('promise-picked-cells.png') });
    // A third click on a picked cell deselects it, and a fourth picks it again.
    await page.mouse.click(targets[1].x, targets[1].y);
    await page.waitForSelector('[data-role="picked"][data-count="1"]', { timeout: 10_000 });
    await page.mouse.click(targets[1].x, targets[1].y);
    await page.waitForSelector('[data-role="picked"][data-count="2"]', { timeout: 10_000 });

    // Draft: the server proposes problems, commitments with responsible offices, and indicators with baselines.
    await page.click('.pr-panel [data-action="propose"]');
    await page.waitForSelector('body[data-promise="drafted"]', { timeout: 120_000 });
    const editor = page.locator('[data-role="editor"]');
    expect(await editor.locator('select[name="commitments.0.actor"]').inputValue()).toBe('police');
    expect(await editor.locator('input[name="commitments.0.responsible"]').inputValue()).toBe('Lokalpolisområdet');
    const indicatorRows = editor.locator('tr[data-indicator]');
    expect(await indicatorRows.count()).toBeGreaterThanOrEqual(1);
    expect(await indicatorRows.first().locator('td.num').textContent()).toMatch(/\d/);
    await page.screenshot({ path: shot('promise-drafted.png') });

    // Edit: title, the police's commitment and its office, the municipality's commitment, a target.
    await editor.locator('input[name="title"]').fill(TITLE);
    await editor.locator('textarea[name="commitments.0.text"]').fill(COMMITMENT);
    await editor.locator('input[name="commitments.0.responsible"]').fill('Lokalpolisområde Demokommun');
    await editor.locator('textarea[name="commitments.1.text"]').fill('Kommunen förbättrar belysningen i gångtunneln.');
    await editor.locator('input[name="indicators.0.target"]').fill('3');
    await editor.locator('table.pr-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('promise-editing.png') });
    await page.click('.pr-panel [data-action="save"]');
    await page.waitForSelector('body[data-promise="saved"]', { timeout: 120_000 });
    const promise = page.locator('[data-role="promise"]');
    expect(await promise.getAttribute('data-status')).toBe('draft');
    expect(await promise.locator('[data-role="commitments"]').textContent()).toContain(COMMITMENT);
    expect(await promise.locator('[data-role="commitments"]').textContent()).toContain('Lokalpolisområde Demokommun');
    expect(await promise.locator('h3').textContent()).toContain(TITLE);

    // Edit the saved draft: the municipality's commitment gets another responsible committee.
    await page.click('.pr-panel [data-action="edit"]');
    await page.waitForSelector('body[data-promise="editing"]', { timeout: 10_000 });
    await page.locator('.pr-panel input[name="commitments.1.responsible"]').fill('Tekniska nämnden');
    await page.click('.pr-panel [data-action="save"]');
    await page.waitForSelector('body[data-promise="saved"]', { timeout: 120_000 });
    expect(await promise.locator('[data-role="commitments"]').textContent()).toContain('(Tekniska nämnden)');
    expect(await promise.locator('[data-role="commitments"]').textContent()).not.toContain('Kommunstyrelsen');

    // Agree, then publish; afterwards there is no way back to draft and no editing.
    await page.click('.pr-panel [data-status-to="agreed"]');
    await page.waitForSelector('body[data-promise="status-agreed"]', { timeout: 60_000 });
    expect(await page.locator('.pr-panel [data-status-to="draft"]').count()).toBe(1);
    await page.click('.pr-panel [data-status-to="published"]');
    await page.waitForSelector('body[data-promise="status-published"]', { timeout: 60_000 });
    expect(await promise.getAttribute('data-status')).toBe('published');
    expect(await page.locator('.pr-panel [data-status-to="draft"]').count()).toBe(0);
    expect(await page.locator('.pr-panel [data-action="edit"]').count()).toBe(0);
    expect(await page.locator('.pr-panel [data-status-to="followed_up"]').count()).toBe(1);
    // Who and when: each transition is listed with the role that made it.
    expect(await promise.locator('.pr-history li').count()).toBe(2);
    expect(await promise.locator('.pr-history').textContent()).toContain('police');
    expect(await promise.locator('[data-role="follow-up"] tr[data-follow-up]').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: shot('promise-published.png') });
    // Followed up: the last step, after which no status button is left.
    await page.click('.pr-panel [data-status-to="followed_up"]');
    await page.waitForSelector('body[data-promise="status-followed_up"]', { timeout: 60_000 });
    expect(await promise.getAttribute('data-status')).toBe('followed_up');
    expect(await page.locator('.pr-panel [data-status-to]').count()).toBe(0);
    expect(await promise.locator('.pr-history li').count()).toBe(3);
    expect(errors.filter((e) => !/GPU stall|ReadPixels/.test(e))).toEqual([]);
    await page.close();

    // A visitor without sign-in: the public page lists it with the commitment, and the map layer draws its area.
    const visitor = await h.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const pub = await visitor.newPage();
    const pubErrors: string[] = [];
    pub.on('pageerror', (e) => pubErrors.push(e.message));
    await pub.goto(`${h.url}/public`);
    const article = pub.locator('article.promise', { hasText: TITLE });
    expect(await article.count()).toBe(1);
    expect(await article.textContent()).toContain(COMMITMENT);
    await pub.screenshot({ path: shot('promise-public-page.png'), fullPage: true });
    await pub.goto(`${h.url}/?layers=districts,citizen-promises`);
    await pub.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    await pub.waitForSelector('body[data-pending="0"]', { timeout: 60_000 });
    const layerList = pub.locator('#layers');
    await expect.poll(async () => layerList.textContent(), { timeout: 30_000 }).toContain('Publicerat');
    expect(await layerList.textContent()).not.toContain('Utkast');
    await pub.waitForTimeout(500);
    await pub.screenshot({ path: shot('promise-public-map.png') });
    expect(pubErrors).toEqual([]);
    await visitor.close();
  }, 600_000);

  it('drafts from clicked districts and from a drawn polygon, and speaks English when asked', async () => {
    const { page, errors } = await h.newPage();
    const analyst = DEMO_ACCOUNTS.find((a) => a.role === 'analyst')!;
    expect((await page.context().request.post(`${h.url}/api/auth/sign-in`, { data: { email: analyst.email, password: analyst.password } })).status()).toBe(200);
    await page.goto(`${h.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    await page.click('.pr-open');
    await page.waitForSelector('body[data-promise="list"]', { timeout: 60_000 });
    await page.click('.pr-panel [data-action="new"]');
    await page.click('.pr-panel [data-pick="districts"]');
    await page.waitForTimeout(300);

    // Two districts whose label points show the map (not under the panel or the layer list).
    const picks = await page.evaluate(async () => {
      const map = (globalThis as unknown as { __lagesbildMap: { project(p: [number, number]): { x: number; y: number }; getCanvas(): HTMLCanvasElement } }).__lagesbildMap;
      const municipality = new URL(performance.getEntriesByType('resource').map((r) => r.name).find((n) => n.includes('/api/stats/districts'))!).searchParams.get('municipality')!;
      // The map draws the districts at the level the statistics answered at.
      const level = ((await (await fetch(performance.getEntriesByType('resource').map((r) => r.name).find((n) => n.includes('/api/stats/districts'))!)).json()) as { level: string | null }).level;
      const districts = (await (await fetch(`/api/districts?municipality=${municipality}`)).json()) as { features: { properties: { id: number; name: string; kind: string; label_point: [number, number] | null } }[] };
      const canvas = map.getCanvas().getBoundingClientRect();
      const out: { x: number; y: number; name: string }[] = [];
      for (const f of districts.features) {
        if (!f.properties.label_point || (level && f.properties.kind !== level)) continue;
        const p = map.project(f.properties.label_point);
        // A little below the label itself, on the district's fill.
        const x = canvas.left + p.x, y = canvas.top + p.y + 25;
        const under = document.elementFromPoint(x, y);
        if (under && under.tagName === 'CANVAS') out.push({ x, y, name: f.properties.name });
        if (out.length === 2) break;
      }
      return out;
    });
    expect(picks.length).toBe(2);
    for (const p of picks) {
      await page.mouse.click(p.x, p.y);
      await page.waitForTimeout(200);
    }
    await page.waitForSelector('[data-role="picked"][data-count="2"]', { timeout: 10_000 });
    // Clicking districts while picking must not open the district panel.
    expect(await page.locator('#panel').isHidden()).toBe(true);
    await page.click('.pr-panel [data-action="propose"]');
    await page.waitForSelector('body[data-promise="drafted"]', { timeout: 120_000 });
    const title = await page.locator('.pr-panel input[name="title"]').inputValue();
    for (const p of picks) expect(title).toContain(p.name);

    // A drawn polygon instead.
    await page.click('.pr-panel [data-action="list"]');
    await page.waitForSelector('body[data-promise="list"]', { timeout: 60_000 });
    await page.click('.pr-panel [data-action="new"]');
    await page.click('.pr-panel [data-pick="draw"]');
    await page.waitForTimeout(500);
    const box = (await page.locator('#map').boundingBox())!;
    const cx = box.x + box.width / 2 - 150, cy = box.y + box.height / 2;
    const corners: [number, number][] = [[cx - 50, cy - 50], [cx + 50, cy - 50], [cx + 50, cy + 50], [cx - 50, cy + 50]];
    for (const [x, y] of corners) {
      await page.mouse.move(x, y, { steps: 3 });
      await page.mouse.click(x, y);
      await page.waitForTimeout(150);
    }
    await page.mouse.move(corners[0][0], corners[0][1], { steps: 3 });
    await page.mouse.click(corners[0][0], corners[0][1]);
    await page.waitForSelector('[data-role="picked"][data-count="1"]', { timeout: 10_000 });
    // The drawing clicks did not select the district beneath them.
    expect(await page.locator('#panel').isHidden()).toBe(true);
    await page.screenshot({ path: shot('promise-drawn-area.png') });
    await page.click('.pr-panel [data-action="propose"]');
    await page.waitForSelector('body[data-promise="drafted"]', { timeout: 120_000 });
    expect(await page.locator('.pr-panel [data-role="editor"] tr[data-indicator]').count()).toBeGreaterThanOrEqual(1);

    // English: the panel follows the language switch without losing the draft.
    await page.selectOption('#filter-lang', 'en');
    await expect.poll(async () => page.locator('.pr-panel h2').textContent(), { timeout: 10_000 }).toBe('Citizen promises');
    expect(await page.locator('.pr-panel [data-action="save"]').textContent()).toBe('Save draft');
    expect(await page.locator('.pr-panel [data-role="editor"] tr[data-indicator]').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: shot('promise-draft-english.png') });
    expect(errors.filter((e) => !/GPU stall|ReadPixels/.test(e))).toEqual([]);
    await page.close();
  }, 600_000);
});
