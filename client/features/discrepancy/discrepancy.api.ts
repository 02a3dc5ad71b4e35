import { getJson } from '../../api/http.ts';

/** A district's säkerhet–trygghet class (incident level against perceived unsafety). */
export interface DiscrepancyRow { district_id: number; class: string; label?: string | null }

/** Reads the discrepancy answer leniently: rows under `districts` with `id`/`district_id` and `class`/`classification`. */
export function normaliseDiscrepancy(body: unknown): DiscrepancyRow[] {
  const b = body as Record<string, unknown>;
  const list = (Array.isArray(body) ? body : (b.districts ?? b.rows ?? [])) as Record<string, unknown>[];
  if (!Array.isArray(list)) return [];
  return list
    .map((r) => ({ district_id: Number(r.district_id ?? r.id), class: String(r.class ?? r.classification ?? r.category ?? 'unknown'), label: typeof r.label === 'string' ? r.label : null }))
    .filter((r) => Number.isSafeInteger(r.district_id));
}

/** Discrepancy classes per district for the filters. */
export async function fetchDiscrepancy(params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<DiscrepancyRow[]> {
  return normaliseDiscrepancy(await getJson<unknown>('/api/stats/discrepancy', params, signal));
}
