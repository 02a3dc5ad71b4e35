import { SURVEY_SHARE_BASE_KEYS, type ActionInput } from '../../../shared/actions.schema.ts';
import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import { aggregateAccess } from '../../../shared/roles.ts';
import { addDays, addYears, daysBetween, isIsoDate, stockholmToday } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import { badRequest, notFound } from '../../infra/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { assertDistricts, mayReadCouncilWork } from '../councils/councils.service.ts';
import { parseDrawnArea } from '../incidents/incident-filter-sql.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { computeIndicators, PROBLEM_CODES, type IndicatorSet, type ShareResult } from '../surveys/survey-indicators.ts';
import {
  countIncidentsBeforeAfter, findAction, findIncidentDataEnd, insertAction, linkedRecordExists, listActions, listResponsesInArea,
  listSurveyPeriods, updateAction, type ActionRow, type ActionValues,
} from './actions.queries.ts';
import { compareCounts, compareShares, MIN_AFTER_DAYS, type FollowUpEntry } from './follow-up.ts';

/** Survey indicators an action may be followed up on (SPEC §4.3), besides incident category codes. */
export const SURVEY_SHARE_KEYS = [...SURVEY_SHARE_BASE_KEYS, ...PROBLEM_CODES.map((c) => `problem_${c}`)] as const;

/** Actions are read by those who work with councils and changed by analysts and police (SPEC §6). */
export function mayEditActions(role: string): boolean {
  return role === 'analyst' || role === 'police';
}

function shareOf(set: IndicatorSet, key: string): ShareResult {
  if (key.startsWith('problem_')) return set.problems[key.slice('problem_'.length)];
  return set[key as (typeof SURVEY_SHARE_BASE_KEYS)[number]];
}

function checkDate(field: string, value: string, latest: string) {
  if (!isIsoDate(value)) throw badRequest(field, `not a calendar date: ${value.slice(0, 40)}`);
  if (value < '2000-01-01' || value > latest) throw badRequest(field, `must be between 2000-01-01 and ${latest}`);
}

async function resolveValues(db: Db, municipality: string, input: ActionInput): Promise<ActionValues> {
  const title = input.title.trim();
  if (!title) throw badRequest('title', 'must not be blank');
  const responsible = input.responsible.trim();
  if (!responsible) throw badRequest('responsible', 'name the committee or office responsible');
  let districtIds: number[] = [];
  let geometry: string | null = null;
  if ('district_ids' in input.area) {
    districtIds = input.area.district_ids;
    if (!districtIds.length) throw badRequest('area.district_ids', 'give at least one district, or a drawn area');
    await assertDistricts(db, municipality, districtIds, 'area.district_ids');
  } else {
    geometry = parseDrawnArea(input.area.geometry, 'area.geometry').geojson;
  }
  const latest = addYears(stockholmToday(), 5);
  checkDate('start_date', input.start_date, latest);
  if (input.end_date != null) {
    checkDate('end_date', input.end_date, addYears(stockholmToday(), 10));
    if (input.end_date < input.start_date) throw badRequest('end_date', `must not be before start_date (${input.start_date})`);
  }
  for (const [field, table, id] of [['priority_id', 'priority', input.priority_id], ['promise_id', 'citizen_promise', input.promise_id]] as const) {
    if (id != null && !(await linkedRecordExists(db, table, municipality, id))) throw badRequest(field, `no ${table === 'priority' ? 'priority' : 'citizen promise'} ${id} in municipality ${municipality}`);
  }
  const keys = input.indicators.map((i) => i.key);
  keys.forEach((key, k) => {
    if (!CATEGORY_BY_CODE.has(key) && !(SURVEY_SHARE_KEYS as readonly string[]).includes(key)) {
      throw badRequest(`indicators.${k}.key`, `"${key.slice(0, 60)}" is neither a category code nor a survey indicator (${SURVEY_SHARE_KEYS.join(', ')})`);
    }
  });
  if (new Set(keys).size !== keys.length) throw badRequest('indicators', 'an indicator is listed twice');
  return {
    title, description: input.description?.trim() || null, district_ids: districtIds, geometry, responsible,
    start_date: input.start_date, end_date: input.end_date ?? null, status: input.status,
    priority_id: input.priority_id ?? null, promise_id: input.promise_id ?? null, indicators: keys.map((key) => ({ key })),
  };
}

