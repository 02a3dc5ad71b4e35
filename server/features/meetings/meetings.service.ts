import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import type { MeetingInput } from '../../../shared/meetings.schema.ts';
import { addYears, isIsoDate, stockholmToday } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest, notFound } from '../../infra/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { assertDistricts, loadCouncil, mayEditCouncilWork, mayReadCouncilWork, requireCouncilEditor } from '../councils/councils.service.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { computeSituation, SNAPSHOT_TIERS, type SnapshotTier } from './meeting-situation.service.ts';
import {
  findDataCutoff, findMeeting, insertMeeting, listDistrictOutlines, listMeetings, readSnapshotMap, readSnapshotTier, storeSnapshot, updateMeeting,
  type MeetingFilters, type MeetingRow,
} from './meetings.queries.ts';
import { meetingMapSvg } from './meeting-map.ts';
import { listPriorities } from './priorities.queries.ts';
import { presentPriority } from './priorities.service.ts';

/** Meeting dates outside this range are typing mistakes, not meetings. */
const EARLIEST_DATE = '2000-01-01';
const YEARS_AHEAD = 2;

/** Throws 401/403 unless the viewer may read council meetings. */
export function requireMeetingReader(viewer: Viewer): void {
  requireAccess(viewer, mayReadCouncilWork(viewer.role), 'see council meetings');
}

function checkDate(field: string, value: string, latest: string): void {
  if (!isIsoDate(value)) throw badRequest(field, `not a calendar date: ${value.slice(0, 40)}`);
  if (value < EARLIEST_DATE || value > latest) throw badRequest(field, `must be between ${EARLIEST_DATE} and ${latest}`);
}

/** The meeting's filters: the twelve months before the meeting day unless given, categories as asked. */
function resolveFilters(date: string, asked: MeetingInput['filters']): MeetingFilters {
  const latest = addYears(stockholmToday(), YEARS_AHEAD);
  const to = asked?.to ?? date;
  checkDate('filters.to', to, latest);
  const from = asked?.from ?? addYears(to, -1);
  checkDate('filters.from', from, latest);
  if (from >= to) throw badRequest('filters.from', `must be before filters.to (${from} ≥ ${to})`);
  const filters: MeetingFilters = { from, to };
  if (asked?.categories) {
    const unknown = asked.categories.filter((c) => !CATEGORY_BY_CODE.has(c));
    if (unknown.length) throw badRequest('filters.categories', `unknown category code "${unknown[0].slice(0, 60)}"`);
    if (!asked.categories.length) throw badRequest('filters.categories', 'give at least one category, or leave the field out for all');
    filters.categories = [...new Set(asked.categories)];
  }
  return filters;
}

/** The meeting with this id in a municipality the viewer may see, or a 404. */
export async function loadMeeting(db: Db, viewer: Viewer, id: number, forUpdate = false): Promise<MeetingRow> {
  const m = await findMeeting(db, id, forUpdate);
  if (!m || (viewer.municipalityCodes && !viewer.municipalityCodes.includes(m.municipality_code))) throw notFound(`meeting ${id}`);
  return m;
}

function requireOpen(m: MeetingRow): void {
  if (m.status !== 'open') throw new AppError(409, 'MEETING_CLOSED', `Meeting ${m.id} is closed: its record is frozen`, [{ field: 'status', message: 'closed' }]);
}

function presentMeetingHead(m: MeetingRow) {
  return {
    id: m.id, municipality: m.municipality_code, council: m.council_id === null ? null : Number(m.council_id), council_name: m.council,
    title: m.title, notes: m.notes, date: m.date, district_ids: m.district_ids.map(Number), filters: m.filters, status: m.status,
    closed_at: m.closed_at === null ? null : new Date(m.closed_at).toISOString(),
    created_at: new Date(m.created_at).toISOString(), updated_at: new Date(m.updated_at).toISOString(),
  };
}

/** The tier a viewer reads a snapshot in: their own role. */
function tierOf(viewer: Viewer): SnapshotTier {
  if (!(SNAPSHOT_TIERS as readonly string[]).includes(viewer.role)) requireMeetingReader(viewer);
  return viewer.role as SnapshotTier;
}

