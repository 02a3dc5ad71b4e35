import { benjaminiHochberg } from './fdr.ts';
import { twoSidedP } from './normal.ts';
import { DISTANCE_TOLERANCE_M, forEachPairWithin } from './pairs-within.ts';

/** Hot/cold spot class of a cell; the number is the confidence level of its FDR-adjusted p. */
export type GiStarClass = 'hot99' | 'hot95' | 'hot90' | 'ns' | 'cold90' | 'cold95' | 'cold99';

/** Gi* result for one cell; z, p and p_fdr are null when the statistic is undefined. */
export interface GiStarCell {
  z: number | null;
  p: number | null;
  p_fdr: number | null;
  class: GiStarClass;
}

/** Class for a Gi* z-score and its Benjamini–Hochberg p (SPEC §5): hot/cold at p_fdr ≤ 0.01, 0.05, 0.10 by the sign of z, else 'ns'. */
export function classify(z: number | null, pFdr: number | null): GiStarClass {
  if (z === null || pFdr === null || z === 0) return 'ns';
  const side = z > 0 ? 'hot' : 'cold';
  if (pFdr <= 0.01) return `${side}99`;
  if (pFdr <= 0.05) return `${side}95`;
  if (pFdr <= 0.1) return `${side}90`;
  return 'ns';
}

/**
 * Getis–Ord Gi* (Ord & Getis 1995) exactly as SPEC §5 for cells with centroids in metres and
 * binary weights within `band` metres (the cell itself included); results in input order.
 */
export function getisOrdGiStar(cells: readonly { x: number; y: number; count: number }[], band: number): GiStarCell[] {
  const n = cells.length;
  if (!(band >= 0) || !Number.isFinite(band)) throw new RangeError(`band must be finite and ≥ 0, got ${band}`);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const counts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { x, y, count } = cells[i];
    if (!Number.isFinite(count)) throw new RangeError(`cell ${i} has a non-finite count`);
    xs[i] = x;
    ys[i] = y;
    counts[i] = count;
  }
  const undefinedResult = (): GiStarCell[] =>
    Array.from({ length: n }, () => ({ z: null, p: null, p_fdr: null, class: 'ns' as const }));
  // s = 0 exactly when every count is equal; testing that directly avoids deciding whether a
  // rounded standard deviation of 1e-17 "is" zero.
  if (n < 2 || counts.every((c) => c === counts[0])) return undefinedResult();

  let sum = 0;
  for (let i = 0; i < n; i++) sum += counts[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (counts[i] - mean) ** 2;
  const s = Math.sqrt(squares / n); // population SD (divisor n), as SPEC §5 prescribes

  // The cell itself is always its own neighbour (w_ii = 1), so start from x_i and W_i = 1.
  const localSum = Float64Array.from(counts);
  const weightSum = new Float64Array(n).fill(1);
  forEachPairWithin(xs, ys, band + DISTANCE_TOLERANCE_M, (i, j) => {
    localSum[i] += counts[j];
    localSum[j] += counts[i];
    weightSum[i] += 1;
    weightSum[j] += 1;
  });

  // z_i = (Σ_j w_ij x_j − W_i x̄) / (s √((n W_i − W_i²) / (n − 1))), with binary w_ij so that
  // Σ_j w_ij² = W_i. The denominator is 0 only when W_i = n (the band covers every cell);
  // then the numerator is 0 too and z is undefined.
  const z: (number | null)[] = new Array(n);
  const p: (number | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const w = weightSum[i];
    const variance = (n * w - w * w) / (n - 1);
    if (!(variance > 0)) {
      z[i] = null;
      p[i] = null;
      continue;
    }
    const zi = (localSum[i] - w * mean) / (s * Math.sqrt(variance));
    z[i] = zi;
    p[i] = twoSidedP(zi);
  }
  const pFdr = benjaminiHochberg(p);
  return z.map((zi, i) => ({ z: zi, p: p[i], p_fdr: pFdr[i], class: classify(zi, pFdr[i]) }));
}
