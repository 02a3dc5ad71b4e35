import { t, tx, type Lang } from '../../i18n.ts';
import { escapeHtml as e, formatChange, formatNumber, formatPeriod } from '../../ui/format.ts';
import type { CitizenPromise, DraftEvidence, FollowUp, PromiseStatus } from './citizen-promises.api.ts';
import { allowedTransitions, isEditable, mayEditPromises, type PickMode, type PromiseForm, type PromiseSelection } from './citizen-promises.state.ts';

/** An indicator value as read: a survey share in per cent, a count as a whole number; null as –. */
export function indicatorValueText(key: string, value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return '–';
  return key.startsWith('survey:') ? `${formatNumber(value * 100, lang, 0)} %` : formatNumber(value, lang, Number.isInteger(value) ? 0 : 1);
}

/** The value a target input shows: per cent for survey shares, the count itself otherwise. */
export function targetInputValue(key: string, target: number | null): string {
  if (target === null) return '';
  return key.startsWith('survey:') ? String(Math.round(target * 1000) / 10) : String(target);
}

/** A status as a badge. */
export function statusBadge(status: PromiseStatus, lang: Lang): string {
  return `<span class="pr-status pr-status-${status}" data-status="${status}">${e(tx(lang, `pr_status_${status}`))}</span>`;
}

/** Survey shares a promise may follow (server/features/citizen-promises SURVEY_KEYS, the common ones). */
export const SURVEY_INDICATORS = ['otrygg', 'avstar_aktivitet', 'oro_brott'] as const;

/** Indicator keys offered when adding one: the categories the viewer may see (all when not known), then the survey shares. */
export function indicatorOptionsOf(categories: { code: string; name_sv: string; name_en: string }[], permitted: Set<string> | null, lang: Lang): { key: string; label: string }[] {
  return [
    ...categories.filter((c) => permitted === null || permitted.has(c.code)).map((c) => ({ key: c.code, label: `${t(lang, 'pr_count')}: ${lang === 'sv' ? c.name_sv : c.name_en}` })),
    ...SURVEY_INDICATORS.map((k) => ({ key: `survey:${k}`, label: `${t(lang, 'pr_surveyShare')}: ${tx(lang, `pr_survey_${k}`)}` })),
  ];
}

const day = (iso: string | null) => (iso ? e(iso.slice(0, 10)) : '–');

/** The municipality's promises with their status; editors also get the button to start a draft. */
export function renderPromiseList(promises: CitizenPromise[], role: string, lang: Lang): string {
  const items = promises.length
    ? `<ul class="pr-list">${promises.map((p) => `<li><button type="button" class="pr-link" data-open="${p.id}">${e(p.title)}</button> ${statusBadge(p.status, lang)}
        <span class="muted small">${day(p.period_start)} – ${day(p.period_end)}</span></li>`).join('')}</ul>`
    : `<p class="muted">${t(lang, 'pr_none')}</p>`;
  const create = mayEditPromises(role) ? `<p><button type="button" class="pr-primary" data-action="new">${t(lang, 'pr_new')}</button></p>` : `<p class="muted small">${t(lang, 'pr_readOnly')}</p>`;
  return `${create}${items}`;
}

/** The picking step: how to take the area from the map, what is picked, the period, and the propose button. */
export function renderPicker(sel: PromiseSelection, period: { start: string; end: string }, lang: Lang): string {
  const modes: Exclude<PickMode, 'none'>[] = ['hotspots', 'districts', 'draw'];
  const label = { hotspots: 'pr_pickHotspots', districts: 'pr_pickDistricts', draw: 'pr_pickDraw' } as const;
  return `
    <h3>${t(lang, 'pr_select')}</h3>
    <div class="pr-modes" role="group" aria-label="${e(t(lang, 'pr_select'))}">
      ${modes.map((m) => `<button type="button" data-pick="${m}" aria-pressed="${sel.mode === m}">${t(lang, label[m])}</button>`).join('')}
    </div>
    <p class="muted small" data-role="pick-hint">${e(tx(lang, `pr_pickHint_${sel.mode}`))}</p>
    <p data-role="picked" data-count="${selectionCount(sel)}">${e(selectionText(sel, lang))}
      ${selectionCount(sel) ? ` <button type="button" class="pr-small" data-action="clear">${t(lang, 'pr_clear')}</button>` : ''}</p>
    <div class="pr-row">
      <label>${t(lang, 'pr_periodStart')} <input type="date" name="draft_start" value="${e(period.start)}"></label>
      <label>${t(lang, 'pr_periodEnd')} <input type="date" name="draft_end" value="${e(period.end)}"></label>
    </div>
    <p><button type="button" class="pr-primary" data-action="propose"${selectionCount(sel) ? '' : ' disabled'}>${t(lang, 'pr_propose')}</button>
       <button type="button" data-action="list">${t(lang, 'pr_cancel')}</button></p>`;
}

