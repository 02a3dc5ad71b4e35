import { t, type Lang } from '../../i18n.ts';
import { OKABE_ITO, colorFor } from '../../ui/color-scale.ts';
import { formatNumber } from '../../ui/format.ts';
import type { LegendModel } from '../../ui/legend.ts';

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
