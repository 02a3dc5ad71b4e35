import { GI_CLASSES } from '../../../shared/constants.ts';
import { t, tx, type Lang } from '../../i18n.ts';
import { heatTable, sparkline } from '../../ui/charts.ts';
import { escapeHtml, formatChange, formatNumber, formatPeriod } from '../../ui/format.ts';
import type { Council, DistrictSituation, Meeting, MeetingHead, Priority, Share, Situation } from './meetings.api.ts';

// The hot Gi* classes, strongest first, as the situation counts them per district.
const HOT_CLASSES = GI_CLASSES.filter((c) => c.startsWith('hot'));

/** The presentation's slides: an overview, one per agenda district, and the decided priorities. */
export type Slide = { kind: 'overview' } | { kind: 'district'; index: number } | { kind: 'priorities' };

/** The slides of a meeting whose situation has `districts` agenda items. */
export function slidesOf(districts: number): Slide[] {
  return [{ kind: 'overview' }, ...Array.from({ length: districts }, (_, index) => ({ kind: 'district' as const, index })), { kind: 'priorities' }];
}

/** The slide a key moves to from `current` (arrows, Page Up/Down, space, Home, End); null = not a navigation key. */
export function stepAgenda(current: number, key: string, count: number): number | null {
  const last = count - 1;
  if (key === 'ArrowRight' || key === 'ArrowDown' || key === 'PageDown' || key === ' ') return Math.min(last, current + 1);
  if (key === 'ArrowLeft' || key === 'ArrowUp' || key === 'PageUp') return Math.max(0, current - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return last;
  return null;
}

const pct = (v: number | null | undefined, lang: Lang) => (v === null || v === undefined ? '–' : `${formatNumber(v * 100, lang, 0)} %`);
const dateText = (iso: string, lang: Lang) => new Date(iso).toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Stockholm' });

/** "As of <cut-off>" for a closed meeting, or that the numbers are live. */
export function asOfText(cutoff: string | null, frozen: boolean, lang: Lang): string {
  if (!frozen) return t(lang, 'mt_live');
  return `${t(lang, 'mt_asOf')} ${cutoff ? dateText(cutoff, lang) : '–'}`;
}

function shareLine(label: string, s: Share | null, n: number | null, lang: Lang): string {
  return `<li><span>${escapeHtml(label)}</span> <strong>${s ? pct(s.share, lang) : t(lang, 'suppressed').replace('5', '10')}</strong>${s && n ? ` <small>(n = ${n}, ${pct(s.low, lang)}–${pct(s.high, lang)})</small>` : ''}</li>`;
}

/** One district's situation picture: trend with significance, hotspots, weekday × hour, survey by gender and age, the class, actions and promises. */
export function districtSlideHtml(d: DistrictSituation, situation: Situation, lang: Lang): string {
  const s = d.stats;
  const trend = s
    ? `<div class="mt-big"><span class="mt-figure" data-part="count">${s.count === null ? t(lang, 'suppressed') : formatNumber(s.count, lang)}</span>
        <span class="mt-unit">${t(lang, 'count')}</span></div>
       <p>${t(lang, 'rate')}: <strong>${formatNumber(s.rate_per_1000, lang, 1)}</strong> · ${t(lang, 'change')}: <strong data-part="change">${formatChange(s.change_pct, lang)}</strong>
        (${s.change_significant === null ? t(lang, 'noChange') : s.change_significant ? t(lang, 'significant') : t(lang, 'notSignificant')}${s.p_value !== null ? `, ${t(lang, 'pValue')} ${formatNumber(s.p_value, lang, 3)}` : ''})</p>`
    : `<p>${t(lang, 'notPermitted')}</p>`;
  const monthly = d.time ? sparkline(d.time.monthly.map((m) => m.count), { width: 520, height: 90, title: t(lang, 'monthlyTrend') }) : '';
  const heat = d.time ? heatTable(d.time.weekday_hour.map((row) => row.map((v) => v ?? 0)), t(lang, 'weekdays').split(','), t(lang, 'weekdayHour')) : '';
  const hot = d.hotspots;
  const hotText = !hot ? t(lang, 'notPermitted')
    : HOT_CLASSES.some((c) => hot.counts[c])
      ? HOT_CLASSES.filter((c) => hot.counts[c]).map((c) => `${tx(lang, c)}: ${hot.counts[c]} ${t(lang, 'mt_cells')}`).join(' · ')
      : t(lang, 'mt_noHotspots');
  const survey = d.survey
    ? `<ul class="mt-shares">${shareLine(t(lang, 'group_all'), d.survey.district.otrygg, d.survey.district.n, lang)}
        ${d.survey.by_gender.map((g) => shareLine(tx(lang, `group_${g.gender}`), g.otrygg, g.n, lang)).join('')}
        ${d.survey.by_age_group.map((g) => shareLine(g.age_group ?? '–', g.otrygg, g.n, lang)).join('')}</ul>`
    : `<p>${t(lang, 'noData')}</p>`;
  const list = (items: { title: string; status: string }[]) => items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i.title)} <small>(${escapeHtml(i.status)})</small></li>`).join('')}</ul>` : `<p>${t(lang, 'mt_none')}</p>`;
  return `<article class="mt-district" data-district="${d.id}">
    <h2>${escapeHtml(d.name)} <small>${escapeHtml(tx(lang, `kind_${d.kind}`))}</small></h2>
    <div class="mt-grid">
      <section><h3>${t(lang, 'mt_trend')}</h3>${trend}${monthly}</section>
      <section><h3>${t(lang, 'mt_hotspots')}</h3><p data-part="hotspots">${hotText}</p>
        <h3>${t(lang, 'discrepancy')}</h3><p data-part="class">${d.discrepancy ? tx(lang, `disc_${d.discrepancy.class}`) : t(lang, 'noData')}</p></section>
      <section><h3>${t(lang, 'mt_survey')}${situation.survey ? ` <small>${escapeHtml(situation.survey.name)}</small>` : ''}</h3>${survey}</section>
      <section class="mt-wide">${heat}</section>
      <section><h3>${t(lang, 'mt_openActions')}</h3>${list(d.open_actions)}<h3>${t(lang, 'mt_promises')}</h3>${list(d.promises)}</section>
    </div>
    ${situation.notes.map((n) => `<p class="mt-note">${escapeHtml(n)}</p>`).join('')}
  </article>`;
}

