import { t, type Lang } from '../../i18n.ts';
import { escapeHtml, formatChange, formatNumber, formatPeriod } from '../../ui/format.ts';
import type { DistrictStat, DistrictStats } from './districts.api.ts';

/** The side panel of one district: its numbers for the period and against the comparison period. */
export function renderDistrictPanel(stat: DistrictStat, stats: DistrictStats, lang: Lang): string {
  const count = stat.suppressed ? '&lt;5' : formatNumber(stat.count, lang);
  const significance = stat.change_significant === null
    ? ''
    : `<span class="badge ${stat.change_significant ? 'badge-strong' : ''}">${t(lang, stat.change_significant ? 'significant' : 'notSignificant')}</span>`;
  return `
    <div class="panel-head">
      <h2 id="panel-title">${escapeHtml(stat.name)}</h2>
      <button type="button" class="close" data-action="close-panel" aria-label="${t(lang, 'close')}">×</button>
    </div>
    <p class="muted">${t(lang, `kind_${stat.kind}` as 'kind_stadsdel')} · ${formatPeriod(stats.period, lang)}</p>
    <dl class="numbers">
      <dt>${t(lang, 'count')}</dt><dd data-field="count">${count}</dd>
      <dt>${t(lang, 'rate')}</dt><dd data-field="rate">${formatNumber(stat.rate_per_1000, lang, 1)}</dd>
      <dt>${t(lang, 'population')}</dt><dd data-field="population">${formatNumber(stat.population, lang)}</dd>
      <dt>${t(lang, 'previous')} <span class="muted small">${formatPeriod(stats.comparison, lang)}</span></dt>
      <dd data-field="previous">${stat.previous_count === null && stat.suppressed ? '&lt;5' : formatNumber(stat.previous_count, lang)}</dd>
      <dt>${t(lang, 'change')}</dt><dd data-field="change">${formatChange(stat.change_pct, lang)} ${significance}</dd>
      <dt>${t(lang, 'pValue')}</dt><dd data-field="p">${stat.p_value === null ? '–' : stat.p_value < 0.001 ? '&lt; 0,001' : formatNumber(stat.p_value, lang, 3)}</dd>
    </dl>`;
}
