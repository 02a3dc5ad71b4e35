import { SUPPRESSION_THRESHOLD } from './roles.ts';

/**
 * Small-count protection for viewers whose access is suppressed (SPEC §6), against direct reading and
 * against recovery by difference:
 *
 * 1. Primary suppression: a count of 1–4 is not published (`small`, shown as "<5").
 * 2. Complementary (secondary) suppression: a published total, or the sum of the other cells, would give a
 *    lone suppressed cell away. So in every group whose total can be learnt elsewhere — the siblings under
 *    one parent district (the parent is queryable at its own level), and all cells of an answer together
 *    (the municipality total is published by the time-pattern and trend routes) — a group with exactly one
 *    suppressed cell gets its smallest other cell suppressed too (`complementary`, shown as "–"), repeated
 *    until no group has exactly one.
 * 3. Rounding: every published count ≥ 5 is rounded to the nearest multiple of 5. Narrowing filters
 *    (one category more or less, one day more or less) then yields differences of rounded numbers, which
 *    cannot pin a suppressed 1–4 down. Rates and changes are computed from the rounded counts.
 * Viewers without suppression get the exact counts.
 */
export interface CountCell<K> {
  key: K;
  count: number;
  /** Groups whose total is learnable elsewhere (e.g. the parent district's id, and 'all'). */
  groups: (string | number)[];
}

export type SuppressionReason = 'small' | 'complementary';

export interface ProtectedCount {
  /** The published count (rounded to 5 where suppression applies), or null when suppressed. */
  count: number | null;
  suppression: SuppressionReason | null;
}

/** Rounds a published count to the nearest multiple of 5 (counts 0 stay 0). */
export function roundCount(count: number): number {
  return count === 0 ? 0 : Math.max(SUPPRESSION_THRESHOLD, Math.round(count / 5) * 5);
}

/**
 * Primary suppression by `isPrimary`, then complementary suppression: in every group (cells sharing a
 * group key, whose total is learnable elsewhere) with exactly one hidden cell, the smallest visible cell
 * is hidden too, repeated until no group has exactly one. Returns why each hidden cell is hidden.
 */
export function suppressWithComplements<K, C extends { key: K; count: number; groups: (string | number)[] }>(
  cells: C[], isPrimary: (cell: C) => boolean,
): Map<K, SuppressionReason> {
  const reason = new Map<K, SuppressionReason>();
  for (const c of cells) if (isPrimary(c)) reason.set(c.key, 'small');
  const groups = new Map<string | number, C[]>();
  for (const c of cells) for (const g of c.groups) groups.set(g, [...(groups.get(g) ?? []), c]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const members of groups.values()) {
      const hidden = members.filter((c) => reason.has(c.key));
      if (hidden.length !== 1) continue;
      const candidates = members.filter((c) => !reason.has(c.key)).sort((a, b) => a.count - b.count);
      if (!candidates.length) continue;
      reason.set(candidates[0].key, 'complementary');
      changed = true;
    }
  }
  return reason;
}

/** Applies primary and complementary suppression and rounding to a set of counts (see module comment). */
export function protectCounts<K>(cells: CountCell<K>[], suppress: boolean): Map<K, ProtectedCount> {
  const out = new Map<K, ProtectedCount>();
  if (!suppress) {
    for (const c of cells) out.set(c.key, { count: c.count, suppression: null });
    return out;
  }
  const reason = suppressWithComplements(cells, (c) => c.count > 0 && c.count < SUPPRESSION_THRESHOLD);
  for (const c of cells) {
    const r = reason.get(c.key) ?? null;
    out.set(c.key, { count: r ? null : roundCount(c.count), suppression: r });
  }
  return out;
}
