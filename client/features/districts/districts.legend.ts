import { t, type Lang } from '../../i18n.ts';
import type { Metric } from '../../state/view.ts';
import { CHANGE_BREAKS, DIVERGING_7, NO_DATA, colorFor } from '../../ui/color-scale.ts';
import { formatNumber } from '../../ui/format.ts';
import type { LegendModel } from '../../ui/legend.ts';

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
