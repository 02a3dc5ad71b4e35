import type { FollowUp } from '../../../shared/actions.schema.ts';
import { SUPPRESSION_THRESHOLD } from '../../../shared/roles.ts';
import { roundCount } from '../../../shared/suppression.ts';
import { twoSidedP } from '../../stats/normal.ts';
import { poissonChangeTest } from '../../stats/poisson-change.ts';
import { Z_95 } from '../../stats/wilson.ts';

/** An after-period shorter than this says too little about a change. */
export const MIN_AFTER_DAYS = 28;
/** With fewer incidents than this in both periods together, no change can be told apart from chance. */
export const MIN_TOTAL_COUNT = 10;

/** One indicator's before/after comparison as `GET /api/actions/{id}` returns it (SPEC §7). */
export type FollowUpEntry = FollowUp;

/**
 * Compares incident counts of equal periods before and after an action's start with the exact
 * conditional Poisson test of SPEC §5. Where the viewer's access suppresses small counts, counts of
 * 1–4 are hidden (with everything computed from them) and the others rounded to 5, as in the live
 * district statistics.
 */
export function compareCounts(key: string, before: number, after: number, o: { afterDays: number; suppress: boolean }): FollowUpEntry {
  const notes: string[] = [];
  const small = (n: number) => o.suppress && n > 0 && n < SUPPRESSION_THRESHOLD;
  if (small(before) || small(after)) {
    return { key, kind: 'category', before: null, after: null, change_pct: null, p_value: null, significant: false, note: `counts under ${SUPPRESSION_THRESHOLD} are not shown for your role: too few to tell` };
  }
  const b = o.suppress ? roundCount(before) : before;
  const a = o.suppress ? roundCount(after) : after;
  const test = poissonChangeTest(a, b);
  const tooShort = o.afterDays < MIN_AFTER_DAYS;
  if (tooShort) notes.push(`the after-period is only ${o.afterDays} days (at least ${MIN_AFTER_DAYS} needed): too early to tell`);
  if (a + b < MIN_TOTAL_COUNT) notes.push(`only ${a + b} incidents in both periods together: too few to tell a change from chance`);
  if (!notes.length) notes.push(test.significant ? `${a < b ? 'a decrease' : 'an increase'} unlikely to be chance (exact test, p < 0.05)` : 'no change that can be told apart from chance (exact test, p ≥ 0.05)');
  return {
    key, kind: 'category', before: b, after: a, change_pct: test.change_pct, p_value: test.p,
    significant: test.significant && !tooShort && a + b >= MIN_TOTAL_COUNT, note: notes.join('; '),
  };
}

/**
 * Difference of two independent proportions (after − before) with a Wald 95 % interval on the
 * effective sample sizes, and its two-sided normal p-value; significant when the interval excludes 0.
 */
export function compareShares(p1: number, n1: number, p2: number, n2: number) {
  const value = p2 - p1;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  if (!(se > 0)) return { value, low: value, high: value, p: value === 0 ? 1 : 0, significant: value !== 0 };
  const low = value - Z_95 * se;
  const high = value + Z_95 * se;
  return { value, low, high, p: twoSidedP(value / se), significant: low > 0 || high < 0 };
}
