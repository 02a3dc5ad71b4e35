import { getJson } from '../../api/http.ts';

/** A published citizen promise as the public route gives it (area as district ids). */
export interface PublicPromise { id: number; title: string; area: { district_ids: number[]; district_names: string[] }; status: string; period_start: string; period_end: string }

/** Published citizen promises of a municipality (GET /api/public/citizen-promises). */
export async function fetchPublicPromises(municipality: string, signal?: AbortSignal): Promise<PublicPromise[]> {
  const body = await getJson<{ promises?: PublicPromise[] }>('/api/public/citizen-promises', { municipality }, signal);
  return body.promises ?? [];
}
