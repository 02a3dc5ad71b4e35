import { isPartialMonth } from '../../../shared/time.ts';
import type { Availability } from '../../api/http.ts';
import { t, tx, type Lang } from '../../i18n.ts';
import { heatTable, shareBars, sparkline, yearWheel } from '../../ui/charts.ts';
import { escapeHtml, formatChange, formatNumber, formatPeriod } from '../../ui/format.ts';
import type { ShareRow } from '../surveys/surveys.api.ts';
import type { TimePatterns } from '../time-patterns/time-patterns.api.ts';
import type { DistrictStat, DistrictStats } from './districts.api.ts';

/** The panel's sections that load on their own after the numbers. */
export const PANEL_SECTIONS = ['trend', 'categories', 'weekday-hour', 'year-wheel', 'survey', 'discrepancy'] as const;
export type PanelSection = (typeof PANEL_SECTIONS)[number];

/** A section's state: its availability and, when ready, its HTML. */
export interface SectionState { status: Availability; html?: string; message?: string }

/** The side panel of one district: its numbers for the period and against the comparison period. */
export function renderDistrictNumbers(stat: DistrictStat, stats: DistrictStats, lang: Lang): string {
  const count = stat.suppressed && stat.count === null ? '&lt;5' : formatNumber(stat.count, lang);
  const significance = stat.change_significant === null
    ? ''
    : `<span class="badge ${stat.change_significant ? 'badge-strong' : ''}">${t(lang, stat.change_significant ? 'significant' : 'notSignificant')}</span>`;
  return `
    <p class="muted">${t(lang, `kind_${stat.kind}` as 'kind_stadsdel')} · ${formatPeriod(stats.period, lang)}</p>
    <dl class="numbers">
      <dt>${t(lang, 'count')}</dt><dd data-field="count">${count}</dd>
      <dt>${t(lang, 'rate')}</dt><dd data-field="rate">${formatNumber(stat.rate_per_1000, lang, 1)}</dd>
      <dt>${t(lang, 'population')}</dt><dd data-field="population">${formatNumber(stat.population, lang)}</dd>
      <dt>${t(lang, 'previous')} <span class="muted small">${formatPeriod(stats.comparison, lang)}</span></dt>
      <dd data-field="previous">${stat.previous_count === null && stat.suppressed ? '&lt;5' : formatNumber(stat.previous_count, lang)}</dd>
      <dt>${t(lang, 'change')}</dt><dd data-field="change">${formatChange(stat.change_pct, lang)} ${significance}</dd>
      <dt>${t(lang, 'pValue')}</dt><dd data-field="p">${stat.p_value === null ? '–' : stat.p_value < 0.001 ? (lang === 'sv' ? '&lt; 0,001' : '&lt; 0.001') : formatNumber(stat.p_value, lang, 3)}</dd>
    </dl>`;
}

/** The panel frame: heading, close button, numbers and one empty slot per section (filled as each loads). */
export function renderPanelFrame(stat: DistrictStat, stats: DistrictStats, lang: Lang): string {
  const titles: Record<PanelSection, string> = {
    trend: t(lang, 'monthlyTrend'), categories: t(lang, 'topCategories'), 'weekday-hour': t(lang, 'weekdayHour'),
    'year-wheel': t(lang, 'yearWheel'), survey: t(lang, 'surveyResults'), discrepancy: t(lang, 'discrepancy'),
  };
  return `
    <div class="panel-head">
      <h2 id="panel-title">${escapeHtml(stat.name)}</h2>
      <button type="button" class="close" data-action="close-panel" aria-label="${t(lang, 'close')}">×</button>
    </div>
    <div data-part="numbers">${renderDistrictNumbers(stat, stats, lang)}</div>
    ${PANEL_SECTIONS.map((s) => `<section class="panel-section" data-section="${s}" aria-busy="true"><h3>${titles[s]}</h3><div class="section-body"><p class="muted">${t(lang, 'loading')}</p></div></section>`).join('')}`;
}

/** A section's body for its state: the chart, or a plain sentence saying why there is none. */
export function sectionBody(state: SectionState, lang: Lang): string {
  switch (state.status) {
    case 'loading': return `<p class="muted">${t(lang, 'loading')}</p>`;
    case 'ready': return state.html ?? '';
    case 'unavailable': return `<p class="muted state-unavailable">${t(lang, 'notAvailable')}</p>`;
    case 'forbidden': return `<p class="muted state-forbidden">${t(lang, 'notPermitted')}</p>`;
    case 'error': return `<p class="state-error">${t(lang, 'loadError')}${state.message ? `: ${escapeHtml(state.message)}` : ''}</p>`;
  }
}

/**
 * The monthly trend as a sparkline with its first and last month named. Months the period covers only in part
 * (typically the current one, and the first of a rolling period) are left out — drawn, they would plunge as if
 * incidents had dropped — and a line under the chart names them.
 */
