import { twoSidedP } from './normal.ts';

/** Result of a Mann–Kendall test; z and p are null when the variance of S is 0 (fewer than 2 distinct values). */
export interface MannKendall {
  s: number;
  z: number | null;
  p: number | null;
  trend: 'up' | 'down' | 'none';
}

/**
 * Mann–Kendall monotonic trend test on a series in time order: S = Σ_{i<j} sign(x_j − x_i),
 * tie-corrected variance, continuity-corrected normal Z, two-sided p; a trend when p < alpha.
 */
export function mannKendall(series: readonly number[], alpha = 0.05): MannKendall {
  const n = series.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(series[i])) throw new RangeError(`series value ${i} is not finite`);
    for (let j = i + 1; j < n; j++) s += Math.sign(series[j] - series[i]);
  }
  // Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18 over groups of t tied values: ties
  // remove the pairs that could only have contributed 0 to S.
  const tieGroups = new Map<number, number>();
  for (const v of series) tieGroups.set(v, (tieGroups.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of tieGroups.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  if (!(variance > 0)) return { s, z: null, p: null, trend: 'none' };
  // S moves in steps of 2 for untied data, so the continuity correction moves it 1 towards 0.
  const z = s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(variance);
  const p = twoSidedP(z);
  const trend = p < alpha ? (z > 0 ? 'up' : 'down') : 'none';
  return { s, z, p, trend };
}
