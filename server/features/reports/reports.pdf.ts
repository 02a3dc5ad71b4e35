import fs from 'node:fs';
import { AppError } from '../../infra/errors.ts';
import type { AnnualReportContent } from './reports.service.ts';

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '–' : v.toLocaleString('sv-SE', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** Map classes: a sequential blue–red ramp over rate per 1,000 (quantile breaks), grey for suppressed. */
export const MAP_COLOURS = ['#fee5d9', '#fcae91', '#fb6a4a', '#de2d26', '#a50f15'];
export const SUPPRESSED_COLOUR = '#bdbdbd';

function breaksOf(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return [];
  return [1, 2, 3, 4].map((k) => sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / 5))]);
}

function classOf(value: number, breaks: number[]): number {
  let k = 0;
  while (k < breaks.length && value >= breaks[k]) k++;
  return k;
}

type Ring = number[][];
function polygonsOf(geometry: { type: string; coordinates: unknown }): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates as Ring[]] : geometry.type === 'MultiPolygon' ? (geometry.coordinates as Ring[][]) : [];
}

/** The districts as an SVG choropleth of rate per 1,000 with its legend (equirectangular, scaled by cos latitude). */
export function renderMapSvg(content: AnnualReportContent): { svg: string; legend: string } {
  const stats = new Map(content.kartlaggning.districts.map((d) => [d.id, d]));
  const rates = content.kartlaggning.districts.map((d) => d.rate_per_1000).filter((r): r is number => r !== null);
  const breaks = breaksOf(rates);
  const all = content.map.districts.flatMap((d) => polygonsOf(d.geometry).flat(2));
  if (!all.length) return { svg: '<p>Inga områden.</p>', legend: '' };
  const lat0 = (Math.min(...all.map((p) => p[1])) + Math.max(...all.map((p) => p[1]))) / 2;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = all.map((p) => p[0] * k), ys = all.map((p) => -p[1]);
  const x0 = Math.min(...xs), y0 = Math.min(...ys), w = Math.max(...xs) - x0 || 1, h = Math.max(...ys) - y0 || 1;
  const W = 640, H = Math.round(Math.min(520, (W * h) / w));
  const s = Math.min(W / w, H / h);
  const paths = content.map.districts.map((d) => {
    const stat = stats.get(d.id);
    const fill = !stat || stat.rate_per_1000 === null ? SUPPRESSED_COLOUR : MAP_COLOURS[classOf(stat.rate_per_1000, breaks)];
    const path = polygonsOf(d.geometry).map((poly) => poly.map((ring) => `M${ring.map((p) => `${((p[0] * k - x0) * s).toFixed(1)},${((-p[1] - y0) * s).toFixed(1)}`).join('L')}Z`).join('')).join('');
    return `<path d="${path}" fill="${fill}" stroke="#333" stroke-width="0.8"><title>${esc(stat?.name)}</title></path>`;
  }).join('');
  const edges = [rates.length ? Math.min(...rates) : 0, ...breaks, rates.length ? Math.max(...rates) : 0];
  const legend = `<table class="legend"><caption>Anmälda händelser per 1 000 invånare ${esc(content.year)}</caption>${MAP_COLOURS.map((c, i) =>
    `<tr><td><span class="swatch" style="background:${c}"></span></td><td>${num(edges[i], 1)} – ${num(edges[i + 1], 1)}</td></tr>`).join('')}
    <tr><td><span class="swatch" style="background:${SUPPRESSED_COLOUR}"></span></td><td>Undertryckt (&lt;5) eller ingen befolkning</td></tr></table>`;
  return { svg: `<svg class="map" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg">${paths}</svg>`, legend };
}

/** The filters and data cut-off as one line: printed on every page (SPEC §7). */
export function statementLine(content: AnnualReportContent, version: number): string {
  const cutoff = content.data_cutoff_at.slice(0, 16).replace('T', ' ');
  return `Lägesbild ${content.municipality} ${content.year}, version ${version} · Dataläge: ${cutoff} UTC · Filter: period ${content.period.from}–${content.period.to} (t.o.m. dagen före), kategorier: alla som rollen ${content.filters.role} får se (${content.filters.categories.length}), källor: alla`;
}

/** Plain text as escaped paragraphs: a blank line starts a new one, a single line break stays a break. */
export function paragraphsHtml(text: string | undefined): string {
  return (text ?? '').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean).map((p) => `<p class="prose">${esc(p).replace(/\n/g, '<br>')}</p>`).join('');
}

