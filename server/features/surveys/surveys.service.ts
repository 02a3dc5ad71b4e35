import { suppressWithComplements, type SuppressionReason } from '../../../shared/suppression.ts';
import type { Db } from '../../infra/db.ts';
import { badRequest, notFound } from '../../infra/errors.ts';
import type { Viewer } from '../auth/viewer.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { computeIndicators, INDICATOR_DEFINITIONS, MIN_GROUP_N, PROBLEM_CODES, type IndicatorSet } from './survey-indicators.ts';
import { findSurvey, listDistrictLabels, listResponses, listSurveys, type ResponseRow, type SurveyRow } from './surveys.queries.ts';

/** Dimensions an indicator table may be broken down by (the gender and child-rights perspective needs the last two). */
export const BREAKDOWNS = ['district', 'gender', 'age_group'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

const GENDER_ORDER = ['kvinna', 'man', 'annat', 'uppgift_saknas'];
const AGE_ORDER = ['16-19', '20-34', '35-49', '50-64', '65-79', '80+'];

function presentSurvey(s: SurveyRow) {
  return { id: s.id, name: s.name, kind: s.kind, conducted_from: s.conducted_from, conducted_to: s.conducted_to, responses: s.responses, marks: s.marks };
}

/** The municipality's surveys with response and mark counts, newest first. */
export async function listSurveysFor(db: Db, viewer: Viewer, municipalityCode: string | undefined) {
  const municipality = await resolveMunicipality(db, municipalityCode, viewer);
  return { municipality, surveys: (await listSurveys(db, municipality)).map(presentSurvey) };
}

/** Parses `by` (comma list of district, gender, age_group; empty = no breakdown) or throws a 400 naming it. */
export function parseBreakdown(value: string | undefined): Breakdown[] {
  if (value === undefined || value.trim() === '') return [];
  const items = value.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!(BREAKDOWNS as readonly string[]).includes(item)) throw badRequest('by', `unknown breakdown "${item.slice(0, 40)}" (use ${BREAKDOWNS.join(', ')})`);
  }
  if (new Set(items).size !== items.length) throw badRequest('by', 'a breakdown is named twice');
  return items as Breakdown[];
}

/**
 * Reads a caller may share between several indicator answers of one request (a meeting snapshot asks for a
 * dozen tables of the same survey): the survey row, district labels and responses per level, each read once.
 * Never shared between requests, so a change in the data is seen by the next one.
 */
export type SurveyReads = Map<string, Promise<unknown>>;

function readOnce<T>(reads: SurveyReads | undefined, key: string, read: () => Promise<T>): Promise<T> {
  if (!reads) return read();
  let hit = reads.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = read();
    reads.set(key, hit);
  }
  return hit;
}

/** The survey a viewer asked for, after the municipality access check; 404 when it does not exist. */
export async function resolveSurvey(db: Db, viewer: Viewer, surveyId: number, municipalityCode?: string, reads?: SurveyReads): Promise<SurveyRow> {
  const survey = await readOnce(reads, `survey:${surveyId}`, () => findSurvey(db, surveyId));
  if (!survey || (municipalityCode !== undefined && survey.municipality_code !== municipalityCode)) throw notFound(`survey ${surveyId}`);
  await resolveMunicipality(db, survey.municipality_code, viewer);
  return survey;
}

/** A response's value of one breakdown, its district already rolled up to the level asked for. */
function valueOf(r: ResponseRow, b: Breakdown): string | number | null {
  return b === 'district' ? r.district_id : b === 'gender' ? r.gender : r.age_group;
}

/** The group key of a response for the chosen breakdowns. */
function groupKey(r: ResponseRow, by: readonly Breakdown[]): string {
  return JSON.stringify(by.map((b) => valueOf(r, b)));
}

type DistrictLabel = Awaited<ReturnType<typeof listDistrictLabels>>[number];

/** A response's district at a level: its nearest ancestor-or-self of that kind, null when it has none (or no level: its own). */
function districtRollUp(labels: readonly DistrictLabel[]): (districtId: number | null, level: string | null) => number | null {
  const byId = new Map(labels.map((d) => [d.id, d]));
  const memo = new Map<string, number | null>();
  return (districtId, level) => {
    if (level === null || districtId === null) return districtId;
    const key = `${districtId}|${level}`;
    if (memo.has(key)) return memo.get(key)!;
    let d = byId.get(districtId);
    const seen = new Set<number>();
    while (d && d.kind !== level && d.parent_id !== null && !seen.has(d.id)) {
      seen.add(d.id);
      d = byId.get(d.parent_id);
    }
    const found = d && d.kind === level ? d.id : null;
    memo.set(key, found);
    return found;
  };
}

function rank(order: string[], v: string | null) {
  const k = v === null ? -1 : order.indexOf(v);
  return k === -1 ? order.length + (v === null ? 1 : 0) : k;
}