/** A meeting with its priorities and, once closed, its frozen numbers as the viewer's tier sees them. */
export async function getMeeting(db: Db, viewer: Viewer, id: number) {
  const m = await loadMeeting(db, viewer, id);
  const priorities = await listPriorities(db, m.municipality_code, { meetingId: m.id });
  let snapshot = null;
  if (m.status === 'closed') {
    const s = await readSnapshotTier(db, m.municipality_code, m.id, tierOf(viewer));
    if (s) {
      snapshot = {
        taken_at: new Date(s.taken_at).toISOString(), data_cutoff_at: new Date(s.data_cutoff_at).toISOString(),
        filters: s.filters, situation: s.tier === null ? null : JSON.parse(s.tier),
      };
    }
  }
  return {
    ...presentMeetingHead(m),
    can_edit: m.status === 'open' && (await mayEditCouncilWork(db, viewer, m.council_id)),
    priorities: priorities.map((p) => presentPriority(p, viewer)),
    snapshot,
  };
}

/** Meetings of a municipality (optionally one council), newest first, without numbers. */
export async function listMeetingsFor(db: Db, viewer: Viewer, q: { municipality?: string; council?: number }) {
  const municipality = await resolveMunicipality(db, q.municipality, viewer);
  if (q.council !== undefined) {
    const c = await loadCouncil(db, viewer, q.council).catch(() => null);
    if (!c || c.municipality_code !== municipality) throw badRequest('council', `no council ${q.council} in municipality ${municipality}`);
  }
  return { municipality, meetings: (await listMeetings(db, municipality, q.council ?? null)).map(presentMeetingHead) };
}

/** Creates an open meeting of a council (districts default to the council's), audited. */
export async function createMeeting(db: Db, viewer: Viewer, input: MeetingInput, route: string) {
  const municipality = await resolveMunicipality(db, input.municipality, viewer);
  const council = await loadCouncil(db, viewer, input.council).catch(() => null);
  if (!council || council.municipality_code !== municipality) throw badRequest('council', `no council ${input.council} in municipality ${municipality}`);
  await requireCouncilEditor(db, viewer, council.id);
  checkDate('date', input.date, addYears(stockholmToday(), YEARS_AHEAD));
  const districtIds = input.district_ids ?? council.district_ids.map(Number);
  if (!districtIds.length) throw badRequest('district_ids', 'a meeting needs at least one district on its agenda');
  await assertDistricts(db, municipality, districtIds);
  const filters = resolveFilters(input.date, input.filters);
  const id = await db.transaction().execute(async (trx) => {
    const meetingId = await insertMeeting(trx, {
      municipality, councilId: council.id, councilName: council.name, title: input.title?.trim() || null, date: input.date, district_ids: districtIds, filters, userId: viewer.userId,
    });
    await recordAudit(trx, viewer, { action: 'meeting.create', route, municipality, filters: { meeting: meetingId, council: council.id, date: input.date, district_ids: districtIds } });
    return meetingId;
  });
  return getMeeting(db, viewer, id);
}

/** Changes an open meeting (date, agenda districts, title, notes, filters); 409 once closed. */
export async function changeMeeting(db: Db, viewer: Viewer, id: number, input: Partial<Omit<MeetingInput, 'council' | 'municipality'>> & { council?: number; municipality?: string }, route: string) {
  const current = await loadMeeting(db, viewer, id);
  await requireCouncilEditor(db, viewer, current.council_id);
  if (input.municipality !== undefined && input.municipality !== current.municipality_code) throw badRequest('municipality', 'a meeting cannot move to another municipality');
  if (input.council !== undefined && input.council !== Number(current.council_id)) throw badRequest('council', 'a meeting cannot move to another council');
  requireOpen(current);
  const date = input.date ?? current.date;
  checkDate('date', date, addYears(stockholmToday(), YEARS_AHEAD));
  const districtIds = input.district_ids ?? current.district_ids.map(Number);
  if (!districtIds.length) throw badRequest('district_ids', 'a meeting needs at least one district on its agenda');
  await assertDistricts(db, current.municipality_code, districtIds);
  // A new date moves the default period with it; explicit filters win.
  const filters = input.filters !== undefined || input.date !== undefined
    ? resolveFilters(date, input.filters ?? (input.date !== undefined ? { categories: current.filters.categories } : current.filters))
    : current.filters;
  await db.transaction().execute(async (trx) => {
    const locked = await loadMeeting(trx, viewer, id, true);
    requireOpen(locked);
    await updateMeeting(trx, {
      id, title: input.title !== undefined ? (input.title?.trim() || null) : current.title, notes: input.notes !== undefined ? input.notes : current.notes,
      date, district_ids: districtIds, filters, userId: viewer.userId,
    });
    await recordAudit(trx, viewer, { action: 'meeting.update', route, municipality: current.municipality_code, filters: { meeting: id, changed: Object.keys(input) } });
  });
  return getMeeting(db, viewer, id);
}

