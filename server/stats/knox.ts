import { DISTANCE_TOLERANCE_M, forEachPairWithin } from './pairs-within.ts';
import { mulberry32, shuffleInPlace, type Random } from './random.ts';

/** An event for the near-repeat test: position in metres (SWEREF 99 TM) and time in days (fractions allowed). */
export interface KnoxEvent {
  x: number;
  y: number;
  t: number;
}

/** Band edges and Monte Carlo settings for {@link knoxTest}. */
export interface KnoxOptions {
  /** Inclusive upper edges in metres, strictly increasing: [100, 200] means [0, 100], (100, 200] and beyond. A leading 0 gives a same-place band. */
  spaceBands: readonly number[];
  /** Inclusive upper edges in days, strictly increasing: [7, 14] means 0–7, (7, 14] (8–14 for whole days) and beyond. */
  timeBands: readonly number[];
  /** Number of permutations; default 99, so the smallest attainable p is 0.01. */
  iterations?: number;
  /** Seeded PRNG; default mulberry32(1), so results are reproducible either way. */
  random?: Random;
  /** Most pairs within the widest space band (they are held in memory); more throws a {@link KnoxLimitError}. */
  maxClosePairs?: number;
  /** Most close pairs × iterations (the permutation work); more throws a {@link KnoxLimitError}. */
  maxWork?: number;
}

/** Thrown when a Knox test would exceed its work limits; `limit` says which one. */
export class KnoxLimitError extends RangeError {
  constructor(readonly limit: 'close_pairs' | 'work', message: string) {
    super(message);
  }
}

/** Knox table: rows are space bands then "beyond", columns time bands then "beyond". */
export interface KnoxResult {
  /** Observed number of event pairs per (space band, time band). */
  observed: number[][];
  /** Mean number of pairs over the permutations (the expectation under no space–time interaction). */
  expected: number[][];
  /** observed / expected, the Knox ratio; null when expected is 0. */
  ratio: (number | null)[][];
  /** One-sided Monte Carlo p = (1 + #(simulated ≥ observed)) / (iterations + 1). */
  p: number[][];
  iterations: number;
  /** Total number of event pairs, n(n − 1)/2; every table sums to it. */
  pairs: number;
}

// Times are often derived from timestamps as ms / 86 400 000, so a gap of exactly 7 days
// can come out 6.999999999999 or 7.000000000001; a tenth of a millisecond of slack keeps it in its band.
const TIME_TOLERANCE_DAYS = 1e-9;

function assertEdges(name: string, edges: readonly number[]): void {
  if (edges.length === 0) throw new RangeError(`${name} needs at least one edge`);
  edges.forEach((e, k) => {
    if (!Number.isFinite(e) || e < 0 || (k > 0 && e <= edges[k - 1])) {
      throw new RangeError(`${name} must be finite, ≥ 0 and strictly increasing`);
    }
  });
}

/** Index of the first band whose upper edge (plus tolerance) holds `value`, or edges.length for "beyond". */
function bandOf(value: number, edges: readonly number[], tolerance: number): number {
  let k = 0;
  while (k < edges.length && value > edges[k] + tolerance) k++;
  return k;
}

/** Number of pairs in sorted `times` per time band; permuting times between events cannot change it. */
function pairsPerTimeBand(sortedTimes: Float64Array, edges: readonly number[]): number[] {
  const n = sortedTimes.length;
  const total = (n * (n - 1)) / 2;
  const perBand: number[] = [];
  let below = 0;
  for (const edge of edges) {
    // Two pointers: for each j, events lo..j−1 are within `edge` days before it.
    let within = 0;
    let lo = 0;
    for (let j = 0; j < n; j++) {
      while (sortedTimes[j] - sortedTimes[lo] > edge + TIME_TOLERANCE_DAYS) lo++;
      within += j - lo;
    }
    perBand.push(within - below);
    below = within;
  }
  perBand.push(total - below);
  return perBand;
}

/**
 * Knox near-repeat test as in Ratcliffe's Near Repeat Calculator: counts event pairs by
 * distance band and time-gap band and compares each count with `iterations` Monte Carlo
 * permutations of the event times among the events.
 */