/** How many things are picked (a drawn polygon counts as one). */
export function selectionCount(sel: PromiseSelection): number {
  if (sel.mode === 'hotspots') return sel.cells.length;
  if (sel.mode === 'districts') return sel.districtIds.length;
  if (sel.mode === 'draw') return sel.drawn ? 1 : 0;
  return 0;
}

/** The selection in words, e.g. "3 valda rutor". */
export function selectionText(sel: PromiseSelection, lang: Lang): string {
  const n = selectionCount(sel);
  if (!n) return t(lang, 'pr_nothingSelected');
  if (sel.mode === 'hotspots') return `${formatNumber(n, lang)} ${t(lang, 'pr_selectedCells')}`;
  if (sel.mode === 'districts') return `${formatNumber(n, lang)} ${t(lang, 'pr_selectedDistricts')}`;
  return `1 ${t(lang, 'pr_drawnArea')}`;
}

/** The evidence behind a draft in short: categories over the rate or rising, and survey shares against the municipality. */
export function renderEvidence(ev: DraftEvidence | null, lang: Lang, categoryName: (code: string) => string = (c) => c): string {
  if (!ev) return '';
  const flagged = ev.categories.filter((c) => c.over_rate || c.rising);
  const cats = flagged.length
    ? `<ul>${flagged.map((c) => `<li>${e(categoryName(c.category))}: ${c.count === null ? '&lt;5' : formatNumber(c.count, lang)}
        (${t(lang, 'pr_expected')} ${formatNumber(c.expected, lang, 1)})${c.over_rate ? ` · ${t(lang, 'pr_overRate')}` : ''}${c.rising ? ` · ${t(lang, 'pr_rising')} ${formatChange(c.change_pct, lang)}` : ''}</li>`).join('')}</ul>`
    : '';
  const shares = ev.survey ? ev.survey.shares.filter((s) => s.area !== null) : [];
  const survey = ev.survey && shares.length
    ? `<p class="small">${e(ev.survey.name)} (n = ${formatNumber(ev.survey.n, lang)}): ${shares.slice(0, 3).map((s) => `${e(s.label)} ${indicatorValueText(s.key, s.area, lang)} / ${indicatorValueText(s.key, s.municipality, lang)}`).join('; ')}</p>`
    : '';
  return `<details class="pr-evidence" open><summary>${t(lang, 'pr_evidence')} · ${e(formatPeriod(ev.period, lang))}</summary>${cats}${survey}</details>`;
}

const field = (name: string, k: number, f?: string) => (f ? `${name}.${k}.${f}` : `${name}.${k}`);

