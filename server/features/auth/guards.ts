import { mayAdminister } from '../../../shared/roles.ts';
import { AppError } from '../../infra/errors.ts';
import type { Viewer } from './viewer.ts';

/** 401 for the public where a route needs someone signed in, else 403 when `allowed` is false. */
export function requireAccess(viewer: Viewer, allowed: boolean, what: string): void {
  if (allowed) return;
  if (viewer.role === 'public') throw new AppError(401, 'SIGN_IN_REQUIRED', `Sign in to ${what}`);
  throw new AppError(403, 'FORBIDDEN', `Your role (${viewer.role}) may not ${what}`);
}

/** Users, tokens and the audit log are for admins only (SPEC §6, last row). */
export function requireAdmin(viewer: Viewer): void {
  requireAccess(viewer, mayAdminister(viewer.role), 'manage users, tokens or the audit log');
}

/** Whether an admin limited to some municipalities may manage a record of this municipality (null = all). */
export function adminCovers(viewer: Viewer, municipality: string | null): boolean {
  if (viewer.municipalityCodes === null) return true;
  return municipality !== null && viewer.municipalityCodes.includes(municipality);
}
