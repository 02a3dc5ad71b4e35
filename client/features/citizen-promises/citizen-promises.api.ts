import { getJson, sendJson } from '../../api/http.ts';

/** The statuses of a citizen promise, in their order (server/features/citizen-promises TRANSITIONS). */
export const PROMISE_STATUSES = ['draft', 'agreed', 'published', 'followed_up'] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];

/** A promise's area as the routes accept it: districts, a drawn WGS84 polygon, or Gi* hotspot cells (i, j of the `cell_m` grid). */
export interface AreaInput {
  district_ids?: number[];
  geometry?: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  hotspot_cells?: { i: number; j: number }[];
  cell_m?: number;
}

export interface Commitment { actor: 'police' | 'municipality'; text: string; responsible: string | null }

/** An indicator: a category code (incidents in the area over the baseline period) or `survey:<indicator>` (a share 0–1). */
export interface Indicator {
  key: string; label: string; baseline: number | null; baseline_from: string | null; baseline_to: string | null; target: number | null; followup?: number | null;
}

/** One indicator's follow-up as the server computes it (SPEC §5 test for counts, Wilson intervals for survey shares). */
export interface FollowUp {
  key: string; label: string; kind: string; before: number | null; after: number | null;
  before_period: { from: string; to: string } | null; after_period: { from: string; to: string } | null;
  change_pct: number | null; p_value: number | null; significant: boolean | null; baseline: number | null; target: number | null;
  projected: number | null; target_met: boolean | null; note: string | null;
}

/** A status change as recorded (who and when). */
export interface Transition { from_status: string; to_status: string; actor: string | null; role: string; at: string }

/** A promise as GET /api/citizen-promises(/:id) answers it; internal notes, evidence and history reach editors only. */
export interface CitizenPromise {
  id: number; municipality: string; title: string;
  area: { district_ids: number[]; geometry: { type: string; coordinates: unknown } | null };
  period_start: string; period_end: string; problems: string[]; commitments: Commitment[]; indicators: Indicator[];
  status: PromiseStatus; agreed_at: string | null; published_at: string | null; followed_up_at: string | null; created_at: string; updated_at: string;
  follow_up?: FollowUp[]; internal_notes?: string | null; evidence?: Record<string, unknown>; history?: Transition[];
}

export interface CategoryEvidence {
  category: string; name_sv: string; count: number | null; previous_count: number | null; expected: number;
  over_rate: boolean; p_value: number | null; change_pct: number | null; rising: boolean; change_p_value: number | null;
}

/** The evidence behind a proposed promise (POST /api/citizen-promises/draft). */
export interface DraftEvidence {
  period: { from: string; to: string }; previous_period: { from: string; to: string }; area_m2: number; area_share: number; suppressed: boolean;
  categories: CategoryEvidence[];
  survey: null | {
    survey_id: number; name: string; n: number;
    shares: { key: string; label: string; area: number | null; municipality: number | null; n: number | null }[];
    groups: { gender: string | null; age_group: string | null; key: string; share: number | null; n: number }[];
  };
}

/** A proposed promise: nothing saved yet. */
export interface PromiseDraft {
  municipality: string; title: string; area: { district_ids: number[]; geometry: unknown };
  period_start: string; period_end: string; problems: string[]; commitments: Commitment[];
  indicators: Indicator[]; evidence: DraftEvidence;
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
