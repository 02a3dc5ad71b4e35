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
