import { mannKendall } from './mann-kendall.ts';

/** Space–time pattern of one cell, a simplified subset of ArcGIS Emerging Hot Spot Analysis. */
export type EmergingPattern = 'new' | 'intensifying' | 'persistent' | 'diminishing' | 'sporadic' | 'no_pattern';

// A cell hot in at least 9 of every 10 slices is a lasting hot spot, as in ArcGIS; kept in
// integers because 0.9 · slices in floating point can land a hair off a whole number.
const LASTING_TENTHS = 9;

/**
 * Space–time pattern of a cell from its per-slice Gi* classes and z-scores (oldest slice
 * first; "hot" = a hot90/95/99 class, i.e. z > 0 with p_fdr ≤ 0.10). Rules, first match wins:
 * `new` hot in the final slice only; with hot in ≥ 90 % of slices, Mann–Kendall (α 0.05) on
 * the non-null z gives `intensifying` (up, final hot), `diminishing` (down, final hot) or
 * `persistent` (no trend); `sporadic` hot in the final slice and some earlier but < 90 %;
 * else `no_pattern`. Unlike ArcGIS there are no cold-spot, consecutive, oscillating or
 * historical labels: those cells fall to `no_pattern`.
 */
export function emergingPattern(sliceClasses: readonly string[], sliceZ: readonly (number | null)[]): EmergingPattern {
  const slices = sliceClasses.length;
  if (sliceZ.length !== slices) throw new RangeError('sliceClasses and sliceZ must have one entry per slice');
  if (slices === 0) return 'no_pattern';
  const hot = sliceClasses.map((c) => c.startsWith('hot'));
  const finalHot = hot[slices - 1];
  const earlierHot = hot.slice(0, -1).filter(Boolean).length;
  const hotSlices = earlierHot + (finalHot ? 1 : 0);

  if (finalHot && earlierHot === 0) return 'new';
  if (hotSlices * 10 >= slices * LASTING_TENTHS) {
    // A slice whose Gi* was undefined (all counts equal) says nothing about intensity, so it
    // is left out of the trend rather than read as z = 0.
    const z = sliceZ.filter((v): v is number => v !== null);
    const { trend } = mannKendall(z);
    if (trend === 'none') return 'persistent';
    if (finalHot) return trend === 'up' ? 'intensifying' : 'diminishing';
    return 'no_pattern';
  }
  if (finalHot) return 'sporadic';
  return 'no_pattern';
}
