import type { PriorityInput } from '../../../shared/meetings.schema.ts';
import { addYears, isIsoDate, stockholmToday } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest, notFound } from '../../infra/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Viewer } from '../auth/viewer.ts';
import { assertDistricts, loadCouncil, mayReadCouncilWork, requireCouncilEditor } from '../councils/councils.service.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { findMeeting } from './meetings.queries.ts';
import {
  deletePriority, findFocusAreaId, findPriority, insertPriority, listPriorities, updatePriority, type PriorityRow, type PriorityValues,
} from './priorities.queries.ts';

/** A priority as the API returns it; the public gets only published ones, without the internal rationale. */
export function presentPriority(p: PriorityRow, viewer: Viewer) {
  const internal = mayReadCouncilWork(viewer.role);
  return {
    id: p.id, municipality: p.municipality_code, meeting: p.meeting_id === null ? null : Number(p.meeting_id),
    council: p.council_id === null ? null : Number(p.council_id),
    problem: p.title, focus_area: p.focus_area, place: p.place, district_ids: p.district_ids.map(Number),
    rationale: internal ? p.rationale : null, owner: p.owner, due_date: p.due_date, status: p.status, published: p.published,
    editable: internal && p.meeting_status === 'open',
    created_at: new Date(p.created_at).toISOString(), updated_at: new Date(p.updated_at).toISOString(),
  };
}

function closedConflict(meetingId: number | null) {
  return new AppError(409, 'MEETING_CLOSED', `Meeting ${meetingId} is closed: its priorities are frozen`, [{ field: 'meeting', message: 'closed' }]);
}

async function resolveValues(db: Db, municipality: string, input: PriorityInput): Promise<PriorityValues> {
  const title = input.problem.trim();
  if (!title) throw badRequest('problem', 'must not be blank');
  const owner = input.owner.trim();
  if (!owner) throw badRequest('owner', 'name the office or committee responsible');
  let focusAreaId: number | null = null;
  if (input.focus_area) {
    focusAreaId = (await findFocusAreaId(db, municipality, input.focus_area)) ?? null;
    if (focusAreaId === null) throw badRequest('focus_area', `no focus area "${input.focus_area.slice(0, 60)}" in municipality ${municipality}`);
  }
  const districtIds = input.district_ids ?? [];
  await assertDistricts(db, municipality, districtIds);
  if (input.due_date != null) {
    if (!isIsoDate(input.due_date)) throw badRequest('due_date', `not a calendar date: ${input.due_date.slice(0, 40)}`);
    const latest = addYears(stockholmToday(), 10);
    if (input.due_date < '2000-01-01' || input.due_date > latest) throw badRequest('due_date', `must be between 2000-01-01 and ${latest}`);
  }
  return {
    title, focusAreaId, place: input.place?.trim() || null, district_ids: districtIds, rationale: input.rationale?.trim() || null, owner,
    due_date: input.due_date ?? null, status: input.status ?? 'decided', published: input.published ?? false,
  };
}

/** Records a priority in an open meeting; the meeting's council members, analysts and police may. Audited. */
export async function createPriority(db: Db, viewer: Viewer, meetingId: number, input: PriorityInput, route: string) {
  const meeting = await findMeeting(db, meetingId);
  if (!meeting || (viewer.municipalityCodes && !viewer.municipalityCodes.includes(meeting.municipality_code))) throw notFound(`meeting ${meetingId}`);
  await requireCouncilEditor(db, viewer, meeting.council_id);
  if (meeting.status !== 'open') throw closedConflict(meetingId);
  const municipality = meeting.municipality_code;
  const id = await db.transaction().execute(async (trx) => {
    const locked = await findMeeting(trx, meetingId, true);
    if (locked?.status !== 'open') throw closedConflict(meetingId);
    const values = await resolveValues(trx, municipality, input);
    const priorityId = await insertPriority(trx, municipality, meetingId, values, viewer.userId);
    await recordAudit(trx, viewer, { action: 'priority.create', route, municipality, filters: { meeting: meetingId, priority: priorityId, owner: values.owner } });
    return priorityId;
  });
  return presentPriority((await findPriority(db, id))!, viewer);
}

async function loadEditablePriority(db: Db, viewer: Viewer, id: number, forUpdate: boolean) {
  const p = await findPriority(db, id);
  if (!p || (viewer.municipalityCodes && !viewer.municipalityCodes.includes(p.municipality_code))) throw notFound(`priority ${id}`);
  await requireCouncilEditor(db, viewer, p.council_id);
  if (p.meeting_id !== null) {
    const meeting = await findMeeting(db, p.meeting_id, forUpdate);
    if (meeting?.status !== 'open') throw closedConflict(p.meeting_id);
  }
  return p;
}

/** Replaces a priority while its meeting is open (409 after). Audited. */
export async function replacePriority(db: Db, viewer: Viewer, id: number, input: PriorityInput, route: string) {
  await loadEditablePriority(db, viewer, id, false);
  await db.transaction().execute(async (trx) => {
    const p = await loadEditablePriority(trx, viewer, id, true);
    const values = await resolveValues(trx, p.municipality_code, input);
    await updatePriority(trx, p.municipality_code, id, values, viewer.userId);
    await recordAudit(trx, viewer, { action: 'priority.update', route, municipality: p.municipality_code, filters: { meeting: p.meeting_id, priority: id, owner: values.owner, status: values.status } });
  });
  return presentPriority((await findPriority(db, id))!, viewer);
}

/** Removes a priority while its meeting is open (409 after). Audited. */
export async function removePriority(db: Db, viewer: Viewer, id: number, route: string) {
  await loadEditablePriority(db, viewer, id, false);
  await db.transaction().execute(async (trx) => {
    const p = await loadEditablePriority(trx, viewer, id, true);
    await deletePriority(trx, p.municipality_code, id);
    await recordAudit(trx, viewer, { action: 'priority.delete', route, municipality: p.municipality_code, filters: { meeting: p.meeting_id, priority: id, problem: p.title } });
  });
}

/** Priorities of a municipality (optionally one meeting or council); the public sees only published ones. */
export async function listPrioritiesFor(db: Db, viewer: Viewer, q: { municipality?: string; meeting?: number; council?: number }) {
  const municipality = await resolveMunicipality(db, q.municipality, viewer);
  if (q.council !== undefined) {
    const c = await loadCouncil(db, viewer, q.council).catch(() => null);
    if (!c || c.municipality_code !== municipality) throw badRequest('council', `no council ${q.council} in municipality ${municipality}`);
  }
  const rows = await listPriorities(db, municipality, { meetingId: q.meeting ?? null, councilId: q.council ?? null, publishedOnly: !mayReadCouncilWork(viewer.role) });
  return { municipality, priorities: rows.map((p) => presentPriority(p, viewer)) };
}