/** The priorities as a table (presentation, meeting page and minutes). */
export function prioritiesHtml(priorities: Priority[], lang: Lang, editable = false, focusNames?: Map<string, string>): string {
  if (!priorities.length) return `<p data-part="no-priorities">${t(lang, 'mt_noPriorities')}</p>`;
  return `<table class="mt-priorities"><thead><tr><th>${t(lang, 'mt_problem')}</th><th>${t(lang, 'mt_focusArea')}</th><th>${t(lang, 'mt_place')}</th><th>${t(lang, 'mt_rationale')}</th><th>${t(lang, 'mt_owner')}</th><th>${t(lang, 'mt_due')}</th><th>${t(lang, 'mt_status')}</th>${editable ? '<th></th>' : ''}</tr></thead>
    <tbody>${priorities.map((p) => `<tr data-priority="${p.id}"><td>${escapeHtml(p.problem)}</td><td>${escapeHtml(p.focus_area ? (focusNames?.get(p.focus_area) ?? p.focus_area) : '–')}</td><td>${escapeHtml(p.place ?? '–')}</td><td>${escapeHtml(p.rationale ?? '')}</td><td>${escapeHtml(p.owner ?? '')}</td><td>${escapeHtml(p.due_date ?? '–')}</td><td>${escapeHtml(tx(lang, `mt_pstatus_${p.status}`))}</td>${editable ? `<td>${p.editable ? `<button type="button" data-action="edit-priority" data-id="${p.id}">${t(lang, 'mt_edit')}</button>` : ''}</td>` : ''}</tr>`).join('')}</tbody></table>`;
}