/** An action as the API returns it (without follow-up). */
export function presentAction(a: ActionRow) {
  return {
    id: a.id, municipality: a.municipality_code, title: a.title, description: a.description,
    area: a.geometry ? { geometry: JSON.parse(a.geometry) as unknown } : { district_ids: a.district_ids.map(Number) },
    responsible: a.responsible ?? '', start_date: a.start_date, end_date: a.end_date, status: a.status,
    priority_id: a.priority_id === null ? null : Number(a.priority_id), promise_id: a.promise_id === null ? null : Number(a.promise_id),
    indicators: a.indicators, created_at: new Date(a.created_at).toISOString(), updated_at: new Date(a.updated_at).toISOString(),
  };
}

async function loadAction(db: Db, viewer: Viewer, id: number): Promise<ActionRow> {
  const a = await findAction(db, id);
  if (!a || (viewer.municipalityCodes && !viewer.municipalityCodes.includes(a.municipality_code))) throw notFound(`action ${id}`);
  return a;
}

/**
 * The follow-up periods: the after-period runs from the start to the end date, today or the end of the
 * incident data, whichever comes first; the before-period is as long and ends where it starts.
 */
export function followUpPeriods(startDate: string, endDate: string | null, dataEnd: string | null, today: string) {
  const candidates = [addDays(today, 1), ...(endDate ? [addDays(endDate, 1)] : []), ...(dataEnd ? [dataEnd] : [])];
  const afterEnd = candidates.reduce((a, b) => (a < b ? a : b));
  const days = Math.max(0, daysBetween(startDate, afterEnd));
  return { before: { from: addDays(startDate, -days), to: startDate }, after: { from: startDate, to: addDays(startDate, days) }, days };
}

/**
 * Before/after comparison of each linked indicator for this viewer: category counts in the area over
 * equal periods with the exact test of SPEC §5 (through the viewer's disclosure rules), and survey
 * shares from the last survey before the start against the first one after, as a difference of two
 * proportions with its 95 % interval.
 */
export async function followUpAction(db: Db, viewer: Viewer, a: ActionRow, today = stockholmToday()) {
  const area = { district_ids: a.district_ids.map(Number), geometry: a.geometry };
  const periods = followUpPeriods(a.start_date, a.end_date, await findIncidentDataEnd(db, a.municipality_code), today);
  const categoryKeys = a.indicators.map((i) => i.key).filter((k) => CATEGORY_BY_CODE.has(k));
  const counts = periods.days > 0 && categoryKeys.length
    ? await countIncidentsBeforeAfter(db, a.municipality_code, area, categoryKeys, { from: periods.before.from, mid: a.start_date, to: periods.after.to })
    : new Map<string, { before: number; after: number }>();
  const surveys = await listSurveyPeriods(db, a.municipality_code);
  const beforeSurvey = [...surveys].reverse().find((s) => (s.conducted_to ?? s.conducted_from) !== null && (s.conducted_to ?? s.conducted_from)! <= a.start_date) ?? null;
  const afterSurvey = surveys.find((s) => (s.conducted_from ?? s.conducted_to) !== null && (s.conducted_from ?? s.conducted_to)! >= a.start_date) ?? null;
  const indicatorSets = new Map<number, IndicatorSet>();
  const indicatorsOf = async (surveyId: number) => {
    if (!indicatorSets.has(surveyId)) indicatorSets.set(surveyId, computeIndicators(await listResponsesInArea(db, a.municipality_code, surveyId, area)));
    return indicatorSets.get(surveyId)!;
  };

  const entries: FollowUpEntry[] = [];
  for (const { key } of a.indicators) {
    const category = CATEGORY_BY_CODE.get(key);
    if (category) {
      const access = aggregateAccess(viewer.role, category.sensitivity);
      if (!access) {
        entries.push({ key, kind: 'category', before: null, after: null, change_pct: null, p_value: null, significant: false, note: 'your role may not see this category' });
      } else if (periods.days === 0) {
        entries.push({ key, kind: 'category', before: null, after: null, change_pct: null, p_value: null, significant: false, note: 'the action has not started yet, or there is no data after its start: nothing to compare' });
      } else {
        const c = counts.get(key) ?? { before: 0, after: 0 };
        const entry = compareCounts(key, c.before, c.after, { afterDays: periods.days, suppress: access.suppressed });
        if (category.policeInitiated) entry.note += '; mostly police-initiated: the count measures police activity as much as crime';
        entries.push(entry);
      }
      continue;
    }
    const base = { key, kind: 'survey_share' as const, before: null, after: null, change_pct: null, p_value: null, significant: false, difference: null, before_n: null, after_n: null };
    if (!beforeSurvey || !afterSurvey || beforeSurvey.id === afterSurvey.id) {
      entries.push({ ...base, note: !beforeSurvey ? 'no survey was conducted before the start: no baseline' : 'no survey has been conducted after the start yet: too early to tell' });
      continue;
    }
    const s1 = shareOf(await indicatorsOf(beforeSurvey.id), key);
    const s2 = shareOf(await indicatorsOf(afterSurvey.id), key);
    if (s1.suppressed || s2.suppressed || s1.share === null || s2.share === null) {
      entries.push({ ...base, note: `fewer than 10 answers in the area in ${s1.suppressed ? beforeSurvey.name : afterSurvey.name}: too few to tell` });
      continue;
    }
    const d = compareShares(s1.share, s1.n_eff!, s2.share, s2.n_eff!);
    entries.push({
      ...base, before: s1.share, after: s2.share, change_pct: s1.share === 0 ? null : ((s2.share - s1.share) / s1.share) * 100,
      p_value: d.p, significant: d.significant, difference: { value: d.value, low: d.low, high: d.high }, before_n: s1.n, after_n: s2.n,
      note: `${beforeSurvey.name} against ${afterSurvey.name}: ${d.significant ? 'a difference unlikely to be chance' : 'no difference that can be told apart from chance'} (95 % interval of the difference ${(d.low * 100).toFixed(1)} to ${(d.high * 100).toFixed(1)} percentage points)`,
    });
  }
  return {
    periods: { before: periods.before, after: periods.after, days: periods.days, min_after_days: MIN_AFTER_DAYS },
    surveys: { before: beforeSurvey && { id: beforeSurvey.id, name: beforeSurvey.name }, after: afterSurvey && { id: afterSurvey.id, name: afterSurvey.name } },
    entries,
  };
}

