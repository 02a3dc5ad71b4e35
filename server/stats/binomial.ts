// Binomial probabilities by Loader's saddle-point method ("Fast and accurate computation of
// binomial probabilities", 2000), the method behind R's dbinom. Going through lgamma would
// lose ~1e-8 relative accuracy at n = 10^7, because lgamma(n) ≈ 1.5e8 carries an absolute
// rounding error that exp() turns into a relative one; Loader's form never forms such
// large logarithms.

const LN_2PI = 1.8378770664093454836;

// stirlerr(k) = ln k! − ((k + ½) ln k − k + ½ ln 2π) for k = 0..15, computed with 40-digit
// arithmetic (mpmath); the asymptotic series below is not accurate enough for small k.
const STIRLERR_SMALL = [
  0, 0.08106146679532725821967, 0.04134069595540929409382, 0.02767792568499833914879,
  0.02079067210376509311152, 0.01664469118982119216319, 0.01387612882307074799875,
  0.01189670994589177009506, 0.01041126526197209649748, 0.009255462182712732917729,
  0.008330563433362871256469, 0.007573675487951840794972, 0.006942840107209529865664,
  0.00640899418800420706844, 0.005951370112758847735624, 0.005554733551962801371039,
];

/** Error of Stirling's formula for ln k! at a non-negative integer k. */
function stirlerr(k: number): number {
  if (k <= 15) return STIRLERR_SMALL[k];
  const kk = k * k;
  // Terms 1/12, 1/360, 1/1260, 1/1680, 1/1188 of the Stirling series; fewer terms suffice
  // for larger k (the next term is below 1e-17 of the result).
  if (k > 500) return (1 / 12 - 1 / 360 / kk) / k;
  if (k > 80) return (1 / 12 - (1 / 360 - 1 / 1260 / kk) / kk) / k;
  if (k > 35) return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / 1680 / kk) / kk) / kk) / k;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / kk) / kk) / kk) / kk) / k;
}

/** Deviance term x·ln(x/m) + m − x, computed without cancellation when x ≈ m. */
function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    // Series in v = (x − m)/(x + m): x ln(x/m) + m − x = (x − m)v + 2x Σ_{j≥1} v^(2j+1)/(2j+1).
    let v = (x - m) / (x + m);
    let sum = (x - m) * v;
    let term = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      term *= v;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / m) + m - x;
}

function assertCountArgs(k: number, n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k)) throw new RangeError(`k must be an integer, got ${k}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
}

/** P(X = k) for X ~ Binomial(n, p), with relative accuracy near 1e-15 even for n in the tens of millions. */
export function binomialPmf(k: number, n: number, p: number): number {
  assertCountArgs(k, n, p);
  if (k < 0 || k > n) return 0;
  const q = 1 - p;
  if (p === 0) return k === 0 ? 1 : 0;
  if (q === 0) return k === n ? 1 : 0;
  // At the ends the probability is q^n or p^n; pow is exact for powers of ½ where exp(n ln q)
  // is not, and the deviance form keeps p^n accurate when 1 − p rounds.
  if (k === 0) return p < 0.1 ? Math.exp(-bd0(n, n * q) - n * p) : q ** n;
  if (k === n) return q < 0.1 ? Math.exp(-bd0(n, n * p) - n * q) : p ** n;
  const lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * q);
  const lf = LN_2PI + Math.log(k) + Math.log1p(-k / n);
  return Math.exp(lc - 0.5 * lf);
}

/**
 * Sum of P(X = j) for j = from, from+step, … away from the mean, where the terms fall
 * monotonically; stops once a term can no longer change the sum.
 */
function sumTailAwayFromMean(from: number, n: number, p: number, step: 1 | -1): number {
  const odds = p / (1 - p);
  let term = binomialPmf(from, n, p);
  let sum = 0;
  let j = from;
  while (term > 0 && j >= 0 && j <= n) {
    sum += term;
    if (term < sum * 1e-17) break;
    // Ratio of neighbouring probabilities; a few thousand multiplications keep the relative
    // error near 1e-13 while avoiding one exp() per term.
    term *= step === -1 ? j / (n - j + 1) / odds : ((n - j) / (j + 1)) * odds;
    j += step;
  }
  return sum;
}

/** Lower tail P(X ≤ k) for X ~ Binomial(n, p), accurate in relative terms when it is the smaller tail. */
export function binomialCdf(k: number, n: number, p: number): number {
  assertCountArgs(k, n, p);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  // Sum whichever tail lies beyond k on the far side of the mean: its terms shrink
  // monotonically, so only about √n·6 of them matter however large n is.
  if (k < n * p) return sumTailAwayFromMean(k, n, p, -1);
  return 1 - sumTailAwayFromMean(k + 1, n, p, 1);
}
