import { t, type Lang } from '../../i18n.ts';
import { NO_DATA, shareColor } from '../../ui/color-scale.ts';
import type { LegendModel } from '../../ui/legend.ts';

/** Legend model of the survey share (fixed 10-point classes). */
export function surveyLegend(lang: Lang, groupLabel: string): LegendModel {
  const rows = [0, 10, 20, 30, 40].map((low, i, a) => ({ color: shareColor((low + 1) / 100), label: i === a.length - 1 ? `≥ ${low} %` : `${low} – ${a[i + 1]} %` }));
  rows.push({ color: NO_DATA, label: lang === 'sv' ? 'för få svar (n < 10)' : 'too few answers (n < 10)' });
  return { title: `${t(lang, 'shareUnsafe')} · ${groupLabel}`, rows, notes: [] };
}
