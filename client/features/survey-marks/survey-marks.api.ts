import { getJson } from '../../api/http.ts';

export interface MarkFeature {
  type: 'Feature'; id: number;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: { id: number; reasons: string[]; time_of_day: string | null; comment: string | null; district_id: number | null };
}
export interface MarkCollection { type: 'FeatureCollection'; count: number; truncated: boolean; features: MarkFeature[] }

/** Unsafe-place marks (role-gated; 403 for the public). */
export function fetchMarks(params: { municipality: string; reason?: string; time_of_day?: string }, signal?: AbortSignal): Promise<MarkCollection> {
  return getJson('/api/survey-marks', params, signal);
}
