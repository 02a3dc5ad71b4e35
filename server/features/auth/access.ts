import { CATEGORY_BY_CODE, SOURCES, type Sensitivity, type Source } from '../../../shared/categories.ts';
import { mayAdminister, mayEdit, mayImport, type EditableResource, type Role } from '../../../shared/roles.ts';
import { AppError } from '../../infra/errors.ts';
import type { Viewer } from './viewer.ts';

/**
 * The access module: every route that decides municipality scope, import rights, edit rights or admin rights
 * asks here, so one request is refused the same way (status and problem `code`) wherever it arrives. Data
 * disclosure (what a role may *see* of the numbers) is the disclosure feature's; this module decides whether
 * the request may be made at all.
 */

/** The fixed problem codes of a refusal; clients and the audit log may rely on them. */
export const ACCESS_CODES = {
  /** 401: the public asked for something that needs an account. */
  signInRequired: 'SIGN_IN_REQUIRED',
  /** 403: the role may not do this at all (SPEC §6). */
  roleForbidden: 'ROLE_FORBIDDEN',
  /** 403: the account or token is not bound to this municipality. */
  municipalityScope: 'MUNICIPALITY_SCOPE',
  /** 403: the role may not import anything. */
  importForbidden: 'IMPORT_FORBIDDEN',
  /** 403: the role may not import, map or roll back data of this source. */
  importSourceForbidden: 'IMPORT_SOURCE_FORBIDDEN',
  /** 403: the role may not map codes into (or out of) a category of this sensitivity. */
  importCategoryForbidden: 'IMPORT_CATEGORY_FORBIDDEN',
  /** 403: the role may not edit this kind of workflow resource (SPEC §6). */
  editForbidden: 'EDIT_FORBIDDEN',
  /** 403: users, tokens and the audit log are for admins. */
  adminOnly: 'ADMIN_ONLY',
} as const;
export type AccessCode = (typeof ACCESS_CODES)[keyof typeof ACCESS_CODES];

function signInRequired(what: string): AppError {
  return new AppError(401, ACCESS_CODES.signInRequired, `Sign in to ${what}`);
}

/** 401 for the public where a route needs someone signed in, else 403 ROLE_FORBIDDEN when `allowed` is false. */
export function requireAccess(viewer: Viewer, allowed: boolean, what: string): void {
  if (allowed) return;
  if (viewer.role === 'public') throw signInRequired(what);
  throw new AppError(403, ACCESS_CODES.roleForbidden, `Your role (${viewer.role}) may not ${what}`);
}

// ---------------------------------------------------------------------------------------------------------
// Municipality scope

/** Whether the viewer's account or token covers this municipality (null codes = every one, set on purpose). */
export function coversMunicipality(viewer: Viewer, municipality: string): boolean {
  return viewer.municipalityCodes === null || viewer.municipalityCodes.includes(municipality);
}