/**
 * Closes a meeting and freezes what it showed: the filters, the data cut-off and every number, once
 * per disclosure tier, computed by the same services as the live view. A second close is a 409.
 */
export async function closeMeeting(db: Db, viewer: Viewer, id: number, route: string) {
  const current = await loadMeeting(db, viewer, id);
  await requireCouncilEditor(db, viewer, current.council_id);
  requireOpen(current);
  const municipality = current.municipality_code;
  await db.transaction().execute(async (trx) => {
    // The lock makes a concurrent second close wait, then see the meeting closed and answer 409.
    const locked = await loadMeeting(trx, viewer, id, true);
    requireOpen(locked);
    const cut = await findDataCutoff(trx, municipality);
    const times = [cut.latest_incident_at, cut.latest_import_at].filter((t): t is Date => t !== null).map((t) => new Date(t).getTime());
    const cutoff = new Date(times.length ? Math.max(...times) : Date.now());
    const tiers = await computeSituation(trx, { municipality, district_ids: locked.district_ids.map(Number), filters: locked.filters }, SNAPSHOT_TIERS);
    // The outlines are frozen too, so the minutes' maps stay as shown when boundaries change later.
    const map = await listDistrictOutlines(trx, municipality, locked.district_ids.map(Number));
    await storeSnapshot(trx, {
      municipality, meetingId: id, cutoff, filters: locked.filters, userId: viewer.userId,
      data: { version: 1, latest_incident_at: cut.latest_incident_at, latest_import_at: cut.latest_import_at, tiers, map },
    });
    await recordAudit(trx, viewer, { action: 'meeting.close', route, municipality, filters: { meeting: id, data_cutoff_at: cutoff.toISOString() } });
  });
  return getMeeting(db, viewer, id);
}

/** The situation of a meeting as the viewer may see it: frozen once closed, live while open. */
export async function getMeetingSituation(db: Db, viewer: Viewer, id: number) {
  const m = await loadMeeting(db, viewer, id);
  const tier = tierOf(viewer);
  if (m.status === 'closed') {
    const s = await readSnapshotTier(db, m.municipality_code, m.id, tier);
    return { meeting: m.id, frozen: true, data_cutoff_at: s ? new Date(s.data_cutoff_at).toISOString() : null, situation: s?.tier ? JSON.parse(s.tier) : null };
  }
  const cut = await findDataCutoff(db, m.municipality_code);
  const times = [cut.latest_incident_at, cut.latest_import_at].filter((t): t is Date => t !== null).map((t) => new Date(t).getTime());
  const tiers = await computeSituation(db, { municipality: m.municipality_code, district_ids: m.district_ids.map(Number), filters: m.filters }, [tier]);
  return { meeting: m.id, frozen: false, data_cutoff_at: times.length ? new Date(Math.max(...times)).toISOString() : null, situation: tiers[tier] };
}

/**
 * The minutes' map of one agenda item as SVG: the meeting's districts shaded by the reader's frozen rates per
 * 1,000 inhabitants (their tier of the snapshot, so no more than they may see), the item outlined. An open
 * meeting has no frozen numbers yet: its outlines are drawn uncoloured. 400 naming `district` when the
 * district is not on the agenda.
 */
export async function getMeetingMap(db: Db, viewer: Viewer, id: number, districtId: number, lang: 'sv' | 'en'): Promise<string> {
  const m = await loadMeeting(db, viewer, id);
  const tier = tierOf(viewer);
  const agenda = m.district_ids.map(Number);
  if (!agenda.includes(districtId)) throw badRequest('district', `district ${districtId} is not on the agenda of meeting ${id}`);
  if (m.status !== 'closed') return meetingMapSvg(await listDistrictOutlines(db, m.municipality_code, agenda), null, districtId, lang);
  const [snapshot, frozenMap] = await Promise.all([readSnapshotTier(db, m.municipality_code, m.id, tier), readSnapshotMap(db, m.municipality_code, m.id)]);
  // Snapshots taken before outlines were frozen fall back to today's outlines (their numbers stay frozen).
  const map = frozenMap ?? (await listDistrictOutlines(db, m.municipality_code, agenda));
  const situation = snapshot?.tier ? (JSON.parse(snapshot.tier) as { districts: { id: number; stats: { rate_per_1000: number | null } | null }[] }) : null;
  const rates = new Map((situation?.districts ?? []).map((d) => [d.id, d.stats?.rate_per_1000 ?? null]));
  return meetingMapSvg(map, rates, districtId, lang);
}
