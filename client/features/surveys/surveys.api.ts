import type { Survey, SurveyList } from '../../../shared/surveys.schema.ts';
import { getJson } from '../../api/http.ts';

/** A survey as GET /api/surveys lists it (shared/surveys.schema.ts). */
export type SurveySummary = Survey;

/** One indicator share for a group, with its 95 % interval and n (suppressed when n < 10). */
export interface ShareRow {
  indicator: string;
  district_id: number | null;
  gender: string | null;
  age_group: string | null;
  share: number | null;
  ci_low: number | null;
  ci_high: number | null;
  n: number | null;
  suppressed: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

interface ApiShare { share: number | null; low: number | null; high: number | null; n: number | null; suppressed: boolean }
interface ApiGroup { key?: { district_id?: number | null; gender?: string | null; age_group?: string | null }; n: number | null; suppressed: boolean; indicators: Record<string, ApiShare | unknown> | null }

/**
 * Flattens GET /api/surveys/{id}/indicators (`groups[]` with a `key` and `indicators`) into one row per group and
 * indicator; `otrygg` becomes `otrygg_kvall` (the question it is defined on). A dimension not asked for is null.
 */
export function normaliseShares(body: unknown): ShareRow[] {
  const groups = ((body as { groups?: ApiGroup[] })?.groups ?? []) as ApiGroup[];
  const rows: ShareRow[] = [];
  for (const g of groups) {
    const key = g.key ?? {};
    const indicators = g.indicators ?? {};
    const names = Object.keys(indicators).filter((k) => k !== 'problems' && typeof (indicators[k] as ApiShare)?.suppressed === 'boolean' && 'share' in (indicators[k] as object));
    const base = { district_id: num(key.district_id), gender: key.gender ?? null, age_group: key.age_group ?? null };
    if (!names.length) {
      rows.push({ ...base, indicator: 'otrygg_kvall', share: null, ci_low: null, ci_high: null, n: g.n, suppressed: true });
      continue;
    }
    for (const name of names) {
      const s = indicators[name] as ApiShare;
      rows.push({
        ...base, indicator: name === 'otrygg' ? 'otrygg_kvall' : name,
        share: num(s.share), ci_low: num(s.low), ci_high: num(s.high), n: num(s.n ?? g.n), suppressed: s.suppressed || g.suppressed,
      });
    }
  }
  return rows;
}

/** The municipality's surveys, newest first as the API orders them. */
export async function fetchSurveys(municipality: string, signal?: AbortSignal): Promise<SurveySummary[]> {
  return (await getJson<SurveyList>('/api/surveys', { municipality }, signal)).surveys;
}

/** Indicator shares of a survey broken down by the given dimensions. */
export async function fetchShares(surveyId: number, by: string, params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<ShareRow[]> {
  return normaliseShares(await getJson<unknown>(`/api/surveys/${encodeURIComponent(surveyId)}/indicators`, { by, ...params }, signal));
}

/** The share otrygg of one group per district: the row whose gender/age match the group ('all' = no breakdown). */
export function sharesByDistrict(rows: ShareRow[], group: string, indicator = 'otrygg_kvall'): Map<number, ShareRow> {
  const map = new Map<number, ShareRow>();
  const isAge = /\d/.test(group);
  for (const r of rows) {
    if (r.indicator !== indicator || r.district_id === null) continue;
    const matches = group === 'all' ? r.gender === null && r.age_group === null
      : isAge ? r.age_group === group && r.gender === null : r.gender === group && r.age_group === null;
    if (matches) map.set(r.district_id, r);
  }
  return map;
}
