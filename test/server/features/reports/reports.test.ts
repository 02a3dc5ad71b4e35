import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAP_COLOURS, renderReportPdf } from '../../../../server/features/reports/reports.pdf.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { TEST_TMP, testBackends } from '../../../helpers/test-db.ts';

const run = promisify(execFile);

async function seed(t: TestApp) {
  const db = t.database.db;
  const m = await createMunicipality(db);
  const names = ['Åby', 'Örby', 'Ystad', 'Ängen', 'Berga'];
  for (let k = 0; k < names.length; k++) await createDistrict(db, { municipality: m, name: names[k], population: 1000 + 400 * k, x: (k % 3) * 1000, y: Math.floor(k / 3) * 1000, size: 1000 });
  await createIncidents(db, m, [
    ...times(20, { at: '2025-03-15T12:00:00+01:00', x: 500, y: 500 }),
    ...times(3, { at: '2025-06-15T22:00:00+02:00', x: 1500, y: 500 }),
    ...times(40, { at: '2025-09-15T18:00:00+02:00', x: 2500, y: 500, category: 'klotter' }),
    ...times(9, { at: '2025-11-15T08:00:00+01:00', x: 500, y: 1500, source: 'municipality' }),
    ...times(12, { at: '2024-05-15T12:00:00+02:00', x: 500, y: 500 }),
  ]);
  await sql`INSERT INTO priority (municipality_code, title, owner, status, due_date) VALUES (${m}, 'Belysning i Ystad centrum', 'Tekniska nämnden', 'decided', '2026-06-30')`.execute(db);
}