/** A group's indicators, or null indicators when it has fewer than MIN_GROUP_N responses or is hidden as a complement. */
function presentGroup(rows: readonly ResponseRow[], hidden = false): { n: number | null; suppressed: boolean; indicators: IndicatorSet | null } {
  if (hidden || rows.length < MIN_GROUP_N) return { n: null, suppressed: true, indicators: null };
  return { n: rows.length, suppressed: false, indicators: computeIndicators(rows) };
}

/**
 * The margins a group's total can be learnt from: the overall result and every table with fewer
 * breakdowns (by=district gives a district's total, which minus its visible gender groups would
 * reveal a lone hidden one). Keys name the margin table and the group's values in it.
 */
function marginsOf(values: readonly (string | number | null)[]): string[] {
  const margins: string[] = [];
  for (let mask = 0; mask < (1 << values.length) - 1; mask++) {
    margins.push(JSON.stringify(values.map((v, i) => ((mask >> i) & 1 ? v : '*'))));
  }
  return margins;
}

/**
 * Which groups of the table at `level` to hide. Groups under MIN_GROUP_N are hidden, and so is the
 * smallest other group of any relation that would otherwise have exactly one hidden member: the margins
 * of the table (the overall result and every table with fewer breakdowns) and, when the table is broken
 * down by district, every other district level too: a stadsdel's group is the sum of its områden's
 * groups, so `level=stadsdel` minus the visible områden would give a lone hidden område away.
 * Suppression is therefore decided once over the tables of all levels together, and each level's table
 * shows its part of that one decision. A group is identified by the set of responses it holds, so the
 * same group reached at two levels is hidden at both or neither.
 */
function hiddenGroups(
  rawRows: readonly ResponseRow[], by: readonly Breakdown[], level: string | null,
  levels: readonly (string | null)[], rollUp: (districtId: number | null, level: string | null) => number | null,
): Map<string, SuppressionReason> {
  const districtAt = (r: ResponseRow, l: string | null) => rollUp(r.district_id, l);
  const tableLevels = by.includes('district') ? levels : [level];
  // The responses' own districts behind each rolled-up district, which identify a group across levels.
  const members = new Map<string, Set<number | null>>();
  for (const l of tableLevels) {
    for (const r of rawRows) {
      const k = `${l}|${districtAt(r, l)}`;
      (members.get(k) ?? members.set(k, new Set()).get(k)!).add(r.district_id);
    }
  }
  const identities = new Map<string, string>();
  const identity = (l: string | null, d: number | null) => {
    const k = `${l}|${d}`;
    if (!identities.has(k)) identities.set(k, `R${JSON.stringify([...members.get(k)!].sort())}`);
    return identities.get(k)!;
  };
  const identityValues = (r: ResponseRow, l: string | null) => by.map((b) => (b === 'district' ? identity(l, districtAt(r, l)) : valueOf(r, b)));

  // Each level's table has its own margins; the relations between levels are listed first so that the
  // greedy complement choice meets the tightest relations (a district and its parts) before the overall.
  const cells = new Map<string, { key: string; count: number; margins: Set<string>; relations: Set<string> }>();
  const shownKeys = new Map<string, string>();
  for (const l of tableLevels) {
    const counted = new Map<string, number>();
    for (const r of rawRows) {
      const values = identityValues(r, l);
      const id = JSON.stringify(values);
      counted.set(id, (counted.get(id) ?? 0) + 1);
      if (!cells.has(id)) cells.set(id, { key: id, count: 0, margins: new Set(), relations: new Set() });
      for (const m of marginsOf(values)) cells.get(id)!.margins.add(`${l}|${m}`);
      if (l === level) shownKeys.set(groupKey({ ...r, district_id: districtAt(r, l) }, by), id);
    }
    for (const [id, n] of counted) cells.get(id)!.count = n;
  }
  if (by.includes('district')) {
    const others = (r: ResponseRow) => JSON.stringify(by.filter((b) => b !== 'district').map((b) => valueOf(r, b)));
    for (const fine of levels) {
      for (const coarse of levels) {
        if (coarse === null || coarse === fine) continue;
        // A fine group lies inside one coarse district, or it is the fine level's group of responses
        // without a district there, which spans several: it joins each of their relations.
        const parents = new Map<string, Set<number | null>>();
        for (const r of rawRows) {
          const id = JSON.stringify(identityValues(r, fine));
          (parents.get(id) ?? parents.set(id, new Set()).get(id)!).add(districtAt(r, coarse));
        }
        for (const r of rawRows) {
          const parent = districtAt(r, coarse);
          if (parent === null) continue;
          const id = JSON.stringify(identityValues(r, fine));
          if (parents.get(id)!.size > 1 && districtAt(r, fine) !== null) continue;
          const relation = `rel|${coarse}|${parent}|${fine}|${others(r)}`;
          cells.get(id)!.relations.add(relation);
          cells.get(JSON.stringify(identityValues(r, coarse)))!.relations.add(relation);
        }
      }
    }
  }
  const hidden = suppressWithComplements([...cells.values()].map((c) => ({ key: c.key, count: c.count, groups: [...c.relations, ...c.margins] })), (c) => c.count < MIN_GROUP_N);
  const out = new Map<string, SuppressionReason>();
  for (const [shown, id] of shownKeys) {
    const reason = hidden.get(id);
    if (reason) out.set(shown, reason);
  }
  return out;
}