/** 403 MUNICIPALITY_SCOPE unless the viewer is bound to this municipality. */
export function requireMunicipalityScope(viewer: Viewer, municipality: string): void {
  if (!coversMunicipality(viewer, municipality)) {
    throw new AppError(403, ACCESS_CODES.municipalityScope, `You have no access to municipality ${municipality}`, [
      { field: 'municipality', message: 'outside the municipalities of your account' },
    ]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Admin

/** Users, tokens and the audit log are for admins only (SPEC §6, last row). */
export function requireAdmin(viewer: Viewer): void {
  if (mayAdminister(viewer.role)) return;
  if (viewer.role === 'public') throw signInRequired('manage users, tokens or the audit log');
  throw new AppError(403, ACCESS_CODES.adminOnly, `Your role (${viewer.role}) may not manage users, tokens or the audit log`);
}

/**
 * Whether an admin may manage a record bound to this municipality (`'*'` = a record for every municipality,
 * which only an admin of every municipality may create or manage).
 */
export function adminCovers(viewer: Viewer, municipality: string | null): boolean {
  if (viewer.municipalityCodes === null) return true;
  return municipality !== null && municipality !== '*' && viewer.municipalityCodes.includes(municipality);
}

/** 403 MUNICIPALITY_SCOPE when an admin reaches for an account outside the municipalities they administer. */
export function requireAdminCovers(viewer: Viewer, municipality: string | null): void {
  if (!adminCovers(viewer, municipality)) {
    throw new AppError(403, ACCESS_CODES.municipalityScope, municipality === '*' || municipality === null
      ? 'Only an admin of every municipality may grant access to every municipality'
      : `Outside the municipalities you administer (${municipality})`, [{ field: 'municipality', message: 'outside the municipalities you administer' }]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Imports

/** Sensitivities a role may map source codes into or out of: a mapping decides who later sees those points. */
export function mayImportSensitivity(role: Role, sensitivity: Sensitivity): boolean {
  if (role === 'admin' || role === 'police') return true;
  // Analysts do not see protected points (SPEC §6), so they cannot check, and must not decide, what lands there.
  if (role === 'analyst') return sensitivity !== 'protected';
  return false;
}

/** The incident sources this role may import, map and roll back. */
export function importableSources(viewer: Viewer): Source[] {
  return SOURCES.filter((s) => mayImport(viewer.role, s));
}

/** 401 / 403 IMPORT_FORBIDDEN unless the role may import anything at all (SPEC §6: analyst, police, admin). */
export function requireImporter(viewer: Viewer): void {
  if (viewer.role === 'public') throw signInRequired('import');
  if (!mayImport(viewer.role, null) && importableSources(viewer).length === 0) {
    throw new AppError(403, ACCESS_CODES.importForbidden, `Rollen ${viewer.role} får inte importera.`);
  }
}

/** 403 IMPORT_SOURCE_FORBIDDEN unless the role may import every one of these sources. */
export function requireImportSources(viewer: Viewer, sources: Iterable<string>, field = 'source'): void {
  requireImporter(viewer);
  const denied = [...new Set(sources)].filter((s) => !mayImport(viewer.role, s)).sort();
  if (denied.length) {
    throw new AppError(403, ACCESS_CODES.importSourceForbidden, `Rollen ${viewer.role} får inte hantera data från källan ${denied.join(', ')}.`, [
      { field, message: `not allowed for role ${viewer.role}: ${denied.join(', ')}` },
    ]);
  }
}

/**
 * Why this role may not set or remove a mapping entry, or null when it may. `source` null is an entry for
 * every source (it also translates police codes that have no police-specific entry), so it needs the right
 * to every source; each category involved (the new one, and the one the entry replaces) must be of a
 * sensitivity the role may import.
 */
export function mappingRefusal(
  role: Role,
  entry: { source: string | null; categories: readonly (string | null | undefined)[] },
): { code: AccessCode; field: 'source' | 'category'; message: string } | null {
  const sources = entry.source === null ? [...SOURCES] : [entry.source];
  const deniedSources = sources.filter((s) => !mayImport(role, s));
  if (deniedSources.length) {
    return {
      code: ACCESS_CODES.importSourceForbidden, field: 'source',
      message: entry.source === null
        ? `en översättning för alla källor gäller även ${deniedSources.join(', ')}, som rollen ${role} inte får importera`
        : `rollen ${role} får inte ändra översättningar för källan ${entry.source}`,
    };
  }
  for (const code of entry.categories) {
    if (!code) continue;
    const sensitivity = CATEGORY_BY_CODE.get(code)?.sensitivity ?? 'protected';
    if (!mayImportSensitivity(role, sensitivity)) {
      return { code: ACCESS_CODES.importCategoryForbidden, field: 'category', message: `rollen ${role} får inte översätta koder till eller från kategorin ${code} (${sensitivity})` };
    }
  }
  return null;
}

/** 403 (IMPORT_SOURCE_FORBIDDEN or IMPORT_CATEGORY_FORBIDDEN) when {@link mappingRefusal} refuses. */
export function requireMappingRight(viewer: Viewer, entry: { source: string | null; categories: readonly (string | null | undefined)[] }): void {
  requireImporter(viewer);
  const refusal = mappingRefusal(viewer.role, entry);
  if (refusal) throw new AppError(403, refusal.code, `${refusal.message[0].toUpperCase()}${refusal.message.slice(1)}.`, [{ field: refusal.field, message: refusal.message }]);
}

// ---------------------------------------------------------------------------------------------------------
// Workflow edits

/** 401 for the public, 403 EDIT_FORBIDDEN unless the role may edit this resource (SPEC §6). */
export function requireEdit(viewer: Viewer, resource: EditableResource): void {
  if (mayEdit(viewer.role, resource)) return;
  if (viewer.role === 'public') throw signInRequired(`edit ${resource.replace(/_/g, ' ')}`);
  throw new AppError(403, ACCESS_CODES.editForbidden, `Your role (${viewer.role}) may not edit ${resource.replace(/_/g, ' ')}`);
}
