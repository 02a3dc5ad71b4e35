import { ApiError, getJson } from '../../api/http.ts';
import { writeHeaders } from '../auth/auth.api.ts';

export interface Council { id: number; municipality: string; name: string; level: 'local' | 'coordinating'; district_ids: number[]; member_ids: number[]; member?: boolean }
export interface Priority {
  id: number; meeting: number | null; council: number | null; problem: string; focus_area: string | null; place: string | null; district_ids: number[];
  rationale: string | null; owner: string | null; due_date: string | null; status: string; editable: boolean; published?: boolean;
}
export interface Share { share: number | null; low: number | null; high: number | null; n: number | null }
export interface SurveyGroup { n: number | null; suppressed: boolean; otrygg: Share | null; gender?: string | null; age_group?: string | null }
export interface DistrictSituation {
  id: number; name: string; kind: string; population: number | null;
  stats: { count: number | null; rate_per_1000: number | null; previous_count: number | null; change_pct: number | null; change_significant: boolean | null; p_value: number | null; suppressed: boolean } | null;
  time: { total: number | null; monthly: { month: string; count: number | null }[]; weekday_hour: (number | null)[][]; suppressed_cells: number } | null;
  hotspots: { counts: Record<string, number>; top: { lon: number; lat: number; count: number | string; z: number | null; class: string }[] } | null;
  survey: { district: SurveyGroup; by_gender: SurveyGroup[]; by_age_group: SurveyGroup[] } | null;
  discrepancy: { class: string; share_otrygg: Share | null } | null;
  open_actions: { id: number; title: string; status: string; responsible: string | null }[];
  promises: { id: number; title: string; status: string }[];
}
export interface Situation {
  tier: string; period: { from: string; to: string }; comparison: { from: string; to: string } | null; categories: string[];
  survey: { id: number; name: string } | null; notes: string[]; districts: DistrictSituation[];
}
export interface MeetingHead {
  id: number; municipality: string; council: number | null; council_name: string; title: string | null; date: string; district_ids: number[];
  filters: { from: string; to: string; categories?: string[] }; status: 'open' | 'closed'; closed_at: string | null;
}
export interface Meeting extends MeetingHead {
  can_edit: boolean; priorities: Priority[];
  snapshot: { taken_at: string; data_cutoff_at: string; situation: Situation | null } | null;
}
export interface SituationAnswer { meeting: number; frozen: boolean; data_cutoff_at: string | null; situation: Situation | null }

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method, credentials: 'same-origin',
    headers: { ...writeHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer?.detail ?? `HTTP ${response.status}`);
  return answer as T;
}

export const fetchCouncils = () => getJson<{ councils: Council[] }>('/api/councils');
export const fetchMeetings = (council: number) => getJson<{ meetings: MeetingHead[] }>('/api/meetings', { council });
export const fetchMeeting = (id: number) => getJson<Meeting>(`/api/meetings/${id}`);
export const fetchSituation = (id: number) => getJson<SituationAnswer>(`/api/meetings/${id}/situation`);
export const closeMeeting = (id: number) => send<Meeting>('POST', `/api/meetings/${id}/close`);
export const recordPriority = (meeting: number, body: PriorityInput) => send<Priority>('POST', `/api/meetings/${meeting}/priorities`, body);

/** A user a council manager may seat (GET /api/councils/member-candidates). */
export interface MemberCandidate { id: number; name: string; role: string }
/** A district as the council form lists it. */
export interface DistrictChoice { id: number; name: string; kind: string }
/** The editable fields of a council (SPEC §7). */
export interface CouncilInput { name: string; level: 'local' | 'coordinating'; district_ids: number[]; member_ids: number[] }
/** The editable fields of a priority (SPEC §7 names). */
export interface PriorityInput { problem: string; focus_area?: string | null; place: string | null; district_ids?: number[]; rationale: string | null; owner: string; due_date: string | null; status?: string; published?: boolean }
/** One before/after comparison of an action's indicator. */
export interface FollowUp { key: string; kind: string; before: number | null; after: number | null; change_pct: number | null; p_value: number | null; significant: boolean; note: string | null; difference?: { value: number; low: number; high: number } | null }
/** An action (insats) as GET /api/actions lists it. */
export interface Action {
  id: number; municipality: string; title: string; description: string | null; area: { district_ids: number[] } | { geometry: unknown };
  responsible: string; start_date: string; end_date: string | null; status: string; priority_id: number | null; promise_id: number | null; indicators: { key: string }[];
}
/** An action with its follow-up (GET /api/actions/{id}). */
export interface ActionWithFollowUp extends Action { follow_up: FollowUp[]; follow_up_periods: { before: { from: string; to: string }; after: { from: string; to: string }; days: number; min_after_days: number } }
/** The editable fields of an action (SPEC §7 names). */
export interface ActionInput {
  title: string; description?: string | null; area: { district_ids: number[] }; responsible: string; start_date: string; end_date: string | null; status: string;
  priority_id: number | null; promise_id?: number | null; indicators: { key: string }[];
}

export const fetchMemberCandidates = () => getJson<{ users: MemberCandidate[] }>('/api/councils/member-candidates');
export async function fetchDistrictChoices(): Promise<DistrictChoice[]> {
  const answer = await getJson<{ features: { properties: DistrictChoice }[] }>('/api/districts');
  return answer.features.map((f) => ({ id: f.properties.id, name: f.properties.name, kind: f.properties.kind }));
}
export const saveCouncil = (id: number | null, body: CouncilInput) => (id === null ? send<Council>('POST', '/api/councils', body) : send<Council>('PUT', `/api/councils/${id}`, body));
export const createMeeting = (body: { council: number; date: string; title: string | null }) => send<Meeting>('POST', '/api/meetings', body);
export const updatePriority = (id: number, body: PriorityInput) => send<Priority>('PUT', `/api/priorities/${id}`, body);
export const fetchActions = () => getJson<{ actions: Action[] }>('/api/actions');
export const fetchAction = (id: number) => getJson<ActionWithFollowUp>(`/api/actions/${id}`);
export const saveAction = (id: number | null, body: ActionInput) => (id === null ? send<ActionWithFollowUp>('POST', '/api/actions', body) : send<ActionWithFollowUp>('PUT', `/api/actions/${id}`, body));