/** Throws 401/403 unless the viewer may read actions. */
export function requireActionReader(viewer: Viewer): void {
  requireAccess(viewer, mayReadCouncilWork(viewer.role), 'see actions');
}

/** Throws 401/403 unless the viewer may change actions. */
export function requireActionEditor(viewer: Viewer): void {
  requireAccess(viewer, mayEditActions(viewer.role), 'change actions');
}

/** One action with its follow-up as the viewer may see it. */
export async function getAction(db: Db, viewer: Viewer, id: number) {
  const a = await loadAction(db, viewer, id);
  const follow = await followUpAction(db, viewer, a);
  return { ...presentAction(a), follow_up_periods: follow.periods, follow_up_surveys: follow.surveys, follow_up: follow.entries };
}

/** Actions of a municipality. */
export async function listActionsFor(db: Db, viewer: Viewer, q: { municipality?: string; status?: string; priority?: number }) {
  const municipality = await resolveMunicipality(db, q.municipality, viewer);
  return { municipality, actions: (await listActions(db, municipality, { status: q.status, priorityId: q.priority })).map(presentAction) };
}

/** Creates an action, audited; nothing is written when any field is rejected. */
export async function createAction(db: Db, viewer: Viewer, input: ActionInput, route: string) {
  const municipality = await resolveMunicipality(db, input.municipality, viewer);
  const id = await db.transaction().execute(async (trx) => {
    const values = await resolveValues(trx, municipality, input);
    const actionId = await insertAction(trx, municipality, values, viewer.userId);
    await recordAudit(trx, viewer, { action: 'action.create', route, municipality, filters: { action: actionId, title: values.title, status: values.status } });
    return actionId;
  });
  return getAction(db, viewer, id);
}

/** Replaces an action, audited. */
export async function replaceAction(db: Db, viewer: Viewer, id: number, input: ActionInput, route: string) {
  const current = await loadAction(db, viewer, id);
  if (input.municipality !== undefined && input.municipality !== current.municipality_code) throw badRequest('municipality', 'an action cannot move to another municipality');
  await db.transaction().execute(async (trx) => {
    const values = await resolveValues(trx, current.municipality_code, input);
    await updateAction(trx, current.municipality_code, id, values, viewer.userId);
    await recordAudit(trx, viewer, { action: 'action.update', route, municipality: current.municipality_code, filters: { action: id, title: values.title, status: values.status } });
  });
  return getAction(db, viewer, id);
}