export function trendHtml(time: TimePatterns, lang: Lang): string {
  const period = time.period;
  const complete = period ? time.monthly.filter((m) => !isPartialMonth(m.month, period)) : time.monthly;
  const omitted = time.monthly.filter((m) => !complete.includes(m)).map((m) => m.month);
  const note = omitted.length ? `<p class="small muted" data-part="partial-months">${t(lang, 'partialMonthsOmitted')}: ${omitted.join(', ')}</p>` : '';
  if (!complete.length) return `<p class="muted">${t(lang, 'empty')}</p>${note}`;
  const values = complete.map((m) => m.count);
  const first = complete[0], last = complete[complete.length - 1];
  return `${sparkline(values, { title: `${t(lang, 'monthlyTrend')}: ${first.month} – ${last.month}` })}
    <p class="small muted chart-axis"><span>${first.month}</span><span>${last.month}: <strong>${last.count === null ? '&lt;5' : formatNumber(last.count, lang)}</strong></span></p>${note}`;
}

/** The weekday × hour heat table. */
export function weekdayHourHtml(time: TimePatterns, lang: Lang): string {
  if (time.weekday_hour.length !== 7) return `<p class="muted">${t(lang, 'noData')}</p>`;
  return `<div class="table-scroll">${heatTable(time.weekday_hour, t(lang, 'weekdays').split(','), t(lang, 'weekdayHour'))}</div>`;
}

/** The årshjul. */
export function yearWheelHtml(time: TimePatterns, lang: Lang): string {
  return yearWheel(time.byCalendarMonth, t(lang, 'months').split(','), t(lang, 'yearWheel'));
}

/** Top categories as a small table (count and share of the district's total). */
export function topCategoriesHtml(rows: { code: string; name: string; count: number | null }[], lang: Lang, policeInitiated: Set<string>): string {
  const known = rows.filter((r) => r.count !== null && r.count > 0).sort((a, b) => b.count! - a.count!).slice(0, 6);
  if (!known.length) return `<p class="muted">${t(lang, 'empty')}</p>`;
  const total = known.reduce((s, r) => s + r.count!, 0);
  const note = known.some((r) => policeInitiated.has(r.code)) ? `<p class="small muted">${t(lang, 'policeInitiatedNote')}</p>` : '';
  return `<table class="top-categories"><tbody>${known.map((r) => `<tr><th scope="row">${escapeHtml(r.name)}${policeInitiated.has(r.code) ? ' †' : ''}</th><td>${formatNumber(r.count, lang)}</td><td class="muted">${formatNumber((100 * r.count!) / total, lang)} %</td></tr>`).join('')}</tbody></table>${note}`;
}

/** Survey shares by gender and by age group, with 95 % intervals and n. */
export function surveyHtml(rows: ShareRow[], districtId: number, lang: Lang): string {
  const mine = rows.filter((r) => r.indicator === 'otrygg_kvall' && (r.district_id === districtId || r.district_id === null));
  const pct = (v: number) => `${formatNumber(v * 100, lang)} %`;
  const asRows = (list: ShareRow[], label: (r: ShareRow) => string) =>
    list.map((r) => ({ label: label(r), share: r.share, low: r.ci_low, high: r.ci_high, n: r.n, suppressed: r.suppressed }));
  const byGender = mine.filter((r) => r.gender !== null && r.age_group === null);
  const byAge = mine.filter((r) => r.age_group !== null && r.gender === null).sort((a, b) => a.age_group!.localeCompare(b.age_group!));
  if (!byGender.length && !byAge.length) return `<p class="muted">${t(lang, 'noData')}</p>`;
  const suppressedText = lang === 'sv' ? 'för få svar' : 'too few answers';
  return `<p class="small muted">${t(lang, 'shareUnsafe')} · ${t(lang, 'ci')}</p>
    ${byGender.length ? `<h4>${t(lang, 'byGender')}</h4>${shareBars(asRows(byGender, (r) => tx(lang, `group_${r.gender}`)), t(lang, 'byGender'), pct, suppressedText)}` : ''}
    ${byAge.length ? `<h4>${t(lang, 'byAge')}</h4>${shareBars(asRows(byAge, (r) => r.age_group!), t(lang, 'byAge'), pct, suppressedText)}` : ''}`;
}

/** The district's säkerhet–trygghet class with the levels behind it (and the API's description of the class). */
export function discrepancyHtml(row: { class: string; incident_level: string | null; perceived_level: string | null; share_otrygg: number | null; survey_n: number | null } | undefined, descriptions: Record<string, string>, lang: Lang): string {
  if (!row) return `<p class="muted">${t(lang, 'noData')}</p>`;
  const level = (v: string | null) => (v === null ? '–' : lang === 'sv' ? (v === 'high' ? 'hög' : 'låg') : v);
  const share = row.share_otrygg === null ? '–' : `${formatNumber(row.share_otrygg * 100, lang)} %`;
  return `<p data-field="discrepancy"><strong>${escapeHtml(tx(lang, `disc_${row.class}`))}</strong></p>
    <p class="small">${lang === 'sv' ? 'Händelsenivå' : 'Incident level'}: ${level(row.incident_level)} · ${lang === 'sv' ? 'Otrygghet' : 'Unsafety'}: ${level(row.perceived_level)} (${share}${row.survey_n !== null ? `, n=${row.survey_n}` : ''})</p>
    ${descriptions[row.class] && lang === 'en' ? `<p class="small muted">${escapeHtml(descriptions[row.class])}</p>` : ''}`;
}
