import type { Action, ActionInput, ActionWithFollowUp } from '../../../shared/actions.schema.ts';
import type { CouncilInput, ListedCouncil, Council, MemberCandidate } from '../../../shared/councils.schema.ts';
import type { Meeting, MeetingHead, MeetingInput, Priority, PriorityInput, SituationAnswer } from '../../../shared/meetings.schema.ts';
import { getJson, sendJson } from '../../api/http.ts';

// The wire types are the shared schemas' (shared/{councils,meetings,actions}.schema.ts); re-exported for the views.
export type { Action, ActionInput, ActionWithFollowUp, FollowUp } from '../../../shared/actions.schema.ts';
export type { Council, CouncilInput, ListedCouncil, MemberCandidate } from '../../../shared/councils.schema.ts';
export type { DistrictSituation, Meeting, MeetingHead, Priority, PriorityInput, Share, Situation, SituationAnswer, SurveyGroup } from '../../../shared/meetings.schema.ts';

/** A district as the council form lists it. */
export interface DistrictChoice { id: number; name: string; kind: string }

export const fetchCouncils = () => getJson<{ councils: ListedCouncil[] }>('/api/councils');
export const fetchMeetings = (council: number) => getJson<{ meetings: MeetingHead[] }>('/api/meetings', { council });
export const fetchMeeting = (id: number) => getJson<Meeting>(`/api/meetings/${id}`);
export const fetchSituation = (id: number) => getJson<SituationAnswer>(`/api/meetings/${id}/situation`);
export const closeMeeting = (id: number) => sendJson<Meeting>('POST', `/api/meetings/${id}/close`);
export const recordPriority = (meeting: number, body: PriorityInput) => sendJson<Priority>('POST', `/api/meetings/${meeting}/priorities`, body);
export const fetchMemberCandidates = () => getJson<{ users: MemberCandidate[] }>('/api/councils/member-candidates');
export async function fetchDistrictChoices(): Promise<DistrictChoice[]> {
  const answer = await getJson<{ features: { properties: DistrictChoice }[] }>('/api/districts');
  return answer.features.map((f) => ({ id: f.properties.id, name: f.properties.name, kind: f.properties.kind }));
}
export const saveCouncil = (id: number | null, body: CouncilInput) => (id === null ? sendJson<Council>('POST', '/api/councils', body) : sendJson<Council>('PUT', `/api/councils/${id}`, body));
export const createMeeting = (body: MeetingInput) => sendJson<Meeting>('POST', '/api/meetings', body);
export const updatePriority = (id: number, body: PriorityInput) => sendJson<Priority>('PUT', `/api/priorities/${id}`, body);
export const fetchActions = () => getJson<{ actions: Action[] }>('/api/actions');
export const fetchAction = (id: number) => getJson<ActionWithFollowUp>(`/api/actions/${id}`);
export const saveAction = (id: number | null, body: ActionInput) => (id === null ? sendJson<ActionWithFollowUp>('POST', '/api/actions', body) : sendJson<ActionWithFollowUp>('PUT', `/api/actions/${id}`, body));