/** The edit form: title, period, problems, commitments (actor + responsible office), indicators with server baselines and editable targets. */
export function renderEditor(form: PromiseForm, lang: Lang, indicatorOptions: { key: string; label: string }[]): string {
  const problems = form.problems.map((p, k) => `
    <li><textarea name="${field('problems', k)}" rows="2" aria-label="${t(lang, 'pr_problems')} ${k + 1}">${e(p)}</textarea>
      <button type="button" class="pr-small" data-remove="problems.${k}" aria-label="${t(lang, 'pr_remove')}">×</button></li>`).join('');
  const commitments = form.commitments.map((c, k) => `
    <li class="pr-commitment" data-commitment="${k}">
      <select name="${field('commitments', k, 'actor')}" aria-label="${t(lang, 'pr_actor')}">
        ${(['police', 'municipality'] as const).map((a) => `<option value="${a}"${c.actor === a ? ' selected' : ''}>${t(lang, a === 'police' ? 'pr_actor_police' : 'pr_actor_municipality')}</option>`).join('')}
      </select>
      <textarea name="${field('commitments', k, 'text')}" rows="2" placeholder="${e(t(lang, 'pr_text'))}" aria-label="${t(lang, 'pr_text')}">${e(c.text)}</textarea>
      <input type="text" name="${field('commitments', k, 'responsible')}" value="${e(c.responsible ?? '')}" placeholder="${e(t(lang, 'pr_responsible'))}" aria-label="${t(lang, 'pr_responsible')}" maxlength="300">
      <button type="button" class="pr-small" data-remove="commitments.${k}" aria-label="${t(lang, 'pr_remove')}">×</button>
    </li>`).join('');
  const indicators = form.indicators.map((i, k) => `
    <tr data-indicator="${e(i.key)}"><th scope="row">${e(i.label)}</th>
      <td class="num">${indicatorValueText(i.key, i.baseline, lang)}${i.baseline_from && i.baseline_to ? `<br><span class="muted small">${e(formatPeriod({ from: i.baseline_from, to: i.baseline_to }, lang))}</span>` : ''}</td>
      <td><input type="number" min="0" step="any" name="${field('indicators', k, 'target')}" value="${targetInputValue(i.key, i.target)}" aria-label="${t(lang, 'pr_target')}: ${e(i.label)}">${i.key.startsWith('survey:') ? ' %' : ''}</td>
      <td><button type="button" class="pr-small" data-remove="indicators.${k}" aria-label="${t(lang, 'pr_remove')}">×</button></td></tr>`).join('');
  const unused = indicatorOptions.filter((o) => !form.indicators.some((i) => i.key === o.key));
  return `
    <form class="pr-form" data-role="editor" novalidate>
      <label class="pr-block">${t(lang, 'pr_title')} <input type="text" name="title" value="${e(form.title)}" maxlength="300" required></label>
      <div class="pr-row">
        <label>${t(lang, 'pr_periodStart')} <input type="date" name="period_start" value="${e(form.period_start)}"></label>
        <label>${t(lang, 'pr_periodEnd')} <input type="date" name="period_end" value="${e(form.period_end)}"></label>
      </div>
      <h4>${t(lang, 'pr_problems')}</h4>
      <ul class="pr-rows">${problems}</ul>
      <button type="button" class="pr-small" data-add="problems">+ ${t(lang, 'pr_addProblem')}</button>
      <h4>${t(lang, 'pr_commitments')}</h4>
      <ul class="pr-rows">${commitments}</ul>
      <button type="button" class="pr-small" data-add="commitments">+ ${t(lang, 'pr_addCommitment')}</button>
      <p class="muted small">${t(lang, 'pr_emptyCommitmentsDropped')}</p>
      <h4>${t(lang, 'pr_indicators')}</h4>
      <table class="pr-table"><thead><tr><th>${t(lang, 'pr_indicator')}</th><th class="num">${t(lang, 'pr_baseline')}</th><th>${t(lang, 'pr_target')}</th><th></th></tr></thead>
        <tbody>${indicators}</tbody></table>
      <p class="muted small">${t(lang, 'pr_baselineNote')}</p>
      ${unused.length ? `<label class="small">${t(lang, 'pr_addIndicator')} <select name="add_indicator"><option value=""></option>${unused.map((o) => `<option value="${e(o.key)}">${e(o.label)}</option>`).join('')}</select></label>` : ''}
      <p class="pr-actions"><button type="submit" class="pr-primary" data-action="save">${t(lang, form.id === null ? 'pr_saveDraft' : 'pr_save')}</button>
        <button type="button" data-action="${form.id === null ? 'list' : `open-${form.id}`}">${t(lang, 'pr_cancel')}</button></p>
    </form>`;
}

/** Who and when: the dates of each status and the recorded transitions (editors only get the history). */
function renderHistory(p: CitizenPromise, lang: Lang): string {
  const dates = [
    ['pr_created', p.created_at], ['pr_agreedAt', p.agreed_at], ['pr_publishedAt', p.published_at], ['pr_followedUpAt', p.followed_up_at],
  ].filter(([, d]) => d).map(([k, d]) => `${t(lang, k as 'pr_created')} ${day(d)}`).join(' · ');
  const history = p.history?.length
    ? `<ol class="pr-history">${p.history.map((h) => `<li>${day(h.at)} ${e(h.at.slice(11, 16))}: ${e(tx(lang, `pr_status_${h.from_status}`))} → ${e(tx(lang, `pr_status_${h.to_status}`))}
        <span class="muted">${t(lang, 'pr_by')} ${e(h.actor ?? '–')} (${e(h.role)})</span></li>`).join('')}</ol>`
    : '';
  return `<h4>${t(lang, 'pr_history')}</h4><p class="small" data-role="dates">${dates}</p>${history}`;
}

/** A half-open period as text, or null when it is empty (a promise period that has not begun). */
function periodText(period: { from: string; to: string } | null, lang: Lang): string | null {
  return period && period.to > period.from ? formatPeriod(period, lang) : null;
}

/**
 * The follow-up table: each indicator before and after as the server computed them, the change with its
 * significance, baseline → target with the projection, and whether the target is met. The compared periods are
 * the same for every count, so they are said once above the table.
 */
