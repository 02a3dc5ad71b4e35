import { getJson } from '../../api/http.ts';

/** A district's säkerhet–trygghet class (incident level against perceived unsafety) with the figures behind it. */
export interface DiscrepancyRow {
  district_id: number;
  class: string;
  incident_level: string | null;
  perceived_level: string | null;
  share_otrygg: number | null;
  survey_n: number | null;
}
export interface DiscrepancyCell { type: 'Feature'; geometry: { type: string; coordinates: unknown[] }; properties: { class: string; count: number | string } }
export interface Discrepancy { districts: DiscrepancyRow[]; cells: { type: 'FeatureCollection'; features: DiscrepancyCell[] } | null; descriptions: Record<string, string> }

/** Reads GET /api/stats/discrepancy: district rows (`id`, `class`, levels) and, for roles with hotspot access, hexagons. */
export function normaliseDiscrepancy(body: unknown): Discrepancy {
  const b = (body ?? {}) as { districts?: Record<string, unknown>[]; cells?: Discrepancy['cells']; classes?: Record<string, string> };
  const districts = (b.districts ?? []).map((r) => ({
    district_id: Number(r.id ?? r.district_id), class: String(r.class ?? 'insufficient_data'),
    incident_level: (r.incident_level as string | null) ?? null, perceived_level: (r.perceived_level as string | null) ?? null,
    share_otrygg: typeof r.share_otrygg === 'number' ? r.share_otrygg : null, survey_n: typeof r.survey_n === 'number' ? r.survey_n : null,
  })).filter((r) => Number.isSafeInteger(r.district_id));
  return { districts, cells: b.cells ?? null, descriptions: b.classes ?? {} };
}

/** Discrepancy classes per district (and cell) for the filters. */
export async function fetchDiscrepancy(params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<Discrepancy> {
  return normaliseDiscrepancy(await getJson<unknown>('/api/stats/discrepancy', params, signal));
}
