/** Two-sided 95 % standard normal quantile Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

/** A confidence interval for a proportion, both ends in [0, 1]. */
export interface ProportionInterval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a proportion of `successes` out of `n` trials; both may be
 * non-integer (a weighted share times an effective sample size). Null when n = 0.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): ProportionInterval | null {
  if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError(`n must be a finite non-negative number, got ${n}`);
  if (!(successes >= 0 && successes <= n)) throw new RangeError(`successes must be in [0, n], got ${successes}`);
  if (n === 0) return null;
  return wilsonBounds(successes / n, n, z);
}

function wilsonBounds(share: number, n: number, z: number): ProportionInterval {
  const z2n = (z * z) / n;
  const centre = (share + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((share * (1 - share)) / n + z2n / (4 * n));
  // Mathematically the bounds lie in [0, 1] and are exactly 0 at p̂ = 0 and 1 at p̂ = 1;
  // pin those so rounding cannot report 0.9999999999999999 for a unanimous answer.
  return {
    low: share === 0 ? 0 : Math.max(0, centre - half),
    high: share === 1 ? 1 : Math.min(1, centre + half),
  };
}

/** A (possibly weighted) share with its 95 % Wilson interval. */
export interface WeightedShare {
  /** Σ weight of true items / Σ weight; null when there are no items with positive weight. */
  share: number | null;
  low: number | null;
  high: number | null;
  /** Unweighted number of items with positive weight (what suppression rules count). */
  n: number;
  /** Kish effective sample size (Σw)² / Σw²; equals n when all weights are equal. */
  n_eff: number;
}

/**
 * Weighted share of items whose value is true, with a 95 % Wilson interval on the Kish
 * effective sample size (SPEC §4.3); with all weights 1 it is the plain share and Wilson interval.
 */
export function weightedShare(items: readonly { value: boolean; weight: number }[]): WeightedShare {
  let n = 0;
  let sumW = 0;
  let sumW2 = 0;
  let sumTrue = 0;
  for (const { value, weight } of items) {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`weight must be finite and ≥ 0, got ${weight}`);
    // A zero-weight response contributes nothing to the estimate, so it must not count
    // towards n either, or a group could escape the n < 10 suppression on empty weight.
    if (weight === 0) continue;
    n += 1;
    sumW += weight;
    sumW2 += weight * weight;
    if (value) sumTrue += weight;
  }
  if (n === 0) return { share: null, low: null, high: null, n: 0, n_eff: 0 };
  const share = Math.min(1, sumTrue / sumW);
  const nEff = (sumW * sumW) / sumW2;
  // Equal weights give n_eff = n exactly in real arithmetic; snap the float to keep it an integer.
  const n_eff = Math.abs(nEff - n) <= 1e-9 * n ? n : nEff;
  const interval = wilsonBounds(share, n_eff, Z_95);
  return { share, low: interval.low, high: interval.high, n, n_eff };
}