/** One slide of the presentation. */
export function slideHtml(slide: Slide, meeting: Meeting, situation: Situation | null, cutoff: string | null, lang: Lang): string {
  const frozen = meeting.status === 'closed';
  const head = `<header class="mt-slide-head"><span>${escapeHtml(meeting.council_name)} · ${escapeHtml(meeting.date)}</span><span data-part="as-of">${escapeHtml(asOfText(cutoff, frozen, lang))}</span></header>`;
  if (slide.kind === 'overview') {
    return `${head}<h1>${escapeHtml(meeting.title ?? t(lang, 'mt_meetings'))}</h1>
      <p>${t(lang, 'mt_period')}: ${escapeHtml(formatPeriod(meeting.filters, lang))}</p>
      <h2>${t(lang, 'mt_agenda')}</h2><ol class="mt-agenda">${(situation?.districts ?? []).map((d) => `<li>${escapeHtml(d.name)}</li>`).join('')}<li>${t(lang, 'mt_priorities')}</li></ol>`;
  }
  if (slide.kind === 'priorities') return `${head}<h1>${t(lang, 'mt_priorities')}</h1>${prioritiesHtml(meeting.priorities, lang)}`;
  const d = situation?.districts[slide.index];
  return `${head}${d && situation ? districtSlideHtml(d, situation, lang) : `<p>${t(lang, 'noData')}</p>`}`;
}

/** The list of councils and, for the chosen one, its meetings (newest first). */
export function meetingListHtml(councils: Council[], chosen: number | null, meetings: MeetingHead[], lang: Lang): string {
  return `<nav class="mt-councils" aria-label="${t(lang, 'mt_councils')}"><h2>${t(lang, 'mt_councils')}</h2><ul>${councils.map((c) =>
    `<li><button type="button" data-action="council" data-id="${c.id}" aria-pressed="${c.id === chosen}">${escapeHtml(c.name)}</button></li>`).join('')}</ul></nav>
    <section class="mt-list"><h2>${t(lang, 'mt_meetings')}</h2>${chosen === null ? `<p>${t(lang, 'mt_pickCouncil')}</p>` : `<ul>${meetings.map((m) =>
      `<li><a href="#meeting/${m.id}" data-meeting="${m.id}">${escapeHtml(m.date)} — ${escapeHtml(m.title ?? m.council_name)}</a> <span class="mt-badge mt-${m.status}">${t(lang, m.status === 'open' ? 'mt_status_open' : 'mt_status_closed')}</span></li>`).join('')}</ul>`}</section>`;
}

/**
 * The meeting page: header, actions, agenda, priorities and (while open, for editors) the priority form; `parts`
 * replaces the default priority form (editing one) and adds the actions (insatser) and their follow-up below.
 */