/** The report as a printable HTML document (A4, print CSS); also used for the browser's print dialog. */
export function renderReportHtml(content: AnnualReportContent, meta: { version: number; created_at: string }): string {
  const { svg, legend } = renderMapSvg(content);
  const k = content.kartlaggning;
  const districtRows = k.districts.map((d) => `<tr><td>${esc(d.name)}</td><td class="n">${d.count === null ? '&lt;5' : num(d.count)}</td><td class="n">${num(d.rate_per_1000, 1)}</td><td class="n">${d.previous_count === null ? '–' : num(d.previous_count)}</td><td class="n">${d.change_pct === null ? '–' : `${num(d.change_pct, 0)} %`}${d.change_significant ? ' *' : ''}</td></tr>`).join('');
  const monthNames = ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];
  const wheel = k.arshjul.categories.map((c) => `<tr><td>${esc(c.name_sv)}</td>${c.counts.map((n) => `<td class="n">${n === null ? '&lt;5' : num(n)}</td>`).join('')}</tr>`).join('');
  const hourTotals = Array.from({ length: 24 }, (_, h) => k.weekday_hour.reduce((s, row) => s + (row[h] ?? 0), 0));
  const maxHour = Math.max(1, ...hourTotals);
  const hours = hourTotals.map((n, h) => `<div class="bar" style="height:${Math.round((60 * n) / maxHour)}px" title="${h}"></div>`).join('');
  const group = (r: { groups: { key: Record<string, unknown>; n: number | null; suppressed: boolean; indicators: unknown }[] } | undefined, keyName: string) =>
    (r?.groups ?? []).map((g) => {
      const share = (g.indicators as { otrygg?: { share?: number | null } } | null)?.otrygg?.share;
      return `<tr><td>${esc(g.key[keyName] ?? 'alla')}</td><td class="n">${g.suppressed ? 'färre än 10' : num(g.n)}</td><td class="n">${share === undefined || share === null ? '–' : `${num(share * 100, 0)} %`}</td></tr>`;
    }).join('');
  const survey = content.analys.survey;
  const priorities = content.atgardsplan.priorities.map((p) => `<li><b>${esc(p.title)}</b>${p.owner ? ` — ${esc(p.owner)}` : ''}${p.due_date ? `, senast ${esc(p.due_date)}` : ''}${p.rationale ? `<br><span class="muted">${esc(p.rationale)}</span>` : ''}</li>`).join('');
  const actions = content.atgardsplan.actions.map((a) => `<li><b>${esc(a.title)}</b>${a.responsible ? ` — ${esc(a.responsible)}` : ''} (${esc(a.start_date ?? '?')}–${esc(a.end_date ?? '')})</li>`).join('');
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Lägesbild ${esc(content.year)}</title><style>
  @page { size: A4; margin: 22mm 16mm 22mm 16mm; }
  body { font-family: 'Liberation Sans', Arial, sans-serif; font-size: 10.5pt; color: #1d2330; }
  h1 { font-size: 20pt; margin: 0 0 4mm; } h2 { font-size: 14pt; margin: 6mm 0 2mm; border-bottom: 1px solid #8a94a3; break-after: avoid; }
  table { border-collapse: collapse; margin: 2mm 0; } td, th { padding: 1px 6px; border-bottom: 1px solid #e3e6ea; text-align: left; }
  td.n, th.n { text-align: right; } .muted { color: #55606e; } .statement { font-size: 9pt; color: #55606e; }
  .swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #555; }
  .legend caption { text-align: left; font-weight: bold; } .mapbox { display: flex; gap: 6mm; align-items: flex-start; break-inside: avoid; }
  .hours { display: flex; align-items: flex-end; gap: 2px; height: 62px; } .bar { width: 14px; background: #2e6b9e; }
  section { break-inside: auto; } .page-break { break-before: page; } .prose { max-width: 165mm; line-height: 1.4; }
</style></head><body>
  <h1>Lägesbild ${esc(content.year)} — ${esc(content.municipality)}</h1>
  <p class="statement">${esc(statementLine(content, meta.version))}. Publicerad ${esc(meta.created_at.slice(0, 10))}. Innehållet följer rollen ${esc(content.filters.role)}: antal 1–4 visas som &lt;5.</p>
  ${content.texts?.introduction ? `<h2>Inledning</h2>${paragraphsHtml(content.texts.introduction)}` : ''}
  <h2>Kartläggning</h2>
  <div class="mapbox">${svg}${legend}</div>
  <table><thead><tr><th>Område</th><th class="n">Antal ${esc(content.year)}</th><th class="n">Per 1 000</th><th class="n">Året före</th><th class="n">Förändring</th></tr></thead><tbody>${districtRows}</tbody></table>
  <p class="muted">* statistiskt säkerställd förändring (exakt test av två Poissonfördelade antal, p &lt; 0,05). Utan koordinater: ${k.unlocated === null ? '&lt;5' : num(k.unlocated)}.</p>
  ${k.police_initiated_note.map((n) => `<p class="muted">${esc(n)}</p>`).join('')}
  <h2 class="page-break">Årshjul</h2>
  <table><thead><tr><th>Kategori</th>${monthNames.map((m) => `<th class="n">${m}</th>`).join('')}</tr></thead><tbody>${wheel}</tbody></table>
  <h2>Tid på dygnet</h2><div class="hours">${hours}</div><p class="muted">Timme 0–23, alla veckodagar (Europe/Stockholm).</p>
  <h2>Analys</h2>
  <p>${content.analys.hotspots ? `Hotspots (Getis–Ord Gi*, ${content.analys.hotspots.cell_m} m hexagoner): ${content.analys.hotspots.hot} signifikant heta och ${content.analys.hotspots.cold} kalla celler av ${content.analys.hotspots.cells}.` : 'Hotspotceller ingår inte för denna roll.'}</p>
  ${survey ? `<h3>Trygghetsmätning: ${esc(survey.name)} — andel otrygga en sen kväll</h3>
  <table><thead><tr><th>Kön</th><th class="n">n</th><th class="n">Otrygga</th></tr></thead><tbody>${group(survey.by_gender as never, 'gender')}</tbody></table>
  <table><thead><tr><th>Åldersgrupp</th><th class="n">n</th><th class="n">Otrygga</th></tr></thead><tbody>${group(survey.by_age_group as never, 'age_group')}</tbody></table>` : '<p>Ingen trygghetsmätning finns.</p>'}
  <h2>Källor</h2>
  <p>Använda: ${esc(content.sources.used.join(', ') || 'inga')}. Utelämnade (inga uppgifter): ${esc(content.sources.left_out.join(', ') || 'inga')}.</p>
  <h2>Åtgärdsplan</h2>
  <h3>Beslutade prioriteringar</h3>${priorities ? `<ul>${priorities}</ul>` : '<p>Inga beslutade prioriteringar.</p>'}
  <h3>Insatser</h3>${actions ? `<ul>${actions}</ul>` : '<p>Inga insatser registrerade för året.</p>'}
  ${content.texts?.conclusion ? `<h2>Slutsatser</h2>${paragraphsHtml(content.texts.conclusion)}` : ''}
</body></html>`;
}

/** Chromium for server-side PDF (the browser's print dialog on the HTML is the fallback without it). */
export function chromiumPath(): string | null {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return fs.existsSync(p) ? p : null;
}

/** How long a PDF may take to render before Chromium is stopped (the demo's report takes a few seconds). */
const PDF_DEADLINE_MS = 90_000;

/** Renders the report to PDF in headless Chromium, with the statement (date, cut-off, filters) in every page's footer. */
export async function renderReportPdf(
  content: AnnualReportContent, meta: { version: number; created_at: string }, deadlineMs = PDF_DEADLINE_MS,
): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new AppError(503, 'PDF_UNAVAILABLE', 'PDF needs Chromium on the server; open the report as HTML (?format=html) and print it from the browser');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // A Chromium that stops answering must not hold the request for ever: the rendering gets a deadline, after
  // which the browser is closed (its pending calls fail) and the caller gets a clear 503.
  let late = false;
  const deadline = setTimeout(() => { late = true; void browser.close().catch(() => undefined); }, deadlineMs);
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(deadlineMs);
    // Nothing outside the document: the report is self-contained (inline SVG and CSS).
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(renderReportHtml(content, meta), { waitUntil: 'load' });
    const footer = `<div style="font-size:7pt;width:100%;padding:0 16mm;color:#55606e;font-family:'Liberation Sans',Arial,sans-serif">${esc(statementLine(content, meta.version))} · sida <span class="pageNumber"></span> av <span class="totalPages"></span></div>`;
    const pdf = await page.pdf({
      format: 'A4', printBackground: true, displayHeaderFooter: true,
      headerTemplate: `<div style="font-size:7pt;width:100%;padding:0 16mm;font-family:'Liberation Sans',Arial,sans-serif">Lägesbild ${esc(content.municipality)} ${esc(content.year)} · utskriven <span class="date"></span></div>`,
      footerTemplate: footer,
      margin: { top: '22mm', bottom: '22mm', left: '16mm', right: '16mm' },
    });
    return Buffer.from(pdf);
  } catch (error) {
    if (late) throw new AppError(503, 'PDF_TIMEOUT', `PDF rendering took longer than ${deadlineMs / 1000} s; open the report as HTML (?format=html) and print it from the browser`);
    throw error;
  } finally {
    clearTimeout(deadline);
    await Promise.race([browser.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
}
