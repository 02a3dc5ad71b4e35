import { weightedShare } from '../../stats/wilson.ts';
import type { ResponseRow } from './surveys.queries.ts';

/** Groups (and single indicators) with fewer responses than this are suppressed (SPEC §5). */
export const MIN_GROUP_N = 10;

/** The standard problem items `problem_<code>` of SPEC §4.3. */
export const PROBLEM_CODES = ['nedskrapning', 'klotter', 'narkotika', 'brak_berusade', 'buskorning', 'dalig_belysning', 'ungdomsgang'] as const;

/** A share with its 95 % Wilson interval (on the Kish effective n when weighted); values null when suppressed. */
export interface ShareResult {
  share: number | null;
  low: number | null;
  high: number | null;
  n: number | null;
  n_eff: number | null;
  suppressed: boolean;
}

/** An index on the police's 0–6 scale (higher = worse) with its band. */
export interface IndexResult {
  value: number | null;
  level: 'low' | 'medium' | 'high' | null;
  n: number | null;
  suppressed: boolean;
}

export interface IndicatorSet {
  otrygg: ShareResult;
  gar_aldrig_ut: ShareResult;
  avstar_aktivitet: ShareResult;
  oro_brott: ShareResult;
  problems: Record<string, ShareResult>;
  trygghetsindex: IndexResult;
  problemindex: IndexResult;
}

/** The definitions, stated in every answer so a reader never has to guess. */
export const INDICATOR_DEFINITIONS = {
  otrygg: 'share answering 3–4 (ganska/mycket otrygg) to otrygg_kvall among answers 1–4; answer 5 (går aldrig ut) and missing answers left out',
  gar_aldrig_ut: 'share answering 5 (går aldrig ut) to otrygg_kvall among answers 1–5',
  avstar_aktivitet: 'share answering ja among ja/nej',
  oro_brott: 'share answering 3–4 to oro_brott among answers 1–4',
  problems: 'per item problem_<code>: share answering 3–4 among answers 1–4',
  weights: 'shares weighted by the response weight; 95 % Wilson interval on the Kish effective sample size (Σw)²/Σw²',
  suppression: `a group with fewer than ${MIN_GROUP_N} responses, or an indicator with fewer than ${MIN_GROUP_N} answers, is suppressed`,
  trygghetsindex:
    'as in the police\'s local safety surveys, 0–6, higher = more otrygghet: each respondent\'s mean of the answered items ' +
    'otrygg_kvall 1–4 → 0/2/4/6 (5 går aldrig ut left out), oro_brott 1–4 → 0/2/4/6 and avstar_aktivitet nej → 0 / ja → 6; ' +
    'the weighted mean over respondents with at least one item; low < 2, medium 2–< 4, high ≥ 4',
  problemindex:
    'as in the police\'s local safety surveys, 0–6, higher = larger problems: each respondent\'s mean of the answered problem items ' +
    '1–4 → 0/2/4/6; the weighted mean over respondents with at least one item; low < 2, medium 2–< 4, high ≥ 4',
} as const;

function share(rows: readonly ResponseRow[], pick: (r: ResponseRow) => boolean | null): ShareResult {
  const items: { value: boolean; weight: number }[] = [];
  for (const r of rows) {
    const v = pick(r);
    if (v !== null) items.push({ value: v, weight: r.weight });
  }
  const s = weightedShare(items);
  if (s.n < MIN_GROUP_N) return { share: null, low: null, high: null, n: null, n_eff: null, suppressed: true };
  return { share: s.share, low: s.low, high: s.high, n: s.n, n_eff: s.n_eff, suppressed: false };
}

/** 1–4 answer → police index scale 0/2/4/6. */
const toSix = (v: number) => (v - 1) * 2;

function index(rows: readonly ResponseRow[], scores: (r: ResponseRow) => number[]): IndexResult {
  let n = 0;
  let sumW = 0;
  let sum = 0;
  for (const r of rows) {
    const s = scores(r);
    if (!s.length) continue;
    n += 1;
    sumW += r.weight;
    sum += r.weight * (s.reduce((a, b) => a + b, 0) / s.length);
  }
  if (n < MIN_GROUP_N) return { value: null, level: null, n: null, suppressed: true };
  const value = sum / sumW;
  return { value, level: value < 2 ? 'low' : value < 4 ? 'medium' : 'high', n, suppressed: false };
}

const isAnswer14 = (v: number | null | undefined): v is number => v !== null && v !== undefined && v >= 1 && v <= 4;

/** Every SPEC §4.3 indicator plus the two indices for one group of responses. */
export function computeIndicators(rows: readonly ResponseRow[], problemCodes: readonly string[] = PROBLEM_CODES): IndicatorSet {
  return {
    otrygg: share(rows, (r) => (isAnswer14(r.otrygg_kvall) ? r.otrygg_kvall >= 3 : null)),
    gar_aldrig_ut: share(rows, (r) => (r.otrygg_kvall !== null && r.otrygg_kvall >= 1 && r.otrygg_kvall <= 5 ? r.otrygg_kvall === 5 : null)),
    avstar_aktivitet: share(rows, (r) => r.avstar_aktivitet),
    oro_brott: share(rows, (r) => (isAnswer14(r.oro_brott) ? r.oro_brott >= 3 : null)),
    problems: Object.fromEntries(problemCodes.map((code) => [code, share(rows, (r) => {
      const v = r.problems?.[code];
      return isAnswer14(v) ? v >= 3 : null;
    })])),
    trygghetsindex: index(rows, (r) => {
      const s: number[] = [];
      if (isAnswer14(r.otrygg_kvall)) s.push(toSix(r.otrygg_kvall));
      if (isAnswer14(r.oro_brott)) s.push(toSix(r.oro_brott));
      if (r.avstar_aktivitet !== null) s.push(r.avstar_aktivitet ? 6 : 0);
      return s;
    }),
    problemindex: index(rows, (r) => problemCodes.map((c) => r.problems?.[c]).filter(isAnswer14).map(toSix)),
  };
}
