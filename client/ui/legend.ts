import { t, type Lang } from '../i18n.ts';
import { NO_DATA, colorFor } from './color-scale.ts';
import { formatNumber } from './format.ts';

const swatch = (rgb: number[]) => `<span class="swatch" style="background: rgb(${rgb.join(',')})"></span>`;

/** Legend of the district choropleth: one row per class, plus "no data". */
export function renderLegend(breaks: number[], maxValue: number | null, lang: Lang, unlocated: number | null): string {
  const bounds = [0, ...breaks];
  const rows = bounds.map((low, i) => {
    const high = i < breaks.length ? breaks[i] : maxValue;
    const label = high === null ? `≥ ${formatNumber(low, lang, 1)}` : `${formatNumber(low, lang, 1)} – ${formatNumber(high, lang, 1)}`;
    return `<li>${swatch(colorFor(low, breaks))}${label}</li>`;
  });
  rows.push(`<li>${swatch(NO_DATA)}${t(lang, 'suppressed')} / ${t(lang, 'noPopulation')}</li>`);
  const unlocatedLine = unlocated === null ? '' : `<p class="muted small">${formatNumber(unlocated, lang)} ${t(lang, 'unlocated')}</p>`;
  return `<h2>${t(lang, 'legendTitle')}</h2><ul class="legend-rows">${rows.join('')}</ul>${unlocatedLine}`;
}
