/**
 * Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1) in input order; nulls
 * pass through as null and are not counted in m, since a cell without a test (Gi* with s = 0
 * or W_i = n) makes no discovery and must not dilute the others.
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const order: number[] = [];
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i];
    if (p === null) continue;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at ${i} must be in [0, 1], got ${p}`);
    order.push(i);
  }
  const adjusted: (number | null)[] = pValues.map(() => null);
  const m = order.length;
  order.sort((i, j) => (pValues[i] as number) - (pValues[j] as number));
  // Walk from the largest p down, carrying the running minimum of m·p_(k)/k so adjusted
  // values never decrease with rank (the step-up rule).
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1];
    running = Math.min(running, (m * (pValues[i] as number)) / rank);
    adjusted[i] = running;
  }
  return adjusted;
}
