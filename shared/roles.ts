import type { Sensitivity } from './categories.ts';

/** Roles of SPEC §6; `public` is anyone not signed in. */
export const ROLES = ['public', 'council', 'planner', 'analyst', 'police', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Counts 1–4 are shown as "<5" where suppression applies. */
export const SUPPRESSION_THRESHOLD = 5;

/**
 * How a role may see district aggregates of a sensitivity: `null` = not at all, otherwise whether
 * small counts are suppressed (SPEC §6, first two rows; admin has no data access beyond open).
 */
export function aggregateAccess(role: Role, sensitivity: Sensitivity): { suppressed: boolean } | null {
  switch (sensitivity) {
    case 'open':
      return { suppressed: role === 'public' || role === 'council' || role === 'planner' };
    case 'restricted':
      if (role === 'council' || role === 'planner') return { suppressed: true };
      if (role === 'analyst' || role === 'police') return { suppressed: false };
      return null;
    case 'protected':
      if (role === 'analyst') return { suppressed: true };
      if (role === 'police') return { suppressed: false };
      return null;
  }
}

/** Whether a count should be reported as "<5" for this role. */
export function isSuppressedCount(count: number, suppress: boolean): boolean {
  return suppress && count > 0 && count < SUPPRESSION_THRESHOLD;
}

/** How a role may see incident points of a sensitivity: not at all, snapped to a 100 m grid, or exact. */
export type PointAccess = null | 'snapped_100m' | 'exact';

/** Incident points per SPEC §6 (rows three to five). */
export function pointAccess(role: Role, sensitivity: Sensitivity): PointAccess {
  if (role === 'police') return 'exact';
  if (role === 'analyst') return sensitivity === 'protected' ? null : sensitivity === 'restricted' ? 'snapped_100m' : 'exact';
  if (role === 'planner') return sensitivity === 'open' ? 'snapped_100m' : null;
  return null;
}

/** Free-text incident descriptions: police only. */
export function mayReadDescriptions(role: Role): boolean {
  return role === 'police';
}

/** Hotspot cells: council sees cells under 5 as "<5"; public and admin none. */
export function hotspotAccess(role: Role): { suppressed: boolean } | null {
  if (role === 'council') return { suppressed: true };
  if (role === 'planner' || role === 'analyst' || role === 'police') return { suppressed: false };
  return null;
}

/** Survey marks: which comments a role sees (moderated ones, or also those awaiting moderation). */
export function markAccess(role: Role): { comments: 'approved' | 'all' } | null {
  if (role === 'council' || role === 'planner' || role === 'police') return { comments: 'approved' };
  if (role === 'analyst') return { comments: 'all' };
  return null;
}

/** Imports: analysts bring non-police sources, police the police source, admin anything. */
export function mayImport(role: Role, source: string | null): boolean {
  if (role === 'admin') return true;
  if (role === 'police') return source === 'police' || source === null;
  if (role === 'analyst') return source !== 'police';
  return false;
}

/** Workflow resources of SPEC §7 a role may edit (everyone may read what is published). */
export type EditableResource = 'priorities' | 'citizen_promises' | 'actions' | 'meetings' | 'site_checks';

/** Edit rights per SPEC §6 ("priorities / promises / site checks" row). */
export function mayEdit(role: Role, resource: EditableResource): boolean {
  if (role === 'analyst' || role === 'police') return true;
  if (role === 'council') return resource === 'priorities' || resource === 'meetings';
  if (role === 'planner') return resource === 'site_checks';
  return false;
}

/** Users, tokens and the audit log: admin only. */
export function mayAdminister(role: Role): boolean {
  return role === 'admin';
}