for (const backend of testBackends()) {
  describe(`annual situation picture (${backend})`, () => {
    let t: TestApp;
    let analyst: Record<string, string>;
    let council: Record<string, string>;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await seed(t);
      analyst = await authHeaders(t, 'analyst');
      council = await authHeaders(t, 'council');
    });
    afterAll(async () => t?.close());

    const publish = (headers: Record<string, string>, payload: unknown) => t.app.inject({ method: 'POST', url: '/api/reports', headers, payload: payload as object });

    it('publishes numbered versions and keeps an earlier version unchanged when data changes', async () => {
      const first = await publish(analyst, { municipality: '0999', year: 2025 });
      expect(first.statusCode, first.body).toBe(201);
      const v1 = first.json();
      expect(v1.version).toBe(1);
      const aby = v1.content.kartlaggning.districts.find((d: { name: string }) => d.name === 'Åby');
      // An analyst sees protected categories with small counts suppressed, so published counts are rounded to 5.
      expect([aby.count, aby.previous_count]).toEqual([20, 10]);
      expect(v1.content.atgardsplan.priorities[0].title).toBe('Belysning i Ystad centrum');
      expect(v1.content.sources).toEqual({ used: ['municipality', 'police'], left_out: ['housing', 'security', 'transport', 'public'] });
      expect(v1.content.kartlaggning.arshjul.categories.find((c: { code: string }) => c.code === 'klotter').counts[8]).toBe(40);

      await createIncidents(t.database.db, '0999', times(5, { at: '2025-04-01T12:00:00+02:00', x: 500, y: 500 }));
      const v2 = (await publish(analyst, { municipality: '0999', year: 2025 })).json();
      expect(v2.version).toBe(2);
      expect(v2.content.kartlaggning.districts.find((d: { name: string }) => d.name === 'Åby').count).toBe(25);
      expect(v1.content.kartlaggning.districts.find((d: { name: string }) => d.name === 'Åby').count).toBe(20);
      const again = (await t.app.inject({ url: `/api/reports/${v1.id}`, headers: analyst })).json();
      expect(again.content).toEqual(v1.content);
    });

    it('builds the content for the role: a council member gets small counts suppressed and cannot open the analyst\'s version', async () => {
      const mine = (await publish(council, { municipality: '0999', year: 2025 })).json();
      const orby = mine.content.kartlaggning.districts.find((d: { name: string }) => d.name === 'Örby');
      expect([orby.count, orby.suppressed]).toEqual([null, true]);
      const analystVersion = (await publish(analyst, { municipality: '0999', year: 2025 })).json();
      expect((await t.app.inject({ url: `/api/reports/${analystVersion.id}`, headers: council })).statusCode).toBe(403);
      expect((await t.app.inject({ url: `/api/reports/${analystVersion.id}` })).statusCode).toBe(401);
    });

    for (const [payload, field] of [
      [{ municipality: '0999', year: 1999 }, 'year'], [{ municipality: '0999', year: '2025; DROP' }, 'year'], [{ municipality: '0999' }, 'year'],
      [{ municipality: '0999', year: 2025, extra: 1 }, 'extra'], [{ municipality: '99', year: 2025 }, 'municipality'], [{ municipality: '0999', year: 2199 }, 'year'],
    ] as const) {
      it(`refuses ${JSON.stringify(payload).slice(0, 50)} with a 400 naming ${field}, writing nothing`, async () => {
        const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM situation_report`.execute(t.database.db)).rows[0].n;
        const res = await publish(analyst, payload);
        expect(res.statusCode).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
        expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM situation_report`.execute(t.database.db)).rows[0].n).toBe(before);
      });
    }
    it('refuses an oversized body with 413', async () => {
      expect((await publish(analyst, { municipality: '0999', year: 2025, pad: 'x'.repeat(60_000) })).statusCode).toBe(413);
    });

    it('previews the report for the role without storing a version', async () => {
      const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM situation_report`.execute(t.database.db)).rows[0].n;
      const before = await count();
      const res = await t.app.inject({ url: '/api/reports/preview?municipality=0999&year=2025', headers: council });
      expect(res.statusCode, res.body).toBe(200);
      const orby = res.json().content.kartlaggning.districts.find((d: { name: string }) => d.name === 'Örby');
      expect([orby.count, orby.suppressed]).toEqual([null, true]);
      expect(await count()).toBe(before);
    });

    it('analyses the newest survey conducted by the end of the report\'s year, not a later one, else the nearest after it', async () => {
      const db = t.database.db;
      const add = async (name: string, from: string, to: string) =>
        sql`INSERT INTO survey (municipality_code, name, conducted_from, conducted_to) VALUES ('0999', ${name}, ${from}, ${to})`.execute(db);
      await add('Trygghetsmätning 2023', '2023-04-01', '2023-05-31');
      await add('Trygghetsmätning 2025', '2025-04-01', '2025-05-31');
      await add('Trygghetsmätning 2026', '2026-04-01', '2026-05-31');
      const survey = async (year: number) => (await t.app.inject({ url: `/api/reports/preview?municipality=0999&year=${year}`, headers: analyst })).json().content.analys.survey;
      expect((await survey(2025)).name).toBe('Trygghetsmätning 2025');
      expect((await survey(2024)).name).toBe('Trygghetsmätning 2023');
      expect((await survey(2022)).name).toBe('Trygghetsmätning 2023');
      await sql`DELETE FROM survey WHERE municipality_code = '0999' AND name LIKE 'Trygghetsmätning 20%'`.execute(db);
    });

    it('refuses a preview to the public and a malformed year naming it', async () => {
      expect((await t.app.inject({ url: '/api/reports/preview?municipality=0999&year=2025' })).statusCode).toBe(401);
      const bad = await t.app.inject({ url: '/api/reports/preview?municipality=0999&year=20x5', headers: analyst });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('year');
    });

    it('keeps the introduction and conclusion in the published version and prints them escaped', async () => {
      const introduction = 'Rådet har gått igenom läget.\n\nInbrotten <script>alert(1)</script> ökade i Åby.';
      const res = await publish(analyst, { municipality: '0999', year: 2025, introduction, conclusion: 'Belysningen prioriteras.' });
      expect(res.statusCode, res.body).toBe(201);
      const { id } = res.json();
      const stored = (await t.app.inject({ url: `/api/reports/${id}`, headers: analyst })).json();
      expect(stored.content.texts).toEqual({ introduction, conclusion: 'Belysningen prioriteras.' });
      const html = (await t.app.inject({ url: `/api/reports/${id}?format=html`, headers: analyst })).body;
      expect(html).toContain('<h2>Inledning</h2><p class="prose">Rådet har gått igenom läget.</p><p class="prose">Inbrotten &lt;script&gt;alert(1)&lt;/script&gt; ökade i Åby.</p>');
      expect(html).not.toContain('<script>');
      expect(html).toContain('<h2>Slutsatser</h2><p class="prose">Belysningen prioriteras.</p>');
    });

    it.each([
      [{ introduction: 'x'.repeat(5001) }, 'introduction'],
      [{ conclusion: 'slut\u0007' }, 'conclusion'],
      [{ introduction: { text: 'inbäddat' } }, 'introduction'],
    ])('refuses the texts %# with a 400 naming the field', async (texts, field) => {
      const res = await publish(analyst, { municipality: '0999', year: 2025, ...texts });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('lists the versions built for the viewer\'s role only, newest first', async () => {
      const planner = await authHeaders(t, 'planner');
      const made = (await publish(planner, { municipality: '0999', year: 2025 })).json();
      const mine = (await t.app.inject({ url: '/api/reports?municipality=0999&year=2025', headers: planner })).json();
      expect(mine.reports.map((r: { id: number }) => r.id)).toEqual([made.id]);
      const theirs = (await t.app.inject({ url: '/api/reports?municipality=0999', headers: analyst })).json();
      const versions = theirs.reports.map((r: { version: number }) => r.version);
      expect(versions.length).toBeGreaterThanOrEqual(2);
      expect(versions).toEqual([...versions].sort((a: number, b: number) => b - a));
      expect(theirs.reports.map((r: { id: number }) => r.id)).not.toContain(made.id);
      expect((await t.app.inject({ url: '/api/reports?municipality=0999' })).statusCode).toBe(401);
    });
  });
}

describe('annual situation picture as PDF (pglite, headless Chromium)', () => {
  let t: TestApp;
  let analyst: Record<string, string>;
  const dir = path.join(TEST_TMP, `report-pdf-${process.pid}`);

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await seed(t);
    analyst = await authHeaders(t, 'analyst');
    fs.mkdirSync(dir, { recursive: true });
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('renders every page with the cut-off and filters, and the first with map and legend colours', async () => {
    const payload = { municipality: '0999', year: 2025, introduction: 'Inledande text från rådet.', conclusion: 'Slutsatsen: belysning först.' };
    const { id } = (await t.app.inject({ method: 'POST', url: '/api/reports', headers: analyst, payload })).json();
    const started = performance.now();
    const res = await t.app.inject({ url: `/api/reports/${id}/pdf`, headers: analyst });
    const ms = performance.now() - started;
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(ms).toBeLessThan(60_000);
    const pdf = path.join(dir, 'report.pdf');
    fs.writeFileSync(pdf, res.rawPayload);
    const info = (await run('pdfinfo', [pdf])).stdout;
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let p = 1; p <= pages; p++) {
      const text = (await run('pdftotext', ['-f', String(p), '-l', String(p), '-layout', pdf, '-'])).stdout;
      expect(text, `page ${p}`).toMatch(/Dataläge: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
      expect(text, `page ${p}`).toMatch(/Filter: period 2025-01-01–2026-01-01/);
    }
    await run('pdftoppm', ['-f', '1', '-l', '1', '-r', '60', '-png', pdf, path.join(dir, 'page')]);
    const pngFile = fs.readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.png'))!;
    fs.mkdirSync(path.join(process.cwd(), 'test-artifacts'), { recursive: true });
    fs.copyFileSync(path.join(dir, pngFile), path.join(process.cwd(), 'test-artifacts', 'annual-report-page1.png'));
    const png = PNG.sync.read(fs.readFileSync(path.join(dir, pngFile)));
    const seen = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4) seen.add(`#${[0, 1, 2].map((c) => png.data[i + c].toString(16).padStart(2, '0')).join('')}`);
    const near = (hex: string) => [...seen].some((s) => [1, 3, 5].every((k) => Math.abs(parseInt(s.slice(k, k + 2), 16) - parseInt(hex.slice(k, k + 2), 16)) <= 6));
    // At least three of the map classes are drawn (districts and legend swatches).
    expect(MAP_COLOURS.filter(near).length).toBeGreaterThanOrEqual(3);
    const text = (await run('pdftotext', ['-f', '1', '-l', '1', pdf, '-'])).stdout;
    expect(text).toMatch(/Anmälda händelser per 1\s+000 invånare/);
    expect(text).toContain('Inledande text från rådet.');
    const all = (await run('pdftotext', [pdf, '-'])).stdout;
    expect(all).toContain('Slutsatsen: belysning först.');
  });

  it('stops a rendering that outlives its deadline with a 503 that names the HTML fallback, leaving no browser behind', async () => {
    const report = (await t.app.inject({ url: '/api/reports/preview?municipality=0999&year=2025', headers: analyst })).json();
    const error = await renderReportPdf(report.content, { version: 1, created_at: new Date().toISOString() }, 1).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'PDF_TIMEOUT' });
    expect((error as Error).message).toContain('?format=html');
    // The browser was closed: a normal rendering right after still works.
    const pdf = await renderReportPdf(report.content, { version: 1, created_at: new Date().toISOString() });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
