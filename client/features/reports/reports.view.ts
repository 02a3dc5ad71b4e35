import { locale, t, tx, type Lang } from '../../i18n.ts';
import { escapeHtml as esc, formatChange, formatNumber, formatPeriod } from '../../ui/format.ts';
import type { ReportContent, ReportSurveyGroup, ReportVersion } from './reports.api.ts';

/** Years a report can be made for: this year and the nine before, newest first. */
export function yearChoices(now = new Date()): number[] {
  const year = now.getFullYear();
  return Array.from({ length: 10 }, (_, k) => year - k);
}

/** The year a coordinator usually reports on: the last whole calendar year. */
export function defaultYear(now = new Date()): number {
  return now.getFullYear() - 1;
}

/** Parses the location hash: #report or #report/<year>; null for any other hash. */
export function reportRouteOf(hash: string): { year: number | null } | null {
  const [head, year] = hash.replace(/^#/, '').split('/');
  if (head !== 'report') return null;
  return { year: year && /^\d{4}$/.test(year) ? Number(year) : null };
}

/** The hours (0–23) with the most incidents over all weekdays, most first; suppressed cells count as zero. */
export function peakHours(weekdayHour: (number | null)[][], top = 3): number[] {
  const totals = Array.from({ length: 24 }, (_, h) => weekdayHour.reduce((s, row) => s + (row[h] ?? 0), 0));
  return totals.map((n, h) => ({ n, h })).filter((x) => x.n > 0).sort((a, b) => b.n - a.n || a.h - b.h).slice(0, top).map((x) => x.h);
}

const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

const countText = (n: number | null, lang: Lang) => (n === null ? '&lt;5' : formatNumber(n, lang));

function surveyRows(groups: ReportSurveyGroup[], key: 'gender' | 'age_group', lang: Lang): string {
  return groups.map((g) => {
    const share = g.indicators?.otrygg?.share;
    const value = g.key[key];
    // Genders have names in the interface; age groups are shown as their codes (16-19, 80+ …).
    const label = value === null || value === undefined ? t(lang, 'group_all') : key === 'gender' ? tx(lang, `group_${value}`) : value;
    return `<tr><td>${esc(label)}</td><td class="n">${g.suppressed ? t(lang, 'rp_fewer10') : formatNumber(g.n, lang)}</td>
      <td class="n">${share === undefined || share === null ? '–' : `${formatNumber(share * 100, lang)} %`}</td></tr>`;
  }).join('');
}

/** The statement every page of the PDF carries (period, comparison, cut-off, role), for the top of the preview. */
export function statementHtml(c: ReportContent, lang: Lang): string {
  const cutoff = new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Stockholm' }).format(new Date(c.data_cutoff_at));
  return `<p class="rp-statement" data-part="statement">${t(lang, 'rp_period')}: ${esc(formatPeriod(c.period, lang))} (${t(lang, 'rp_comparedWith')} ${esc(formatPeriod(c.comparison, lang))})
    · ${t(lang, 'rp_cutoff')}: <span data-part="cutoff">${esc(cutoff)}</span> · ${t(lang, 'rp_role')} (${esc(c.filters.role)}).</p>`;
}

/** The sections between the introduction and the conclusion: what the published PDF will hold, for the viewer's role. */
export function previewSectionsHtml(c: ReportContent, lang: Lang): string {
  const k = c.kartlaggning;
  const districts = k.districts.map((d) => `<tr data-district="${d.id}"><td>${esc(d.name)}</td><td class="n" data-part="count">${countText(d.count, lang)}</td>
    <td class="n">${formatNumber(d.rate_per_1000, lang, 1)}</td><td class="n">${d.previous_count === null ? '–' : formatNumber(d.previous_count, lang)}</td>
    <td class="n">${formatChange(d.change_pct, lang)}${d.change_significant ? ' *' : ''}</td></tr>`).join('');
  const months = k.monthly.map((m) => `<td class="n" title="${esc(m.month)}">${countText(m.count, lang)}</td>`).join('');
  const monthHeads = k.monthly.map((m) => `<th class="n">${esc(new Intl.DateTimeFormat(locale(lang), { month: 'short', timeZone: 'UTC' }).format(new Date(`${m.month}-01T00:00:00Z`)))}</th>`).join('');
  const peaks = peakHours(k.weekday_hour);
  const h = c.analys.hotspots;
  const s = c.analys.survey;
  const plan = c.atgardsplan;
  const sources = (list: string[]) => esc(list.map((x) => tx(lang, `source_${x}`)).join(', ') || t(lang, 'rp_none'));
  return `
  <section data-section="kartlaggning"><h2>${t(lang, 'rp_mapping')}</h2>
    <table class="rp-table"><thead><tr><th>${t(lang, 'rp_districts')}</th><th class="n">${t(lang, 'count')} ${c.year}</th><th class="n">${t(lang, 'rate')}</th>
      <th class="n">${t(lang, 'previous')}</th><th class="n">${t(lang, 'change')}</th></tr></thead><tbody>${districts}</tbody></table>
    <p class="rp-muted">* ${t(lang, 'significant')} (p &lt; 0,05). ${t(lang, 'rp_unlocated')}: ${countText(k.unlocated, lang)}.</p>
    ${k.police_initiated_note.map((n) => `<p class="rp-muted">${esc(n)}</p>`).join('')}
    <h3>${t(lang, 'rp_seasons')}</h3>
    <div class="rp-scroll"><table class="rp-table"><thead><tr>${monthHeads}</tr></thead><tbody><tr>${months}</tr></tbody></table></div>
    <h3>${t(lang, 'rp_timeOfDay')}</h3>
    <p>${t(lang, 'rp_peakHours')}: ${peaks.length ? peaks.map((x) => `${String(x).padStart(2, '0')}–${String((x + 1) % 24).padStart(2, '0')}`).join(', ') : '–'}</p>
  </section>
  <section data-section="analys"><h2>${t(lang, 'rp_analysis')}</h2>
    <h3>${t(lang, 'rp_hotspots')}</h3>
    <p data-part="hotspots">${h ? fill(t(lang, 'rp_hotspotLine'), { hot: h.hot, cold: h.cold, cells: h.cells, cell: h.cell_m }) : t(lang, 'rp_noHotspots')}</p>
    <h3>${t(lang, 'rp_survey')}</h3>
    ${s ? `<p>${esc(s.name)}</p><div class="rp-pair">
      <table class="rp-table"><thead><tr><th>${t(lang, 'rp_gender')}</th><th class="n">n</th><th class="n">${t(lang, 'rp_unsafe')}</th></tr></thead><tbody>${surveyRows(s.by_gender.groups, 'gender', lang)}</tbody></table>
      <table class="rp-table"><thead><tr><th>${t(lang, 'rp_ageGroup')}</th><th class="n">n</th><th class="n">${t(lang, 'rp_unsafe')}</th></tr></thead><tbody>${surveyRows(s.by_age_group.groups, 'age_group', lang)}</tbody></table>
    </div>` : `<p>${t(lang, 'rp_noSurvey')}</p>`}
  </section>
  <section data-section="sources"><h2>${t(lang, 'rp_sources')}</h2>
    <p>${t(lang, 'rp_used')}: ${sources(c.sources.used)}. ${t(lang, 'rp_leftOut')}: ${sources(c.sources.left_out)}.</p>
  </section>
  <section data-section="atgardsplan"><h2>${t(lang, 'rp_plan')}</h2>
    <h3>${t(lang, 'rp_priorities')}</h3>
    ${plan.priorities.length ? `<ul>${plan.priorities.map((p) => `<li><b>${esc(p.title)}</b>${p.owner ? ` — ${esc(p.owner)}` : ''}${p.due_date ? `, ${t(lang, 'rp_due')} ${esc(p.due_date)}` : ''}</li>`).join('')}</ul>` : `<p>${t(lang, 'rp_noPriorities')}</p>`}
    <h3>${t(lang, 'rp_actions')}</h3>
    ${plan.actions.length ? `<ul>${plan.actions.map((a) => `<li><b>${esc(a.title)}</b>${a.responsible ? ` — ${esc(a.responsible)}` : ''} (${esc(a.start_date ?? '?')}–${esc(a.end_date ?? '')})</li>`).join('')}</ul>` : `<p>${t(lang, 'rp_noActions')}</p>`}
  </section>`;
}

/** The published versions of the year with their PDF and printable links. */
export function versionsHtml(versions: ReportVersion[], lang: Lang): string {
  if (!versions.length) return `<p class="rp-muted">${t(lang, 'rp_noVersions')}</p>`;
  const when = new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Stockholm' });
  return `<ul class="rp-versions">${versions.map((v) => `<li data-version="${v.version}">${t(lang, 'rp_version')} ${v.version} · ${esc(when.format(new Date(v.created_at)))}${v.created_by ? ` · ${t(lang, 'rp_by')} ${esc(v.created_by)}` : ''}
    <button type="button" data-action="pdf" data-id="${v.id}">${t(lang, 'rp_pdf')}</button>
    <a href="/api/reports/${v.id}?format=html" target="_blank" rel="noopener">${t(lang, 'rp_print')}</a></li>`).join('')}</ul>`;
}

/** The page's frame: year picker, the editable introduction, the preview region, the editable conclusion, publishing and versions. */
export function reportPageHtml(year: number, texts: { introduction: string; conclusion: string }, lang: Lang, now = new Date()): string {
  return `<div class="rp-bar"><a href="#" data-action="leave">← ${t(lang, 'mt_back')}</a></div>
  <div class="rp-body">
    <header class="rp-head"><h1>${t(lang, 'rp_title')}</h1>
      <label>${t(lang, 'rp_year')} <select name="year" id="rp-year">${yearChoices(now).map((y) => `<option value="${y}"${y === year ? ' selected' : ''}>${y}</option>`).join('')}</select></label>
    </header>
    <div class="rp-columns">
      <article class="rp-document" aria-label="${t(lang, 'rp_preview')}">
        <div data-region="statement"></div>
        <section data-section="introduction"><h2><label for="rp-introduction">${t(lang, 'rp_introduction')}</label></h2>
          <textarea id="rp-introduction" name="introduction" rows="5" maxlength="5000">${esc(texts.introduction)}</textarea></section>
        <div data-region="preview" aria-live="polite"></div>
        <section data-section="conclusion"><h2><label for="rp-conclusion">${t(lang, 'rp_conclusion')}</label></h2>
          <textarea id="rp-conclusion" name="conclusion" rows="5" maxlength="5000">${esc(texts.conclusion)}</textarea></section>
        <p class="rp-muted">${t(lang, 'rp_textHint')}</p>
      </article>
      <aside class="rp-side">
        <button type="button" class="rp-publish" data-action="publish">${t(lang, 'rp_publish')}</button>
        <p data-region="status" role="status"></p>
        <h2>${t(lang, 'rp_versions')}</h2>
        <div data-region="versions"></div>
      </aside>
    </div>
  </div>`;
}
