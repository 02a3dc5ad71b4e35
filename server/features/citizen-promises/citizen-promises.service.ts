import { sql } from 'kysely';
import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import { aggregateAccess, mayEdit, type Role } from '../../../shared/roles.ts';
import { protectCounts } from '../../../shared/suppression.ts';
import { addDays, daysBetween, isIsoDate, stockholmToday } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest, notFound } from '../../infra/errors.ts';
import { poissonChangeTest } from '../../stats/poisson-change.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { disclosureFor, MIN_AREA_KM2, publishCount, snapsAreas } from '../disclosure/disclosure.ts';
import { parseDrawnArea } from '../incidents/incident-filter-sql.ts';
import { resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { areaShareTest, municipalityLocatedCounts } from '../site-checks/site-checks.service.ts';
import { computeIndicators, PROBLEM_CODES, type ShareResult } from '../surveys/survey-indicators.ts';
import {
  checkAreaGeometry, countAreaIncidents, deletePromise, existingDistrictIds, findPromiseMunicipality, hexCellsAsArea, insertPromise, listAreaResponses,
  listCommitments, listIndicators, listPromises, listSurveyResponses, listSurveysByDate, listTransitions, measureArea, storeFollowups, transitionPromise,
  updatePromise, type AreaRef, type AreaResponseRow, type PromiseRow, type PromiseWrite,
} from './citizen-promises.queries.ts';

export const STATUSES = ['draft', 'agreed', 'published', 'followed_up'] as const;
export type PromiseStatus = (typeof STATUSES)[number];

/** Allowed moves: back from agreed to draft for more editing, never back once published. */
const TRANSITIONS: Record<PromiseStatus, PromiseStatus[]> = {
  draft: ['agreed'],
  agreed: ['draft', 'published'],
  published: ['followed_up'],
  followed_up: [],
};
const PUBLIC_STATUSES: PromiseStatus[] = ['published', 'followed_up'];
const ALPHA = 0.05;

/** Survey indicator keys: `survey:<indicator>`; shares are fractions 0–1. */
const SURVEY_KEYS = ['otrygg', 'avstar_aktivitet', 'oro_brott', ...PROBLEM_CODES.map((c) => `problem_${c}`)];
const SURVEY_LABELS: Record<string, string> = {
  otrygg: 'Andel otrygga ute sent en kväll', avstar_aktivitet: 'Andel som avstår aktiviteter av oro för brott', oro_brott: 'Andel oroliga för brott',
  ...Object.fromEntries(PROBLEM_CODES.map((c) => [`problem_${c}`, `Andel som ser ${c.replace('_', ' ')} som ett problem`])),
};

/** A readable label of an indicator key: a category code (count of incidents) or `survey:<indicator>` (a share). */
export function indicatorLabel(key: string): string {
  if (key.startsWith('survey:')) return SURVEY_LABELS[key.slice(7)] ?? key;
  const c = CATEGORY_BY_CODE.get(key);
  return c ? `Anmälda händelser: ${c.sv}` : key;
}

function requireEditor(viewer: Viewer) {
  requireAccess(viewer, mayEdit(viewer.role, 'citizen_promises'), 'edit citizen promises');
}
export { requireEditor as requirePromiseEditor };

const isEditor = (role: Role) => mayEdit(role, 'citizen_promises');

function validateIndicatorKey(key: string, role: Role, field: string) {
  if (key.startsWith('survey:')) {
    if (!SURVEY_KEYS.includes(key.slice(7))) throw badRequest(field, `unknown survey indicator "${key.slice(0, 60)}" (survey:${SURVEY_KEYS.join(', survey:')})`);
    return;
  }
  const c = CATEGORY_BY_CODE.get(key);
  if (!c) throw badRequest(field, `unknown indicator "${key.slice(0, 60)}": a category code or survey:<indicator>`);
  if (!aggregateAccess(role, c.sensitivity)) throw new AppError(403, 'FORBIDDEN_CATEGORY', `Your role may not see aggregates of ${key}`, [{ field, message: 'not permitted' }]);
}

// ---------- area ----------

export interface AreaInput {
  district_ids?: number[];
  geometry?: unknown;
  hotspot_cells?: { i: number; j: number }[];
  cell_m?: number;
}

/** Resolves an area input (districts, a drawn polygon or hotspot cells) to SQL and what is stored; 400 naming the field. */
async function resolveArea(db: Db, municipality: string, area: AreaInput, role: Role, field = 'area'): Promise<{ ref: AreaRef; districtIds: number[]; ewkb: string | null }> {
  const given = ['district_ids', 'geometry', 'hotspot_cells'].filter((k) => (area as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) throw badRequest(field, 'give exactly one of district_ids, geometry or hotspot_cells');
  if (area.district_ids) {
    const ids = [...new Set(area.district_ids)];
    if (!ids.length) throw badRequest(`${field}.district_ids`, 'must name at least one district');
    const found = await existingDistrictIds(db, municipality, ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw badRequest(`${field}.district_ids`, `no district ${missing.slice(0, 5).join(', ')} in municipality ${municipality}`);
    return { ref: { kind: 'districts', municipality, districtIds: ids }, districtIds: ids, ewkb: null };
  }
  let ewkb: string;
  // Hotspot cells are a published grid; a drawn area is counted on the 500 m grid below police and must hold one cell.
  let onGrid = false;
  if (area.hotspot_cells) {
    if (!area.hotspot_cells.length) throw badRequest(`${field}.hotspot_cells`, 'select at least one cell');
    ewkb = await hexCellsAsArea(db, area.hotspot_cells, area.cell_m ?? 200);
  } else {
    const drawn = parseDrawnArea(area.geometry, `${field}.geometry`);
    const check = await checkAreaGeometry(db, municipality, drawn.geojson);
    if (!check.valid) throw badRequest(`${field}.geometry`, `not a valid polygon (${check.reason ?? 'invalid'}); it must not cross itself`);
    if (check.area_m2 <= 0) throw badRequest(`${field}.geometry`, 'the polygon is empty (zero area)');
    if (check.inside_m2 <= 0) throw badRequest(`${field}.geometry`, `the area lies outside municipality ${municipality}`);
    onGrid = snapsAreas(role);
    if (onGrid && check.area_m2 < MIN_AREA_KM2 * 1e6) {
      throw badRequest(`${field}.geometry`, `smaller than ${MIN_AREA_KM2} km² (${(check.area_m2 / 1e6).toFixed(3)} km²): draw a larger area or choose districts`);
    }
    ewkb = check.ewkb!;
  }
  return { ref: { kind: 'geometry', municipality, ewkb, onGrid }, districtIds: [], ewkb };
}

// ---------- evidence and baselines ----------

function tomorrow() {
  return addDays(stockholmToday(), 1);
}

/** The baseline period of a promise: as long as the promise period, ending at its start (or today, if the start lies ahead). */
export function baselinePeriod(periodStart: string, periodEnd: string): { from: string; to: string } {
  const to = periodStart < tomorrow() ? periodStart : tomorrow();
  return { from: addDays(to, -daysBetween(periodStart, periodEnd)), to };
}

function shareOf(result: ShareResult): number | null {
  return result.suppressed || result.share === null ? null : Math.round(result.share * 1000) / 1000;
}

function surveyShare(rows: AreaResponseRow[], key: string): ShareResult {
  const ind = computeIndicators(rows as never);
  const k = key.slice(7);
  if (k.startsWith('problem_')) return ind.problems[k.slice(8)];
  return ind[k as 'otrygg' | 'avstar_aktivitet' | 'oro_brott'];
}

/** The latest survey conducted before `date` (or any, when none is dated), and the latest after. */
async function surveysAround(db: Db, municipality: string, date: string) {
  const surveys = await listSurveysByDate(db, municipality);
  const before = surveys.find((s) => (s.conducted_to ?? s.conducted_from ?? '0000') < date) ?? null;
  const after = surveys.find((s) => (s.conducted_from ?? '0000') >= date) ?? null;
  return { before, after };
}

/** Baselines computed from the data: incidents in the area over the baseline period, survey shares from the latest survey before it. */
async function computeBaselines(db: Db, ref: AreaRef, keys: string[], periodStart: string, periodEnd: string) {
  const period = baselinePeriod(periodStart, periodEnd);
  const categories = keys.filter((k) => !k.startsWith('survey:'));
  const counts = await countAreaIncidents(db, ref, categories, [period]);
  const out = new Map<string, { baseline: number | null; from: string | null; to: string | null; survey?: string }>();
  for (const c of categories) out.set(c, { baseline: counts.filter((r) => r.category_code === c).reduce((s, r) => s + r.n, 0), from: period.from, to: period.to });
  const surveyKeys = keys.filter((k) => k.startsWith('survey:'));
  if (surveyKeys.length) {
    const { before } = await surveysAround(db, ref.municipality, tomorrow() < periodStart ? tomorrow() : periodStart);
    const rows = before ? await listAreaResponses(db, ref, before.id) : [];
    for (const k of surveyKeys) {
      out.set(k, { baseline: before ? shareOf(surveyShare(rows, k)) : null, from: before?.conducted_from ?? null, to: before?.conducted_to ?? null, survey: before?.name });
    }
  }
  return out;
}

export interface DraftInput {
  municipality?: string;
  area: AreaInput;
  from?: string;
  to?: string;
  survey_id?: number;
  period_start?: string;
  period_end?: string;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;
const GENDER_SV: Record<string, string> = { kvinna: 'kvinnor', man: 'män', annat: 'personer med annan könsidentitet' };

/**
 * A proposed promise from the evidence for an area: categories over the municipality's rate (exact
 * area-share test) or significantly rising (SPEC §5 test), high survey shares overall and by gender
 * and age group, and indicators with baselines computed from the data. Nothing is saved.
 */
export async function draftPromise(db: Db, viewer: Viewer, input: DraftInput) {
  requireEditor(viewer);
  const filters = await resolveIncidentFilters(db, { municipality: input.municipality, from: input.from, to: input.to }, viewer);
  const municipality = filters.municipality;
  const area = await resolveArea(db, municipality, input.area, viewer.role);
  const periodStart = input.period_start ?? `${addDays(stockholmToday(), 32).slice(0, 7)}-01`;
  const periodEnd = input.period_end ?? addDays(periodStart, 365);
  checkPeriod(periodStart, periodEnd);
  const len = daysBetween(filters.from, filters.to);
  const previous = { from: addDays(filters.from, -len), to: filters.from };
  const [counts, measured, municipal] = await Promise.all([
    countAreaIncidents(db, area.ref, filters.categories, [{ from: filters.from, to: filters.to }, previous]),
    measureArea(db, area.ref),
    municipalityLocatedCounts(db, filters),
  ]);
  const share = measured.municipality_m2 > 0 ? measured.area_m2 / measured.municipality_m2 : 0;
  const now = new Map<string, number>(), before = new Map<string, number>();
  for (const r of counts) {
    const into = r.period === 0 ? now : before;
    into.set(r.category_code, (into.get(r.category_code) ?? 0) + r.n);
  }
  const cells = filters.categories.flatMap((c) => [
    { key: `${c}|now`, count: now.get(c) ?? 0, groups: ['now'] }, { key: `${c}|before`, count: before.get(c) ?? 0, groups: ['before'] },
  ]);
  const shown = protectCounts(cells, filters.suppress);
  const categoryEvidence = filters.categories.map((c) => {
    const a = shown.get(`${c}|now`)!.count, b = shown.get(`${c}|before`)!.count;
    const n = municipal.get(c) ?? 0;
    const expected = n * share;
    const p = a === null ? null : areaShareTest(a, n, share);
    const change = a === null || b === null ? null : poissonChangeTest(a, b);
    return {
      category: c, name_sv: CATEGORY_BY_CODE.get(c)!.sv, count: a, previous_count: b, expected: Math.round(expected * 100) / 100,
      over_rate: p !== null && p < ALPHA && a! > expected, p_value: p,
      change_pct: change?.change_pct === null || change === null ? null : Math.round(change.change_pct * 10) / 10,
      rising: change !== null && change.significant && a! > b!, change_p_value: change?.p ?? null,
    };
  });
  const problems: string[] = [];
  for (const e of categoryEvidence.filter((x) => x.over_rate).sort((x, y) => (y.count ?? 0) / Math.max(y.expected, 0.01) - (x.count ?? 0) / Math.max(x.expected, 0.01)).slice(0, 5)) {
    problems.push(`${e.name_sv} är vanligare i området än i kommunen i stort (${e.count} anmälda mot förväntat ${e.expected.toFixed(1)} för ytan).`);
  }
  for (const e of categoryEvidence.filter((x) => x.rising).slice(0, 3)) {
    problems.push(`${e.name_sv} har ökat i området (${e.previous_count} → ${e.count}, ${e.change_pct !== null ? `+${e.change_pct} %` : 'ny'}).`);
  }

  // Survey evidence: the chosen survey or the latest one.
  const surveys = await listSurveysByDate(db, municipality);
  const survey = input.survey_id !== undefined ? surveys.find((s) => s.id === input.survey_id) : surveys[0];
  if (input.survey_id !== undefined && !survey) throw badRequest('survey_id', `no survey ${input.survey_id} in municipality ${municipality}`);
  let surveyEvidence: null | { survey_id: number; name: string; n: number; shares: { key: string; label: string; area: number | null; municipality: number | null; n: number | null }[]; groups: { gender: string | null; age_group: string | null; key: string; share: number | null; n: number }[] } = null;
  if (survey) {
    const [areaRows, allRows] = await Promise.all([listAreaResponses(db, area.ref, survey.id), listSurveyResponses(db, municipality, survey.id)]);
    const shares = ['survey:otrygg', 'survey:avstar_aktivitet', 'survey:oro_brott', ...PROBLEM_CODES.map((c) => `survey:problem_${c}`)].map((key) => {
      const a = surveyShare(areaRows, key);
      return { key, label: indicatorLabel(key), area: shareOf(a), municipality: shareOf(surveyShare(allRows, key)), n: a.suppressed ? null : a.n };
    });
    for (const s of shares.filter((x) => x.area !== null && x.municipality !== null && x.area >= x.municipality + 0.05 && x.area >= 0.2).slice(0, 4)) {
      problems.push(`${s.label}: ${pct(s.area!)} i området mot ${pct(s.municipality!)} i kommunen.`);
    }
    // For whom: gender and age groups with n ≥ 10 whose share of otrygga stands out.
    const groups: { gender: string | null; age_group: string | null; key: string; share: number | null; n: number }[] = [];
    for (const by of ['gender', 'age_group'] as const) {
      const byValue = new Map<string, AreaResponseRow[]>();
      for (const r of areaRows) {
        const v = r[by];
        if (v === null || v === 'uppgift_saknas') continue;
        byValue.set(v, [...(byValue.get(v) ?? []), r]);
      }
      for (const [v, rows] of byValue) {
        const s = shareOf(surveyShare(rows, 'survey:otrygg'));
        groups.push({ gender: by === 'gender' ? v : null, age_group: by === 'age_group' ? v : null, key: 'survey:otrygg', share: s, n: rows.length });
      }
    }
    const overall = shares[0].area;
    for (const g of groups.filter((x) => x.share !== null && overall !== null && x.share >= overall + 0.1).sort((x, y) => y.share! - x.share!).slice(0, 2)) {
      const who = g.gender ? GENDER_SV[g.gender] ?? g.gender : `personer ${g.age_group} år`;
      problems.push(`Otryggheten är störst bland ${who}: ${pct(g.share!)} känner sig otrygga ute sent en kväll (alla i området: ${pct(overall!)}).`);
    }
    surveyEvidence = { survey_id: survey.id, name: survey.name, n: areaRows.length, shares, groups: groups.filter((g) => g.share !== null) };
  }

  // Indicators: the categories behind the problems (or the largest ones), and the share of otrygga.
  const chosen = [...new Set([
    ...categoryEvidence.filter((e) => e.over_rate || e.rising).map((e) => e.category),
    ...categoryEvidence.filter((e) => (e.count ?? 0) > 0).sort((x, y) => (y.count ?? 0) - (x.count ?? 0)).map((e) => e.category),
  ])].slice(0, 3);
  const keys = [...chosen, ...(surveyEvidence && surveyEvidence.shares[0].area !== null ? ['survey:otrygg'] : [])];
  const baselines = await computeBaselines(db, area.ref, keys, periodStart, periodEnd);
  const indicators = keys.map((key) => {
    const b = baselines.get(key)!;
    const shownBaseline = key.startsWith('survey:') || b.baseline === null ? b.baseline : protectCounts([{ key: 0, count: b.baseline, groups: [] }], filters.suppress).get(0)!.count;
    const target = shownBaseline === null ? null : key.startsWith('survey:') ? Math.max(0, Math.round((shownBaseline - 0.05) * 1000) / 1000) : Math.floor(shownBaseline * 0.9);
    return { key, label: indicatorLabel(key), baseline: shownBaseline, baseline_from: b.from, baseline_to: b.to, target };
  });
  const districtNames = area.districtIds.length ? await districtNamesOf(db, municipality, area.districtIds) : [];
  return {
    municipality,
    title: `Medborgarlöfte ${districtNames.length ? districtNames.join(', ') : 'för området'} ${periodStart.slice(0, 4)}`,
    area: { district_ids: area.districtIds, geometry: area.ewkb ? await ewkbAsGeoJson(db, area.ewkb) : null },
    period_start: periodStart,
    period_end: periodEnd,
    problems,
    commitments: [
      { actor: 'police' as const, text: '', responsible: 'Lokalpolisområdet' },
      { actor: 'municipality' as const, text: '', responsible: 'Kommunstyrelsen' },
    ],
    indicators,
    evidence: {
      period: { from: filters.from, to: filters.to }, previous_period: previous, area_m2: Math.round(measured.area_m2), area_share: share,
      suppressed: filters.suppress, categories: categoryEvidence, survey: surveyEvidence,
    },
  };
}

async function districtNamesOf(db: Db, municipality: string, ids: number[]): Promise<string[]> {
  const rows = await db.selectFrom('district').select(['id', 'name']).where('municipality_code', '=', municipality).where('id', 'in', ids).execute();
  return rows.map((r) => r.name);
}

async function ewkbAsGeoJson(db: Db, ewkb: string): Promise<unknown> {
  const row = await sql<{ g: string }>`SELECT ST_AsGeoJSON(ST_Transform(${ewkb}::geometry, 4326), 6) AS g`.execute(db);
  return JSON.parse(row.rows[0].g);
}

// ---------- CRUD ----------

function checkPeriod(start: string, end: string) {
  if (!isIsoDate(start)) throw badRequest('period_start', `not a calendar date: ${start.slice(0, 20)}`);
  if (!isIsoDate(end)) throw badRequest('period_end', `not a calendar date: ${end.slice(0, 20)}`);
  if (end <= start) throw badRequest('period_end', 'must be after period_start');
  if (daysBetween(start, end) > 5 * 366) throw badRequest('period_end', 'a promise runs at most five years');
  if (start < '2000-01-01' || end > '2100-01-01') throw badRequest('period_start', 'period outside 2000–2100');
}

export interface PromiseInput {
  municipality?: string;
  title: string;
  area: AreaInput;
  period_start: string;
  period_end: string;
  problems?: string[];
  commitments?: { actor: 'police' | 'municipality'; text: string; responsible?: string | null }[];
  indicators?: { key: string; baseline?: number | null; target?: number | null; label?: string | null }[];
  internal_notes?: string | null;
  evidence?: Record<string, unknown>;
}

/** Validates a promise and computes missing baselines: what insertPromise/updatePromise write. */
export async function prepareWrite(db: Db, viewer: Viewer, municipality: string, input: PromiseInput): Promise<PromiseWrite> {
  const title = input.title.trim();
  if (!title) throw badRequest('title', 'must not be empty');
  checkPeriod(input.period_start, input.period_end);
  const indicators = input.indicators ?? [];
  const seen = new Set<string>();
  indicators.forEach((i, k) => {
    validateIndicatorKey(i.key, viewer.role, `indicators.${k}.key`);
    if (seen.has(i.key)) throw badRequest(`indicators.${k}.key`, `indicator ${i.key} is listed twice`);
    seen.add(i.key);
  });
  (input.commitments ?? []).forEach((c, k) => {
    if (!c.text.trim()) throw badRequest(`commitments.${k}.text`, 'must not be empty');
  });
  (input.problems ?? []).forEach((p, k) => {
    if (!p.trim()) throw badRequest(`problems.${k}`, 'must not be empty');
  });
  const area = await resolveArea(db, municipality, input.area, viewer.role);
  // Baselines the user left out are computed from the data; given ones are kept as edited.
  const missing = indicators.filter((i) => i.baseline === undefined || i.baseline === null).map((i) => i.key);
  const computed = missing.length ? await computeBaselines(db, area.ref, missing, input.period_start, input.period_end) : new Map();
  const period = baselinePeriod(input.period_start, input.period_end);
  return {
    municipality, title, districtIds: area.districtIds, ewkb: area.ewkb, periodStart: input.period_start, periodEnd: input.period_end,
    problems: (input.problems ?? []).map((p) => p.trim()), evidence: input.evidence ?? {}, internalNotes: input.internal_notes ?? null,
    commitments: (input.commitments ?? []).map((c) => ({ actor: c.actor, text: c.text.trim(), responsible: c.responsible?.trim() || null })),
    indicators: indicators.map((i) => {
      const c = computed.get(i.key);
      return {
        key: i.key, label: i.label ?? indicatorLabel(i.key), baseline: c ? c.baseline : i.baseline!, baselineFrom: c ? c.from : i.key.startsWith('survey:') ? null : period.from,
        baselineTo: c ? c.to : i.key.startsWith('survey:') ? null : period.to, target: i.target ?? null,
      };
    }),
  };
}

async function loadPromise(db: Db, viewer: Viewer, id: number): Promise<PromiseRow> {
  const municipality = await findPromiseMunicipality(db, id);
  if (!municipality || (viewer.municipalityCodes && !viewer.municipalityCodes.includes(municipality))) throw notFound(`citizen promise ${id}`);
  const [row] = await listPromises(db, municipality, isEditor(viewer.role) ? null : PUBLIC_STATUSES, id);
  if (!row) throw notFound(`citizen promise ${id}`);
  return row;
}

/**
 * A stored count (a category's baseline or follow-up, computed exactly) as this role may see it: through the
 * same protection as every other count of that category (1–4 hidden, the rest rounded to 5 where suppressed).
 * Survey shares are not counts and stay as they are.
 */
function shownCount(role: Role, key: string, value: number | null): number | null {
  if (value === null || key.startsWith('survey:') || !CATEGORY_BY_CODE.has(key)) return value;
  return publishCount(Math.round(value), disclosureFor(role, [key]).suppress);
}

/** A promise as the viewer may see it: editors get internal notes, evidence and history; others the published fields. */
async function present(db: Db, viewer: Viewer, rows: PromiseRow[], withFollowUp: boolean) {
  if (!rows.length) return [];
  const municipality = rows[0].municipality_code;
  const ids = rows.map((r) => r.id);
  const [commitments, indicators] = await Promise.all([listCommitments(db, municipality, ids), listIndicators(db, municipality, ids)]);
  const editor = isEditor(viewer.role);
  const out = [];
  for (const r of rows) {
    const own = indicators.filter((i) => i.promise_id === r.id)
      // Non-editors never see indicators of categories their role may not see.
      .filter((i) => i.key.startsWith('survey:') || editor || aggregateAccess(viewer.role, CATEGORY_BY_CODE.get(i.key)?.sensitivity ?? 'protected') !== null);
    const followUp = withFollowUp ? await computeFollowUp(db, r, own, viewer) : undefined;
    out.push({
      id: r.id, municipality: r.municipality_code, title: r.title,
      area: { district_ids: r.district_ids.map(Number), geometry: r.geometry ? JSON.parse(r.geometry) : null },
      period_start: r.period_start, period_end: r.period_end,
      problems: ((typeof r.problems === 'string' ? JSON.parse(r.problems) : r.problems) as unknown[]).map(String),
      commitments: commitments.filter((c) => c.promise_id === r.id).map((c) => ({ actor: c.actor, text: c.text, responsible: c.responsible })),
      indicators: own.map((i) => ({
        key: i.key, label: i.label ?? indicatorLabel(i.key), baseline: shownCount(viewer.role, i.key, i.baseline), baseline_from: i.baseline_from,
        baseline_to: i.baseline_to, target: i.target, followup: shownCount(viewer.role, i.key, i.followup),
      })),
      status: r.status, agreed_at: r.agreed_at, published_at: r.published_at, followed_up_at: r.followed_up_at, created_at: r.created_at, updated_at: r.updated_at,
      ...(followUp ? { follow_up: followUp } : {}),
      ...(editor
        ? { internal_notes: r.internal_notes, evidence: (typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence) as Record<string, unknown>, history: await listTransitions(db, municipality, r.id) }
        : {}),
    });
  }
  return out;
}

/**
 * Follow-up of each indicator: a category's incidents in the area over the promise period so far
 * against the equally long period just before it (SPEC §5's exact test), projected to the baseline's
 * length for the target; a survey share from the latest survey after the start against the latest before.
 */
async function computeFollowUp(db: Db, r: PromiseRow, indicators: Awaited<ReturnType<typeof listIndicators>>, viewer: Viewer) {
  const ref: AreaRef = r.ewkb
    ? { kind: 'geometry', municipality: r.municipality_code, ewkb: r.ewkb, onGrid: snapsAreas(viewer.role) }
    : { kind: 'districts', municipality: r.municipality_code, districtIds: r.district_ids.map(Number) };
  const end = r.period_end < tomorrow() ? r.period_end : tomorrow();
  const afterDays = daysBetween(r.period_start, end);
  const after = { from: r.period_start, to: end };
  const before = { from: addDays(r.period_start, -Math.max(afterDays, 0)), to: r.period_start };
  const cats = indicators.filter((i) => !i.key.startsWith('survey:')).map((i) => i.key);
  const counts = afterDays > 0 ? await countAreaIncidents(db, ref, cats, [before, after]) : [];
  const suppress = !isEditor(viewer.role) || viewer.role === 'analyst';
  const hasSurvey = indicators.some((i) => i.key.startsWith('survey:'));
  const surveys = hasSurvey ? await surveysAround(db, r.municipality_code, r.period_start) : { before: null, after: null };
  const [beforeRows, afterRows] = await Promise.all([
    surveys.before ? listAreaResponses(db, ref, surveys.before.id) : Promise.resolve([]),
    surveys.after ? listAreaResponses(db, ref, surveys.after.id) : Promise.resolve([]),
  ]);
  return indicators.map((i) => {
    const target = i.target;
    if (i.key.startsWith('survey:')) {
      const b = surveys.before ? surveyShare(beforeRows, i.key) : null;
      const a = surveys.after ? surveyShare(afterRows, i.key) : null;
      const bShare = b ? shareOf(b) : null, aShare = a ? shareOf(a) : null;
      const significant = aShare !== null && bShare !== null && a!.low !== null && b!.high !== null && (a!.high! < b!.low! || a!.low! > b!.high!);
      const met = target === null || aShare === null || i.baseline === null ? null : target < i.baseline ? aShare <= target : aShare >= target;
      return {
        key: i.key, label: i.label ?? indicatorLabel(i.key), kind: 'survey_share' as const, before: bShare, after: aShare, before_period: null, after_period: null,
        change_pct: bShare && aShare !== null ? Math.round(((aShare - bShare) / bShare) * 1000) / 10 : null, p_value: null,
        significant: aShare === null || bShare === null ? null : significant, baseline: i.baseline, target, projected: aShare, target_met: met,
        note: !surveys.after ? 'Ingen trygghetsmätning efter periodens start ännu.' : 'Andelar jämförs med 95 % Wilson-intervall: signifikant när intervallen inte överlappar.',
      };
    }
    if (afterDays <= 0) {
      return { key: i.key, label: i.label ?? indicatorLabel(i.key), kind: 'incident_count' as const, before: null, after: null, before_period: before, after_period: after, change_pct: null, p_value: null, significant: null, baseline: shownCount(viewer.role, i.key, i.baseline), target, projected: null, target_met: null, note: 'Perioden har inte börjat.' };
    }
    const sum = (k: number) => counts.filter((c) => c.period === k && c.category_code === i.key).reduce((s, c) => s + c.n, 0);
    const cells = protectCounts([{ key: 'b', count: sum(0), groups: ['x'] }, { key: 'a', count: sum(1), groups: ['x'] }], suppress && (CATEGORY_BY_CODE.get(i.key)?.sensitivity !== 'open' || !isEditor(viewer.role)));
    const bShown = cells.get('b')!.count, aShown = cells.get('a')!.count;
    const test = bShown === null || aShown === null ? null : poissonChangeTest(aShown, bShown);
    const baselineDays = i.baseline_from && i.baseline_to ? daysBetween(i.baseline_from, i.baseline_to) : afterDays;
    const projected = aShown === null ? null : Math.round((aShown * baselineDays) / afterDays * 10) / 10;
    const met = target === null || projected === null || i.baseline === null ? null : target <= i.baseline ? projected <= target : projected >= target;
    return {
      key: i.key, label: i.label ?? indicatorLabel(i.key), kind: 'incident_count' as const, before: bShown, after: aShown, before_period: before, after_period: after,
      change_pct: test?.change_pct === null || !test ? null : Math.round(test.change_pct * 10) / 10, p_value: test?.p ?? null, significant: test ? test.significant : null,
      baseline: shownCount(viewer.role, i.key, i.baseline), target, projected, target_met: met,
      note: afterDays < daysBetween(r.period_start, r.period_end) ? `Perioden pågår: ${afterDays} av ${daysBetween(r.period_start, r.period_end)} dagar; prognos uppräknad till baslinjens längd.` : null,
    };
  });
}

/** Promises of a municipality: editors see every status, everyone else the published and followed-up ones. */
export async function listPromisesFor(db: Db, viewer: Viewer, municipalityCode: string | undefined, status: string | undefined) {
  const municipality = await resolveMunicipality(db, municipalityCode, viewer);
  let statuses: string[] | null = isEditor(viewer.role) ? null : PUBLIC_STATUSES;
  if (status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(status)) throw badRequest('status', `one of ${STATUSES.join(', ')}`);
    statuses = statuses ? statuses.filter((s) => s === status) : [status];
  }
  const rows = statuses && !statuses.length ? [] : await listPromises(db, municipality, statuses);
  return { municipality, promises: await present(db, viewer, rows, false) };
}

/** One promise with its follow-up. */
export async function getPromise(db: Db, viewer: Viewer, id: number) {
  const row = await loadPromise(db, viewer, id);
  return (await present(db, viewer, [row], true))[0];
}

/** Creates a draft promise (baselines computed where not given); audited. */
export async function createPromise(db: Db, viewer: Viewer, input: PromiseInput, ip: string) {
  requireEditor(viewer);
  const municipality = await resolveMunicipality(db, input.municipality, viewer);
  const write = await prepareWrite(db, viewer, municipality, input);
  const id = await db.transaction().execute(async (tx) => {
    const newId = await insertPromise(tx, write, viewer.userId, viewer.role);
    await recordAudit(tx, viewer, { action: 'citizen_promises.create', route: '/api/citizen-promises', municipality, filters: { id: newId, title: write.title }, ip });
    return newId;
  });
  return getPromise(db, viewer, id);
}

/** Replaces a draft or agreed promise; once published its content is fixed (409). */
export async function editPromise(db: Db, viewer: Viewer, id: number, input: PromiseInput, ip: string) {
  requireEditor(viewer);
  const row = await loadPromise(db, viewer, id);
  if (input.municipality !== undefined && input.municipality !== row.municipality_code) throw badRequest('municipality', 'a promise cannot move to another municipality');
  if (row.status !== 'draft' && row.status !== 'agreed') throw new AppError(409, 'PROMISE_LOCKED', `A ${row.status} promise can no longer be edited`);
  const write = await prepareWrite(db, viewer, row.municipality_code, input);
  await db.transaction().execute(async (tx) => {
    await updatePromise(tx, id, write);
    await recordAudit(tx, viewer, { action: 'citizen_promises.update', route: '/api/citizen-promises/:id', municipality: row.municipality_code, filters: { id }, ip });
  });
  return getPromise(db, viewer, id);
}

/** Deletes a draft; anything further along is kept for the record (409). */
export async function removePromise(db: Db, viewer: Viewer, id: number, ip: string) {
  requireEditor(viewer);
  const row = await loadPromise(db, viewer, id);
  if (row.status !== 'draft') throw new AppError(409, 'PROMISE_LOCKED', `Only drafts can be deleted; this one is ${row.status}`);
  await db.transaction().execute(async (tx) => {
    await deletePromise(tx, row.municipality_code, id);
    await recordAudit(tx, viewer, { action: 'citizen_promises.delete', route: '/api/citizen-promises/:id', municipality: row.municipality_code, filters: { id }, ip });
  });
}

/**
 * Moves a promise along draft → agreed → published → followed_up (agreed may go back to draft; a
 * published promise never does). Records who and when, audits, and on follow-up stores each indicator's value.
 */
export async function changeStatus(db: Db, viewer: Viewer, id: number, to: string, ip: string) {
  requireEditor(viewer);
  if (!(STATUSES as readonly string[]).includes(to)) throw badRequest('status', `one of ${STATUSES.join(', ')}`);
  const row = await loadPromise(db, viewer, id);
  const from = row.status;
  if (!TRANSITIONS[from].includes(to as PromiseStatus)) {
    throw new AppError(409, 'INVALID_TRANSITION', `A ${from} promise cannot become ${to} (allowed: ${TRANSITIONS[from].join(', ') || 'none'})`, [{ field: 'status', message: `not allowed from ${from}` }]);
  }
  if (to === 'published') {
    const [commitments, indicators] = await Promise.all([listCommitments(db, row.municipality_code, [id]), listIndicators(db, row.municipality_code, [id])]);
    if (!commitments.length) throw badRequest('status', 'a promise needs at least one commitment before it is published');
    if (!indicators.length) throw badRequest('status', 'a promise needs at least one indicator before it is published');
  }
  const followUp = to === 'followed_up' ? (await present(db, { ...viewer, role: 'police' }, [row], true))[0].follow_up! : null;
  await db.transaction().execute(async (tx) => {
    const moved = await transitionPromise(tx, row.municipality_code, id, from, to, { userId: viewer.userId, tokenId: viewer.tokenId, role: viewer.role });
    if (!moved) throw new AppError(409, 'STATUS_CHANGED', 'The promise changed status meanwhile; reload it');
    if (followUp) await storeFollowups(tx, row.municipality_code, id, followUp.map((f) => ({ key: f.key, followup: f.kind === 'incident_count' ? f.projected : f.after })));
    await recordAudit(tx, viewer, { action: `citizen_promises.status.${to}`, route: '/api/citizen-promises/:id/status', municipality: row.municipality_code, filters: { id, from, to }, ip });
  });
  return getPromise(db, viewer, id);
}

/** Follow-up values to store for a promise (unsuppressed: what the public page then shows through its own protection). */
export async function followUpValues(db: Db, municipality: string, id: number): Promise<{ key: string; followup: number | null }[]> {
  const [row] = await listPromises(db, municipality, null, id);
  const followUp = (await present(db, { role: 'police', userId: null, tokenId: null, municipalityCodes: null }, [row], true))[0].follow_up!;
  return followUp.map((f) => ({ key: f.key, followup: f.kind === 'incident_count' ? f.projected : f.after }));
}

/** Stores the current follow-up values of a published promise's indicators (what the public page shows as progress). */
export async function refreshFollowUp(db: Db, viewer: Viewer, id: number, ip: string) {
  requireEditor(viewer);
  const row = await loadPromise(db, viewer, id);
  if (row.status !== 'published' && row.status !== 'followed_up') throw new AppError(409, 'NOT_PUBLISHED', 'Only a published promise is followed up');
  const followUp = (await present(db, { ...viewer, role: 'police' }, [row], true))[0].follow_up!;
  await db.transaction().execute(async (tx) => {
    await storeFollowups(tx, row.municipality_code, id, followUp.map((f) => ({ key: f.key, followup: f.kind === 'incident_count' ? f.projected : f.after })));
    await recordAudit(tx, viewer, { action: 'citizen_promises.follow_up', route: '/api/citizen-promises/:id/follow-up', municipality: row.municipality_code, filters: { id }, ip });
  });
  return getPromise(db, viewer, id);
}