/**
 * Per district: the share otrygg for classifying it (null when the district has fewer than
 * MIN_GROUP_N responses), and whether that share may be published. A district hidden only as the
 * complement of a small one is still classified by its own answers, but its share and n stay unpublished.
 */
export async function districtOtryggForClassification(db: Db, viewer: Viewer, surveyId: number, level: string, reads?: SurveyReads) {
  const result = await getSurveyIndicators(db, viewer, surveyId, { by: ['district'], level, revealComplements: true, reads });
  return new Map(result.groups.map((g) => [g.key.district_id ?? null, { otrygg: g.indicators?.otrygg ?? null, n: g.n, publishable: !g.complement }]));
}

/**
 * Survey indicators (SPEC §4.3) overall and per group of the chosen breakdowns, with weights,
 * 95 % Wilson intervals and n; groups with n < 10 suppressed. `level` rolls districts up to a
 * coarser kind.
 */
export async function getSurveyIndicators(
  db: Db, viewer: Viewer, surveyId: number,
  // revealComplements is for classification inside the server only: never send its groups as they are.
  options: { by: Breakdown[]; level?: string; municipality?: string; revealComplements?: boolean; reads?: SurveyReads },
) {
  const { reads } = options;
  const survey = await resolveSurvey(db, viewer, surveyId, options.municipality, reads);
  const labels = await readOnce(reads, `labels:${survey.municipality_code}`, () => listDistrictLabels(db, survey.municipality_code));
  if (options.level && !labels.some((d) => d.kind === options.level)) throw badRequest('level', `no districts of kind "${options.level}"`);
  const level = options.level ?? null;
  const rollUp = districtRollUp(labels);
  // Read once at the responses' own districts: every level is rolled up from them (and suppression needs them all).
  const rawRows = await readOnce(reads, `responses:${survey.id}`, () => listResponses(db, survey.municipality_code, survey.id, null));
  const rows = level === null ? rawRows : rawRows.map((r) => ({ ...r, district_id: rollUp(r.district_id, level) }));
  const names = new Map(labels.map((d) => [d.id, d.name]));
  const groups = new Map<string, ResponseRow[]>();
  if (options.by.length) {
    for (const r of rows) {
      const key = groupKey(r, options.by);
      const list = groups.get(key);
      if (list) list.push(r);
      else groups.set(key, [r]);
    }
  }
  const hidden = options.by.length
    ? hiddenGroups(rawRows, options.by, level, [null, ...new Set(labels.map((d) => d.kind))], rollUp)
    : new Map<string, SuppressionReason>();
  const presented = [...groups.entries()].map(([groupKeyText, members]) => {
    const first = members[0];
    const key: { district_id?: number | null; district_name?: string | null; gender?: string | null; age_group?: string | null } = {};
    for (const b of options.by) {
      if (b === 'district') {
        key.district_id = first.district_id;
        key.district_name = first.district_id === null ? null : (names.get(first.district_id) ?? null);
      } else if (b === 'gender') key.gender = first.gender;
      else key.age_group = first.age_group;
    }
    const complement = hidden.get(groupKeyText) === 'complementary';
    return { key, ...presentGroup(members, hidden.has(groupKeyText) && !(complement && options.revealComplements)), complement };
  });
  presented.sort((a, b) =>
    (a.key.district_name ?? '\uffff').localeCompare(b.key.district_name ?? '\uffff', 'sv') ||
    rank(GENDER_ORDER, a.key.gender ?? null) - rank(GENDER_ORDER, b.key.gender ?? null) ||
    rank(AGE_ORDER, a.key.age_group ?? null) - rank(AGE_ORDER, b.key.age_group ?? null) ||
    String(a.key.age_group).localeCompare(String(b.key.age_group)));
  return {
    survey: presentSurvey(survey),
    municipality: survey.municipality_code,
    by: options.by,
    level: options.level ?? null,
    min_group_n: MIN_GROUP_N,
    problem_codes: [...PROBLEM_CODES],
    definitions: INDICATOR_DEFINITIONS,
    overall: presentGroup(rows),
    groups: presented,
  };
}
