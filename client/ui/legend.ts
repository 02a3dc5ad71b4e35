import { t, tx, type Lang } from '../i18n.ts';
import type { Metric } from '../state/view.ts';
import { CHANGE_BREAKS, DIVERGING_7, HOTSPOT_CLASSES, HOTSPOT_COLORS, NO_DATA, OKABE_ITO, colorFor, css, shareColor, DISCREPANCY_CLASSES, DISCREPANCY_COLORS, type Rgb } from './color-scale.ts';
import { escapeHtml, formatNumber } from './format.ts';

const swatch = (rgb: Rgb, extra = '') => `<span class="swatch" style="background:${css(rgb)}${extra}"></span>`;

/** One legend: a title and rows of swatch + label (also what the PNG export draws). */
export interface LegendModel { title: string; rows: { color: Rgb; label: string; outline?: boolean }[]; notes: string[] }

/** Legend model of the district choropleth for a metric. */
export function choroplethLegend(metric: Metric, breaks: number[], maxValue: number | null, lang: Lang, unlocated: number | null): LegendModel {
  const notes: string[] = [];
  if (unlocated !== null) notes.push(`${formatNumber(unlocated, lang)} ${t(lang, 'unlocated')}`);
  if (metric === 'change') {
    const bounds = [-Infinity, ...CHANGE_BREAKS];
    const rows: LegendModel['rows'] = DIVERGING_7.map((color, i) => {
      const low = bounds[i], high = CHANGE_BREAKS[i];
      const label = i === 0 ? `< ${formatNumber(high, lang)} %` : high === undefined ? `≥ ${formatNumber(low, lang)} %` : `${formatNumber(low, lang)} – ${formatNumber(high, lang)} %`;
      return { color, label };
    });
    rows.push({ color: NO_DATA, label: `${t(lang, 'suppressed')} / ${t(lang, 'noChange')}` });
    rows.push({ color: [255, 255, 255], label: t(lang, 'significantMark'), outline: true });
    return { title: t(lang, 'legendChange'), rows, notes };
  }
  const decimals = metric === 'rate' ? 1 : 0;
  const bounds = [0, ...breaks];
  const rows = bounds.map((low, i) => {
    const high = i < breaks.length ? breaks[i] : maxValue;
    const label = high === null ? `≥ ${formatNumber(low, lang, decimals)}` : `${formatNumber(low, lang, decimals)} – ${formatNumber(high, lang, decimals)}`;
    return { color: colorFor(low, breaks), label };
  });
  rows.push({ color: NO_DATA, label: metric === 'rate' ? `${t(lang, 'suppressed')} / ${t(lang, 'noPopulation')}` : t(lang, 'suppressed') });
  return { title: t(lang, metric === 'rate' ? 'legendTitle' : 'legendCount'), rows, notes };
}

/** Legend model of the Gi* hotspot classes. */
export function hotspotLegend(lang: Lang, withEmerging = false): LegendModel {
  const notes = withEmerging ? [`${t(lang, 'emerging')}: ${t(lang, 'emergingSymbols')}`] : [];
  return { title: t(lang, 'layer_hotspots'), rows: HOTSPOT_CLASSES.filter((c) => c !== 'ns').map((c) => ({ color: HOTSPOT_COLORS[c], label: tx(lang, c) })), notes };
}

/** Legend model of the unsafe-place reasons (Okabe–Ito). */
export function markLegend(reasons: readonly string[], lang: Lang): LegendModel {
  return { title: t(lang, 'layer_marks'), rows: reasons.map((r, i) => ({ color: OKABE_ITO[i % OKABE_ITO.length], label: tx(lang, `reason_${r}`) })), notes: [] };
}

/** Legend model of the survey share (fixed 10-point classes). */
export function surveyLegend(lang: Lang, groupLabel: string): LegendModel {
  const rows = [0, 10, 20, 30, 40].map((low, i, a) => ({ color: shareColor((low + 1) / 100), label: i === a.length - 1 ? `≥ ${low} %` : `${low} – ${a[i + 1]} %` }));
  rows.push({ color: NO_DATA, label: lang === 'sv' ? 'för få svar (n < 10)' : 'too few answers (n < 10)' });
  return { title: `${t(lang, 'shareUnsafe')} · ${groupLabel}`, rows, notes: [] };
}

/** Legend model of the discrepancy classes present. */
export function discrepancyLegend(lang: Lang): LegendModel {
  return { title: t(lang, 'layer_discrepancy'), rows: DISCREPANCY_CLASSES.map((c) => ({ color: DISCREPANCY_COLORS[c], label: tx(lang, `disc_${c}`) })), notes: [] };
}

/** Legend model of heatmap density. */
export function heatmapLegend(lang: Lang): LegendModel {
  return { title: t(lang, 'layer_heatmap'), rows: [{ color: [255, 255, 178], label: lang === 'sv' ? 'låg täthet' : 'low density' }, { color: [189, 0, 38], label: lang === 'sv' ? 'hög täthet' : 'high density' }], notes: [] };
}

/** Legend of counted incident cells: one row per count class (breaks as from countBreaks), the cell size in the title. */
export function cellLegend(breaks: number[], max: number, cellM: number, lang: Lang): LegendModel {
  const lows = max >= 1 ? [1, ...breaks] : [];
  const rows = lows.map((low, i) => {
    const high = i < breaks.length ? breaks[i] - 1 : max;
    const label = low === high ? formatNumber(low, lang) : `${formatNumber(low, lang)}–${formatNumber(high, lang)}`;
    return { color: colorFor(low, breaks), label };
  });
  const size = `${formatNumber(cellM, lang)} × ${formatNumber(cellM, lang)} m`;
  return { title: lang === 'sv' ? `Händelser per ruta (${size})` : `Incidents per cell (${size})`, rows, notes: [] };
}

/** Legend of single incident dots: their category colours, in the order of the points' category list. */
export function dotLegend(categoryNames: string[], lang: Lang): LegendModel {
  const rows = categoryNames.map((label, i) => ({ color: OKABE_ITO[i % OKABE_ITO.length], label }));
  const notes = categoryNames.length > OKABE_ITO.length ? [lang === 'sv' ? 'färgerna upprepas: välj färre kategorier för att skilja dem åt' : 'colours repeat: choose fewer categories to tell them apart'] : [];
  return { title: lang === 'sv' ? 'Händelser efter kategori' : 'Incidents by category', rows, notes };
}

/** A legend model as HTML. */
export function renderLegendHtml(model: LegendModel): string {
  const rows = model.rows.map((r) => `<li>${swatch(r.color, r.outline ? ';border:3px solid #141414' : '')}${escapeHtml(r.label)}</li>`).join('');
  const notes = model.notes.map((n) => `<p class="muted small">${escapeHtml(n)}</p>`).join('');
  return `<h2>${escapeHtml(model.title)}</h2><ul class="legend-rows">${rows}</ul>${notes}`;
}
