import { ACTION_STATUSES, SURVEY_SHARE_BASE_KEYS } from '../../../shared/actions.schema.ts';
import { CATEGORIES } from '../../../shared/categories.ts';
import { PRIORITY_STATUSES } from '../../../shared/meetings.schema.ts';
import type { FocusArea } from '../../../shared/municipalities.schema.ts';
import { t, tx, type Lang } from '../../i18n.ts';
import { escapeHtml, formatChange, formatNumber } from '../../ui/format.ts';
import type { Action, ActionWithFollowUp, Council, DistrictChoice, FollowUp, MemberCandidate, Priority } from './meetings.api.ts';


/** What the priority form needs of a focus area (GET /api/municipalities). */
export type FocusAreaChoice = Pick<FocusArea, 'code' | 'name_sv' | 'name_en'>;

const option = (value: string, label: string, selected: boolean) => `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;

/** Whether an action is still to be followed up in a meeting (planned or under way). */
export function isOpenAction(a: Pick<Action, 'status'>): boolean {
  return a.status === 'planned' || a.status === 'ongoing';
}

/** The actions that belong on a meeting's page: linked to one of its priorities, or in one of its agenda districts. */
export function actionsOfMeeting(actions: Action[], districtIds: number[], priorityIds: number[]): Action[] {
  return actions.filter((a) => (a.priority_id !== null && priorityIds.includes(a.priority_id))
    || ('district_ids' in a.area && a.area.district_ids.some((d) => districtIds.includes(d))));
}

/** The council form (create, or edit when `council` is given): name, level, districts and members. */
export function councilFormHtml(council: Council | null, districts: DistrictChoice[], users: MemberCandidate[], lang: Lang): string {
  const kinds = [...new Set(districts.map((d) => d.kind))];
  const checks = (name: string, items: { id: number; label: string }[], chosen: number[]) => items.map((i) =>
    `<label class="mt-check"><input type="checkbox" name="${name}" value="${i.id}"${chosen.includes(i.id) ? ' checked' : ''}> ${escapeHtml(i.label)}</label>`).join('');
  return `<form id="mt-council-form" class="mt-form" data-id="${council?.id ?? ''}">
    <h2>${t(lang, council ? 'mt_editCouncil' : 'mt_newCouncil')}</h2>
    <label>${t(lang, 'mt_councilName')} <input name="name" required maxlength="200" value="${escapeHtml(council?.name ?? '')}"></label>
    <label>${t(lang, 'mt_level')} <select name="level">${option('local', t(lang, 'mt_level_local'), council?.level !== 'coordinating')}${option('coordinating', t(lang, 'mt_level_coordinating'), council?.level === 'coordinating')}</select></label>
    ${kinds.map((k) => `<fieldset><legend>${escapeHtml(tx(lang, `kind_${k}`))}</legend>
      ${checks('district_ids', districts.filter((d) => d.kind === k).map((d) => ({ id: d.id, label: d.name })), council?.district_ids ?? [])}</fieldset>`).join('')}
    <fieldset><legend>${t(lang, 'mt_councilMembers')}</legend>
      ${users.length ? checks('member_ids', users.map((u) => ({ id: u.id, label: `${u.name} (${tx(lang, `mt_role_${u.role}`)})` })), council?.member_ids ?? []) : `<p>${t(lang, 'mt_none')}</p>`}</fieldset>
    <div class="mt-buttons"><button type="submit">${t(lang, 'mt_saveCouncil')}</button><a href="#meetings${council ? `/${council.id}` : ''}">${t(lang, 'mt_cancel')}</a></div>
    <p class="mt-error" role="alert"></p></form>`;
}

/** The form that opens a new meeting of a council (its districts are the agenda; the server defaults the period). */
export function meetingFormHtml(council: Council, today: string, lang: Lang): string {
  return `<form id="mt-meeting-form" class="mt-form mt-inline" data-council="${council.id}">
    <h3>${t(lang, 'mt_newMeeting')}</h3>
    <label>${t(lang, 'mt_date')} <input name="date" type="date" required value="${escapeHtml(today)}"></label>
    <label>${t(lang, 'mt_title')} <input name="title" maxlength="200"></label>
    <button type="submit">${t(lang, 'mt_createMeeting')}</button><p class="mt-error" role="alert"></p></form>`;
}

/** The priority form: record a new one, or edit `priority` (with its status) while the meeting is open. */
export function priorityFormHtml(priority: Priority | null, focusAreas: FocusAreaChoice[], lang: Lang): string {
  const p = priority;
  return `<form id="mt-priority-form" class="mt-form" data-id="${p?.id ?? ''}">
      <h3>${t(lang, p ? 'mt_editPriority' : 'mt_record')}</h3>
      <label>${t(lang, 'mt_problem')} <input name="problem" required maxlength="500" value="${escapeHtml(p?.problem ?? '')}"></label>
      <label>${t(lang, 'mt_focusArea')} <select name="focus_area">${option('', '–', !p?.focus_area)}${focusAreas.map((f) => option(f.code, lang === 'sv' ? f.name_sv : f.name_en, p?.focus_area === f.code)).join('')}</select></label>
      <label>${t(lang, 'mt_place')} <input name="place" maxlength="200" value="${escapeHtml(p?.place ?? '')}"></label>
      <label>${t(lang, 'mt_rationale')} <textarea name="rationale" maxlength="4000">${escapeHtml(p?.rationale ?? '')}</textarea></label>
      <label>${t(lang, 'mt_owner')} <input name="owner" required maxlength="200" value="${escapeHtml(p?.owner ?? '')}"></label>
      <label>${t(lang, 'mt_due')} <input name="due_date" type="date" value="${escapeHtml(p?.due_date ?? '')}"></label>
      <label>${t(lang, 'mt_status')} <select name="status">${PRIORITY_STATUSES.map((s) => option(s, tx(lang, `mt_pstatus_${s}`), (p?.status ?? 'decided') === s)).join('')}</select></label>
      <div class="mt-buttons"><button type="submit">${t(lang, p ? 'mt_savePriority' : 'mt_record')}</button>${p ? `<button type="button" data-action="cancel-edit">${t(lang, 'mt_cancel')}</button>` : ''}</div>
      <p class="mt-error" role="alert"></p></form>`;
}

/** The action form: record a new action (insats) or edit `action`; area = agenda districts, link = a priority of the meeting. */
export function actionFormHtml(action: Action | null, districts: { id: number; name: string }[], priorities: Priority[], today: string, lang: Lang): string {
  const a = action;
  const chosenDistricts = a && 'district_ids' in a.area ? a.area.district_ids : [];
  const keys = new Set((a?.indicators ?? []).map((i) => i.key));
  const indicatorOptions = [
    ...SURVEY_SHARE_BASE_KEYS.map((k) => option(k, `${t(lang, 'mt_surveyShare')}: ${tx(lang, `mt_ind_${k}`)}`, keys.has(k))),
    ...CATEGORIES.map((c) => option(c.code, lang === 'sv' ? c.sv : c.en, keys.has(c.code))),
  ].join('');
  return `<form id="mt-action-form" class="mt-form" data-id="${a?.id ?? ''}">
    <h3>${t(lang, a ? 'mt_editAction' : 'mt_newAction')}</h3>
    <label>${t(lang, 'mt_actionTitle')} <input name="title" required maxlength="300" value="${escapeHtml(a?.title ?? '')}"></label>
    <label>${t(lang, 'mt_responsible')} <input name="responsible" required maxlength="200" value="${escapeHtml(a?.responsible ?? '')}"></label>
    <fieldset><legend>${t(lang, 'district')}</legend>${districts.map((d) =>
      `<label class="mt-check"><input type="checkbox" name="district_ids" value="${d.id}"${chosenDistricts.includes(d.id) ? ' checked' : ''}> ${escapeHtml(d.name)}</label>`).join('')}
      ${chosenDistricts.filter((id) => !districts.some((d) => d.id === id)).map((id) => `<input type="hidden" name="district_ids" value="${id}">`).join('')}</fieldset>
    <label>${t(lang, 'mt_start')} <input name="start_date" type="date" required value="${escapeHtml(a?.start_date ?? today)}"></label>
    <label>${t(lang, 'mt_endDate')} <input name="end_date" type="date" value="${escapeHtml(a?.end_date ?? '')}"></label>
    <label>${t(lang, 'mt_status')} <select name="status">${ACTION_STATUSES.map((s) => option(s, tx(lang, `mt_astatus_${s}`), (a?.status ?? 'planned') === s)).join('')}</select></label>
    <label>${t(lang, 'mt_linkedPriority')} <select name="priority_id">${option('', '–', !a?.priority_id)}${priorities.map((p) => option(String(p.id), p.problem, a?.priority_id === p.id)).join('')}</select></label>
    <label>${t(lang, 'mt_indicators')} <select name="indicators" multiple size="6">${indicatorOptions}</select></label>
    <div class="mt-buttons"><button type="submit">${t(lang, 'mt_saveAction')}</button>${a ? `<button type="button" data-action="cancel-edit">${t(lang, 'mt_cancel')}</button>` : ''}</div>
    <p class="mt-error" role="alert"></p></form>`;
}

/** The meeting's actions as a table with their status; editors get an edit button per row (drawn areas are edited where they were drawn). */
export function actionsHtml(actions: Action[], canEdit: boolean, lang: Lang): string {
  if (!actions.length) return `<p data-part="no-actions">${t(lang, 'mt_noActions')}</p>`;
  return `<table class="mt-priorities mt-actions"><thead><tr><th>${t(lang, 'mt_actionTitle')}</th><th>${t(lang, 'mt_responsible')}</th><th>${t(lang, 'mt_start')}</th><th>${t(lang, 'mt_endDate')}</th><th>${t(lang, 'mt_status')}</th>${canEdit ? '<th></th>' : ''}</tr></thead>
    <tbody>${actions.map((a) => `<tr data-action-id="${a.id}"><td>${escapeHtml(a.title)}</td><td>${escapeHtml(a.responsible)}</td><td>${escapeHtml(a.start_date)}</td><td>${escapeHtml(a.end_date ?? '–')}</td>
      <td>${escapeHtml(tx(lang, `mt_astatus_${a.status}`))}</td>${canEdit ? `<td>${'district_ids' in a.area ? `<button type="button" data-action="edit-action" data-id="${a.id}">${t(lang, 'mt_edit')}</button>` : ''}</td>` : ''}</tr>`).join('')}</tbody></table>`;
}

/** An indicator key as a reader knows it: the category's name, or the survey share's. */
export function indicatorLabel(key: string, lang: Lang): string {
  const category = CATEGORIES.find((c) => c.code === key);
  return category ? (lang === 'sv' ? category.sv : category.en) : tx(lang, `mt_ind_${key}`);
}

function followUpValue(kind: FollowUp['kind'], v: number | null, lang: Lang): string {
  if (v === null) return '–';
  return kind === 'survey_share' ? `${formatNumber(v * 100, lang, 0)} %` : formatNumber(v, lang);
}

/** The follow-up list: each open action's indicators before and after its start, the change and whether it is significant. */
export function followUpHtml(actions: ActionWithFollowUp[], lang: Lang): string {
  if (!actions.length) return `<p data-part="no-follow-up">${t(lang, 'mt_noOpenActions')}</p>`;
  return actions.map((a) => `<section class="mt-follow-up" data-follow-up="${a.id}"><h4>${escapeHtml(a.title)} <small>(${escapeHtml(tx(lang, `mt_astatus_${a.status}`))}, ${t(lang, 'mt_start').toLowerCase()} ${escapeHtml(a.start_date)})</small></h4>
    ${a.follow_up.length ? `<table class="mt-table"><thead><tr><th>${t(lang, 'mt_indicator')}</th><th>${t(lang, 'mt_before')}</th><th>${t(lang, 'mt_after')}</th><th>${t(lang, 'change')}</th><th>${t(lang, 'mt_verdict')}</th></tr></thead><tbody>
      ${a.follow_up.map((f) => `<tr data-key="${escapeHtml(f.key)}"><th scope="row">${escapeHtml(indicatorLabel(f.key, lang))}</th>
        <td>${followUpValue(f.kind, f.before, lang)}</td><td>${followUpValue(f.kind, f.after, lang)}</td>
        <td>${f.kind === 'survey_share' && f.difference ? `${formatNumber(f.difference.value * 100, lang, 1)} ${t(lang, 'mt_points')}` : formatChange(f.change_pct, lang)}</td>
        <td>${f.note ? escapeHtml(f.note) : f.significant ? t(lang, 'significant') : t(lang, 'notSignificant')}</td></tr>`).join('')}</tbody></table>`
      : `<p>${t(lang, 'mt_noIndicators')}</p>`}</section>`).join('');
}