export function renderFollowUp(rows: FollowUp[] | undefined, lang: Lang): string {
  if (!rows?.length) return `<p class="muted">${t(lang, 'pr_noFollowUp')}</p>`;
  const counted = rows.find((f) => f.kind === 'incident_count');
  const before = periodText(counted?.before_period ?? null, lang), after = periodText(counted?.after_period ?? null, lang);
  const periods = before && after ? `<p class="small muted" data-role="follow-up-periods">${t(lang, 'pr_before')}: ${e(before)} · ${t(lang, 'pr_after')}: ${e(after)}</p>` : '';
  const body = rows.map((f) => {
    const sig = f.significant === null ? '' : `<br><span class="${f.significant ? 'pr-sig' : 'muted'} small">${t(lang, f.significant ? 'pr_significant' : 'pr_notSignificant')}${f.p_value !== null ? ` (p = ${formatNumber(f.p_value, lang, 3)})` : ''}</span>`;
    const met = f.target_met === null ? '' : f.target_met ? `<span class="pr-met">✓ ${t(lang, 'pr_targetMet')}</span>` : `<span class="pr-unmet">${t(lang, 'pr_targetNotMet')}</span>`;
    return `<tr data-follow-up="${e(f.key)}"><th scope="row">${e(f.label)}</th>
      <td class="num">${indicatorValueText(f.key, f.before, lang)}</td>
      <td class="num">${indicatorValueText(f.key, f.after, lang)}</td>
      <td class="num">${formatChange(f.change_pct, lang)}${sig}</td>
      <td class="num">${indicatorValueText(f.key, f.baseline, lang)} → ${indicatorValueText(f.key, f.target, lang)}${f.projected !== null ? `<br><span class="muted small">${t(lang, 'pr_projected')} ${indicatorValueText(f.key, f.projected, lang)}</span>` : ''}${met ? `<br>${met}` : ''}</td></tr>
      ${f.note ? `<tr class="pr-note"><td colspan="5" class="muted small">${e(f.note)}</td></tr>` : ''}`;
  }).join('');
  return `${periods}<table class="pr-table pr-follow-up" data-role="follow-up"><thead><tr><th>${t(lang, 'pr_indicator')}</th><th class="num">${t(lang, 'pr_before')}</th><th class="num">${t(lang, 'pr_after')}</th>
    <th class="num">${t(lang, 'pr_change')}</th><th class="num">${t(lang, 'pr_baseline')} → ${t(lang, 'pr_target')}</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** One promise: status and the buttons the role may use, problems, commitments, indicators, follow-up and history. */
export function renderPromise(p: CitizenPromise, role: string, lang: Lang, areaNames: string[] = []): string {
  const moves = allowedTransitions(p.status, role);
  const editable = mayEditPromises(role) && isEditable(p.status);
  const actor = (a: string) => t(lang, a === 'police' ? 'pr_actor_police' : 'pr_actor_municipality');
  return `
    <article class="pr-promise" data-role="promise" data-id="${p.id}" data-status="${p.status}">
      <h3>${e(p.title)} ${statusBadge(p.status, lang)}</h3>
      <p class="muted small">${day(p.period_start)} – ${day(p.period_end)}${areaNames.length ? ` · ${e(areaNames.join(', '))}` : ''}</p>
      <p class="pr-actions" data-role="transitions">
        ${editable ? `<button type="button" data-action="edit">${t(lang, 'pr_edit')}</button>` : ''}
        ${moves.map((s) => `<button type="button" class="${s === 'draft' ? '' : 'pr-primary'}" data-status-to="${s}">${e(tx(lang, `pr_to_${s}`))}</button>`).join('')}
        ${mayEditPromises(role) && (p.status === 'published' || p.status === 'followed_up') ? `<button type="button" data-action="refresh">${t(lang, 'pr_refreshFollowUp')}</button>` : ''}
      </p>
      ${mayEditPromises(role) && !isEditable(p.status) ? `<p class="muted small">${t(lang, 'pr_locked')}</p>` : ''}
      ${p.problems.length ? `<h4>${t(lang, 'pr_problems')}</h4><ul>${p.problems.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : ''}
      <h4>${t(lang, 'pr_commitments')}</h4>
      <ul data-role="commitments">${p.commitments.map((c) => `<li><strong>${actor(c.actor)}:</strong> ${e(c.text)}${c.responsible ? ` <span class="muted">(${e(c.responsible)})</span>` : ''}</li>`).join('') || '<li class="muted">–</li>'}</ul>
      ${p.follow_up?.length ? '' : `<h4>${t(lang, 'pr_indicators')}</h4>
      <ul>${p.indicators.map((i) => `<li>${e(i.label)}: ${t(lang, 'pr_baseline').toLowerCase()} ${indicatorValueText(i.key, i.baseline, lang)}, ${t(lang, 'pr_target').toLowerCase()} ${indicatorValueText(i.key, i.target, lang)}</li>`).join('')}</ul>`}
      <h4>${t(lang, 'pr_followUp')}</h4>
      ${renderFollowUp(p.follow_up, lang)}
      ${renderHistory(p, lang)}
    </article>`;
}
