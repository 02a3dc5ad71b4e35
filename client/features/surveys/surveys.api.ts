import { getJson } from '../../api/http.ts';

export interface SurveySummary { id: number; name: string; conducted_from?: string | null; conducted_to?: string | null }

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
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** Reads indicator rows leniently: rows under `indicators`, `groups` or `rows`; interval as ci_low/ci_high, low/high or ci[2]. */
export function normaliseShares(body: unknown): ShareRow[] {
  const b = body as Record<string, unknown>;
  const list = (Array.isArray(body) ? body : (b.indicators ?? b.groups ?? b.rows ?? b.results ?? [])) as Record<string, unknown>[];
  if (!Array.isArray(list)) return [];
  return list.map((r) => {
    const ci = Array.isArray(r.ci) ? (r.ci as unknown[]) : null;
    const group = (r.group ?? {}) as Record<string, unknown>;
    const district = r.district_id ?? r.district ?? group.district_id ?? group.district;
    return {
      indicator: str(r.indicator ?? r.key ?? r.question) ?? 'otrygg_kvall',
      district_id: typeof district === 'number' ? district : null,
      gender: str(r.gender ?? group.gender),
      age_group: str(r.age_group ?? group.age_group),
      share: num(r.share ?? r.value),
      ci_low: num(r.ci_low ?? r.low ?? r.lower ?? ci?.[0]),
      ci_high: num(r.ci_high ?? r.high ?? r.upper ?? ci?.[1]),
      n: num(r.n ?? r.n_effective),
      suppressed: r.suppressed === true,
    };
  });
}

/** The municipality's surveys, newest first as the API orders them. */
export async function fetchSurveys(municipality: string, signal?: AbortSignal): Promise<SurveySummary[]> {
  const body = await getJson<{ surveys?: SurveySummary[] } | SurveySummary[]>('/api/surveys', { municipality }, signal);
  return Array.isArray(body) ? body : (body.surveys ?? []);
}

/** Indicator shares of a survey broken down by the given dimensions. */
export async function fetchShares(surveyId: number, by: string, params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<ShareRow[]> {
  return normaliseShares(await getJson<unknown>(`/api/surveys/${surveyId}/indicators`, { by, ...params }, signal));
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
