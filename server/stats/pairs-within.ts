/**
 * Slack in metres added to every "distance ≤ band" test: hexagon centroids and band edges
 * are computed in floating point, and a pair at exactly the band distance must not drop out
 * because its computed distance came out 1e-12 m too long.
 */
export const DISTANCE_TOLERANCE_M = 1e-6;

/**
 * Calls `visit(i, j, d)` once for every unordered pair of points i ≠ j whose Euclidean
 * distance d (same units as the coordinates, metres in SWEREF 99 TM) is ≤ `reach`, using a
 * uniform grid of buckets so the cost grows with the number of close pairs, not n².
 */
export function forEachPairWithin(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  reach: number,
  visit: (i: number, j: number, distance: number) => void,
): void {
  const n = xs.length;
  if (ys.length !== n) throw new RangeError('xs and ys must have the same length');
  if (!(reach >= 0) || !Number.isFinite(reach)) throw new RangeError(`reach must be finite and ≥ 0, got ${reach}`);
  if (n < 2) return;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) throw new RangeError(`point ${i} has a non-finite coordinate`);
    minX = Math.min(minX, xs[i]);
    minY = Math.min(minY, ys[i]);
    maxX = Math.max(maxX, xs[i]);
    maxY = Math.max(maxY, ys[i]);
  }
  // Buckets at least as wide as `reach` put any pair within reach in the same or adjacent
  // buckets; the hair of extra width covers floor() rounding. Wider is only slower, so a
  // tiny reach is widened to keep bucket numbers far below 2^53 and never divide by 0.
  const extent = Math.max(maxX - minX, maxY - minY);
  const size = Math.max(reach * (1 + 1e-9), extent * 2 ** -40) || 1;
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    bx[i] = Math.floor((xs[i] - minX) / size);
    by[i] = Math.floor((ys[i] - minY) / size);
  }
  // Sort points by bucket (column, then row) and record each bucket's run. Two keys rather
  // than one packed number, because columns × rows can exceed 2^53 for a tiny reach.
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => bx[a] - bx[b] || by[a] - by[b]);
  const bucketX: number[] = [];
  const bucketY: number[] = [];
  const bucketStart: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const last = bucketX.length - 1;
    if (last < 0 || bucketX[last] !== bx[i] || bucketY[last] !== by[i]) {
      bucketX.push(bx[i]);
      bucketY.push(by[i]);
      bucketStart.push(k);
    }
  }
  const buckets = bucketX.length;
  bucketStart.push(n);

  const findBucket = (x: number, y: number): number => {
    let lo = 0;
    let hi = buckets - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = bucketX[mid] - x || bucketY[mid] - y;
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };

  const reach2 = reach * reach;
  // Half of the 3×3 neighbourhood, so every pair of buckets is visited from one side only.
  const forward = [
    [0, 1],
    [1, -1],
    [1, 0],
    [1, 1],
  ];
  for (let b = 0; b < buckets; b++) {
    const start = bucketStart[b];
    const end = bucketStart[b + 1];
    for (let u = start; u < end; u++) {
      const i = order[u];
      const xi = xs[i];
      const yi = ys[i];
      for (let v = u + 1; v < end; v++) {
        const j = order[v];
        const dx = xs[j] - xi;
        const dy = ys[j] - yi;
        const d2 = dx * dx + dy * dy;
        if (d2 <= reach2) visit(i, j, Math.sqrt(d2));
      }
    }
    for (const [dx, dy] of forward) {
      const other = findBucket(bucketX[b] + dx, bucketY[b] + dy);
      if (other < 0) continue;
      const oStart = bucketStart[other];
      const oEnd = bucketStart[other + 1];
      for (let u = start; u < end; u++) {
        const i = order[u];
        const xi = xs[i];
        const yi = ys[i];
        for (let v = oStart; v < oEnd; v++) {
          const j = order[v];
          const ddx = xs[j] - xi;
          const ddy = ys[j] - yi;
          const d2 = ddx * ddx + ddy * ddy;
          if (d2 <= reach2) visit(i, j, Math.sqrt(d2));
        }
      }
    }
  }
}
