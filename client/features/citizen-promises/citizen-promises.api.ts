import { getJson, sendJson } from '../../api/http.ts';

// Response shapes come from the one contract the routes use (shared/citizen-promises.schema.ts).
export { PROMISE_STATUSES } from '../../../shared/citizen-promises.schema.ts';
export type {
  CategoryEvidence, CitizenPromise, Commitment, DraftEvidence, FollowUp, Indicator, PromiseDraft, PromiseStatus, Transition,
} from '../../../shared/citizen-promises.schema.ts';
import type { CitizenPromise, Commitment, PromiseDraft, PromiseStatus } from '../../../shared/citizen-promises.schema.ts';

/** A promise's area as the routes accept it: districts, a drawn WGS84 polygon, or Gi* hotspot cells (i, j of the `cell_m` grid). */
export interface AreaInput {
  district_ids?: number[];
  geometry?: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  hotspot_cells?: { i: number; j: number }[];
  cell_m?: number;
}

/** What POST and PUT /api/citizen-promises accept. */
export interface PromiseBody {
  municipality: string; title: string; area: AreaInput; period_start: string; period_end: string; problems: string[];
  commitments: Commitment[]; indicators: { key: string; label?: string | null; baseline?: number | null; target: number | null }[];
  evidence?: Record<string, unknown>;
}

/** Promises of a municipality: editors get every status, others the published and followed-up ones. */
export async function fetchPromises(municipality: string, signal?: AbortSignal): Promise<CitizenPromise[]> {
  return (await getJson<{ promises: CitizenPromise[] }>('/api/citizen-promises', { municipality }, signal)).promises;
}

/** One promise with its follow-up per indicator. */
export function fetchPromise(id: number): Promise<CitizenPromise> {
  return getJson(`/api/citizen-promises/${id}`);
}

/** Asks the server to propose a promise from the evidence for an area over the period `from`–`to` (half-open). */
export function draftPromise(body: { municipality: string; area: AreaInput; from: string; to: string; period_start?: string; period_end?: string }): Promise<PromiseDraft> {
  return sendJson('POST', '/api/citizen-promises/draft', body);
}

/** Saves a new draft (id null) or replaces a draft or agreed promise. */
export function savePromise(id: number | null, body: PromiseBody): Promise<CitizenPromise> {
  return id === null ? sendJson('POST', '/api/citizen-promises', body) : sendJson('PUT', `/api/citizen-promises/${id}`, body);
}

/** Moves a promise to another status (the server refuses moves back from published). */
export function changePromiseStatus(id: number, status: PromiseStatus): Promise<CitizenPromise> {
  return sendJson('POST', `/api/citizen-promises/${id}/status`, { status });
}

/** Stores the current follow-up values of a published promise (its progress on the public page). */
export function refreshPromiseFollowUp(id: number): Promise<CitizenPromise> {
  return sendJson('POST', `/api/citizen-promises/${id}/follow-up`);
}