export function meetingPageHtml(m: Meeting, cutoff: string | null, lang: Lang, parts: { priorityForm?: string; actions?: string; focusNames?: Map<string, string> } = {}): string {
  const frozen = m.status === 'closed';
  const form = !m.can_edit ? '' : parts.priorityForm ?? `<form id="mt-priority-form" class="mt-form">
      <h3>${t(lang, 'mt_record')}</h3>
      <label>${t(lang, 'mt_problem')} <input name="problem" required maxlength="500"></label>
      <label>${t(lang, 'mt_place')} <input name="place" maxlength="200"></label>
      <label>${t(lang, 'mt_rationale')} <textarea name="rationale" maxlength="4000"></textarea></label>
      <label>${t(lang, 'mt_owner')} <input name="owner" required maxlength="200"></label>
      <label>${t(lang, 'mt_due')} <input name="due_date" type="date"></label>
      <button type="submit">${t(lang, 'mt_record')}</button><p class="mt-error" role="alert"></p></form>`;
  return `<header class="mt-page-head"><h2>${escapeHtml(m.council_name)} · ${escapeHtml(m.date)}${m.title ? ` · ${escapeHtml(m.title)}` : ''}</h2>
      <p data-part="as-of">${escapeHtml(asOfText(cutoff, frozen, lang))}</p>
      <p>${t(lang, 'mt_period')}: ${escapeHtml(formatPeriod(m.filters, lang))}</p>
      <div class="mt-buttons"><button type="button" data-action="present">${t(lang, 'mt_present')}</button>
      <a href="#minutes/${m.id}">${t(lang, 'mt_minutes')}</a>
      ${m.can_edit ? `<button type="button" data-action="close-meeting">${t(lang, 'mt_close')}</button>` : ''}</div></header>
    <h3>${t(lang, 'mt_priorities')}</h3>${prioritiesHtml(m.priorities, lang, m.can_edit, parts.focusNames)}${form}${parts.actions ?? ''}`;
}

/** The printable minutes: agenda with the numbers shown per district, and the decided priorities. */
export function minutesHtml(m: Meeting, situation: Situation | null, cutoff: string | null, lang: Lang, focusNames?: Map<string, string>): string {
  const rows = (situation?.districts ?? []).map((d) => `<tr><th scope="row">${escapeHtml(d.name)}</th>
    <td>${d.stats?.count === null || !d.stats ? t(lang, 'suppressed') : formatNumber(d.stats.count, lang)}</td><td>${formatNumber(d.stats?.rate_per_1000 ?? null, lang, 1)}</td>
    <td>${formatChange(d.stats?.change_pct ?? null, lang)}${d.stats?.change_significant ? ' *' : ''}</td>
    <td>${d.survey?.district.otrygg ? pct(d.survey.district.otrygg.share, lang) : '–'}</td><td>${d.discrepancy ? tx(lang, `disc_${d.discrepancy.class}`) : '–'}</td></tr>`).join('');
  return `<article class="mt-minutes"><h1>${t(lang, 'mt_minutes')}: ${escapeHtml(m.council_name)}, ${escapeHtml(m.date)}</h1>
    <p>${t(lang, 'mt_period')}: ${escapeHtml(formatPeriod(m.filters, lang))} · ${t(lang, 'categories')}: ${escapeHtml((situation?.categories ?? []).join(', ') || t(lang, 'allCategories'))}</p>
    <p data-part="as-of">${escapeHtml(asOfText(cutoff, m.status === 'closed', lang))}</p>
    <h2>${t(lang, 'mt_agenda')}</h2>
    <table class="mt-table"><thead><tr><th>${t(lang, 'district')}</th><th>${t(lang, 'count')}</th><th>${t(lang, 'rate')}</th><th>${t(lang, 'change')}</th><th>${t(lang, 'shareUnsafe')}</th><th>${t(lang, 'discrepancy')}</th></tr></thead><tbody>${rows}</tbody></table>
    <p><small>* ${t(lang, 'significant')} (p &lt; 0,05)</small></p>
    <section class="mt-maps">${(situation?.districts ?? []).map((d) => `<figure class="mt-map" data-district="${d.id}">
      <img src="/api/meetings/${m.id}/map.svg?district=${d.id}&amp;lang=${lang}" width="600" height="464" alt="${escapeHtml(`${t(lang, 'mt_mapOf')} ${d.name}`)}">
      <figcaption>${escapeHtml(d.name)}: ${t(lang, 'mt_mapLegend')}</figcaption></figure>`).join('')}</section>
    <h2>${t(lang, 'mt_priorities')}</h2>${prioritiesHtml(m.priorities, lang, false, focusNames)}
    <p class="mt-no-print"><button type="button" data-action="print">${t(lang, 'mt_print')}</button></p></article>`;
}
