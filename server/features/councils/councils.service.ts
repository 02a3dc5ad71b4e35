import type { CouncilInput } from '../../../shared/councils.schema.ts';
import type { Role } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest, notFound } from '../../infra/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import {
  councilNameTaken, eligibleMemberIds, existingDistrictIds, findCouncil, insertCouncil, isCouncilMember, listCouncils, listMemberCandidates,
  replaceCouncilMembers, updateCouncil, type CouncilRow,
} from './councils.queries.ts';

/** Councils, meetings and their priorities are internal: every signed-in role but admin reads them (SPEC §6). */
export function mayReadCouncilWork(role: Role): boolean {
  return role === 'council' || role === 'planner' || role === 'analyst' || role === 'police';
}

/** Councils themselves (name, districts, members) are set up by analysts, police and admins. */
export function mayManageCouncils(role: Role): boolean {
  return role === 'analyst' || role === 'police' || role === 'admin';
}

/** Who may read the list of councils: those who work with them and the admins who set them up. */
export function mayReadCouncils(role: Role): boolean {
  return mayReadCouncilWork(role) || role === 'admin';
}

/**
 * Whether the viewer may change a council's meetings and priorities: analysts and police any council,
 * a council member (signed in, not a token) only the councils they sit on.
 */
export async function mayEditCouncilWork(db: Db, viewer: Viewer, councilId: number | null): Promise<boolean> {
  if (viewer.role === 'analyst' || viewer.role === 'police') return true;
  if (viewer.role !== 'council' || viewer.userId === null || councilId === null) return false;
  return isCouncilMember(db, councilId, viewer.userId);
}

/** Throws 401/403 unless the viewer may change this council's meetings and priorities. */
export async function requireCouncilEditor(db: Db, viewer: Viewer, councilId: number | null): Promise<void> {
  if (await mayEditCouncilWork(db, viewer, councilId)) return;
  requireAccess(viewer, false, viewer.role === 'council' ? 'change meetings of a council you are not a member of' : 'change council meetings or priorities');
}

/** A council as the API returns it. */
export function presentCouncil(c: CouncilRow) {
  return {
    id: c.id, municipality: c.municipality_code, name: c.name, level: c.level,
    district_ids: c.district_ids.map(Number), member_ids: c.member_ids.map(Number),
    created_at: new Date(c.created_at).toISOString(), updated_at: new Date(c.updated_at).toISOString(),
  };
}

/** The council with this id in a municipality the viewer may see, or a 404. */
export async function loadCouncil(db: Db, viewer: Viewer, id: number): Promise<CouncilRow> {
  const c = await findCouncil(db, id);
  if (!c || (viewer.municipalityCodes && !viewer.municipalityCodes.includes(c.municipality_code))) throw notFound(`council ${id}`);
  return c;
}

/** Validates that every id is a district of the municipality; a 400 naming `field` otherwise. */
export async function assertDistricts(db: Db, municipality: string, ids: readonly number[], field = 'district_ids'): Promise<void> {
  if (new Set(ids).size !== ids.length) throw badRequest(field, 'a district is listed twice');
  const found = await existingDistrictIds(db, municipality, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw badRequest(field, `not districts of municipality ${municipality}: ${missing.slice(0, 10).join(', ')}`);
}

async function validateCouncil(db: Db, municipality: string, input: CouncilInput, exceptId: number | null) {
  const name = input.name.trim();
  if (!name) throw badRequest('name', 'must not be blank');
  await assertDistricts(db, municipality, input.district_ids);
  const members = input.member_ids ?? [];
  if (new Set(members).size !== members.length) throw badRequest('member_ids', 'a member is listed twice');
  const eligible = await eligibleMemberIds(db, municipality, members);
  const unknown = members.filter((id) => !eligible.has(id));
  if (unknown.length) throw badRequest('member_ids', `no active user of municipality ${municipality} with id ${unknown.slice(0, 10).join(', ')}`);
  if (await councilNameTaken(db, municipality, name, exceptId)) {
    throw new AppError(409, 'COUNCIL_EXISTS', `A council named "${name.slice(0, 80)}" already exists`, [{ field: 'name', message: 'already taken' }]);
  }
  return { name, members };
}

/** Lists the councils of a municipality. */
export async function listCouncilsFor(db: Db, viewer: Viewer, municipalityCode: string | undefined) {
  const municipality = await resolveMunicipality(db, municipalityCode, viewer);
  // `member` lets a council member's client open their own council first.
  return { municipality, councils: (await listCouncils(db, municipality)).map((c) => ({ ...presentCouncil(c), member: viewer.userId !== null && c.member_ids.map(Number).includes(viewer.userId) })) };
}

/** Creates a council with its districts and members in one transaction, audited. */
export async function createCouncil(db: Db, viewer: Viewer, input: CouncilInput, route: string) {
  const municipality = await resolveMunicipality(db, input.municipality, viewer);
  const id = await db.transaction().execute(async (trx) => {
    const { name, members } = await validateCouncil(trx, municipality, input, null);
    const councilId = await insertCouncil(trx, { municipality, name, level: input.level, district_ids: input.district_ids, userId: viewer.userId });
    await replaceCouncilMembers(trx, municipality, councilId, members);
    await recordAudit(trx, viewer, { action: 'council.create', route, municipality, filters: { council: councilId, name, level: input.level, district_ids: input.district_ids, member_ids: members } });
    return councilId;
  });
  return presentCouncil((await findCouncil(db, id))!);
}

/** Replaces a council's name, level, districts and members, audited. */
export async function replaceCouncil(db: Db, viewer: Viewer, id: number, input: CouncilInput, route: string) {
  const current = await loadCouncil(db, viewer, id);
  if (input.municipality !== undefined && input.municipality !== current.municipality_code) {
    throw badRequest('municipality', 'a council cannot move to another municipality');
  }
  const municipality = current.municipality_code;
  await db.transaction().execute(async (trx) => {
    // Members left out of a PUT stay as they were: most edits touch the districts, not the seats.
    const { name, members } = await validateCouncil(trx, municipality, { ...input, member_ids: input.member_ids ?? current.member_ids.map(Number) }, id);
    await updateCouncil(trx, { id, municipality, name, level: input.level, district_ids: input.district_ids, userId: viewer.userId });
    await replaceCouncilMembers(trx, municipality, id, members);
    await recordAudit(trx, viewer, { action: 'council.update', route, municipality, filters: { council: id, name, level: input.level, district_ids: input.district_ids, member_ids: members } });
  });
  return presentCouncil((await findCouncil(db, id))!);
}

/** The users a council manager may seat on a council of the municipality: id, name and role (no other account data). */
export async function listMemberCandidatesFor(db: Db, viewer: Viewer, municipalityCode: string | undefined) {
  const municipality = await resolveMunicipality(db, municipalityCode, viewer);
  const users = await listMemberCandidates(db, municipality);
  // The display name, or the email's local part when there is none: enough to recognise a colleague.
  return { municipality, users: users.map((u) => ({ id: u.id, name: u.display_name ?? u.email.split('@')[0], role: u.role })) };
}