export function knoxTest(events: readonly KnoxEvent[], options: KnoxOptions): KnoxResult {
  const { spaceBands, timeBands, iterations = 99, random = mulberry32(1), maxClosePairs = Infinity, maxWork = Infinity } = options;
  assertEdges('spaceBands', spaceBands);
  assertEdges('timeBands', timeBands);
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  const n = events.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const times = new Float64Array(n);
  events.forEach((e, i) => {
    if (!Number.isFinite(e.t)) throw new RangeError(`event ${i} has a non-finite time`);
    xs[i] = e.x;
    ys[i] = e.y;
    times[i] = e.t;
  });
  const rows = spaceBands.length + 1;
  const cols = timeBands.length + 1;
  const beyondRow = rows - 1;

  // Only pairs within the widest finite distance band are enumerated; pairs beyond it are
  // found per time band by subtraction from all pairs, which keeps the work near-linear
  // for a city-sized area instead of n².
  const closeI: number[] = [];
  const closeJ: number[] = [];
  const closeBand: number[] = [];
  const maxSpace = spaceBands[spaceBands.length - 1];
  forEachPairWithin(xs, ys, maxSpace + DISTANCE_TOLERANCE_M, (i, j, d) => {
    // Stops the enumeration itself, before memory or the permutations grow with a too-wide band.
    if (closeI.length >= maxClosePairs) throw new KnoxLimitError('close_pairs', `more than ${maxClosePairs} pairs within ${maxSpace} m`);
    closeI.push(i);
    closeJ.push(j);
    // Clamped because sqrt can round a pair found within reach to a hair beyond the last edge.
    closeBand.push(Math.min(bandOf(d, spaceBands, DISTANCE_TOLERANCE_M), spaceBands.length - 1));
  });
  if (closeI.length * iterations > maxWork) {
    throw new KnoxLimitError('work', `${closeI.length} close pairs × ${iterations} permutations exceed ${maxWork}`);
  }
  const pairI = Int32Array.from(closeI);
  const pairJ = Int32Array.from(closeJ);
  const pairRowOffset = Int32Array.from(closeBand, (b) => b * cols);
  const allPairsByTime = pairsPerTimeBand(Float64Array.from(times).sort(), timeBands);

  const tabulate = (t: Float64Array): Float64Array => {
    const table = new Float64Array(rows * cols);
    for (let k = 0; k < pairI.length; k++) {
      const gap = Math.abs(t[pairI[k]] - t[pairJ[k]]);
      table[pairRowOffset[k] + bandOf(gap, timeBands, TIME_TOLERANCE_DAYS)] += 1;
    }
    for (let c = 0; c < cols; c++) {
      let close = 0;
      for (let r = 0; r < beyondRow; r++) close += table[r * cols + c];
      table[beyondRow * cols + c] = allPairsByTime[c] - close;
    }
    return table;
  };

  const observed = tabulate(times);
  const simulatedSum = new Float64Array(rows * cols);
  const atLeastObserved = new Float64Array(rows * cols);
  const permuted = Float64Array.from(times);
  for (let it = 0; it < iterations; it++) {
    // Shuffling the previous permutation again is still a uniform permutation of the times.
    shuffleInPlace(permuted, random);
    const simulated = tabulate(permuted);
    for (let k = 0; k < simulated.length; k++) {
      simulatedSum[k] += simulated[k];
      if (simulated[k] >= observed[k]) atLeastObserved[k] += 1;
    }
  }

  const grid = <T>(cell: (k: number) => T): T[][] =>
    Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => cell(r * cols + c)));
  return {
    observed: grid((k) => observed[k]),
    expected: grid((k) => simulatedSum[k] / iterations),
    ratio: grid((k) => (simulatedSum[k] > 0 ? observed[k] / (simulatedSum[k] / iterations) : null)),
    p: grid((k) => (1 + atLeastObserved[k]) / (iterations + 1)),
    iterations,
    pairs: (n * (n - 1)) / 2,
  };
}
