import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import type { Role } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { badRequest } from '../../infra/errors.ts';
import { KnoxLimitError, knoxTest } from '../../stats/knox.ts';
import { mulberry32 } from '../../stats/random.ts';
import { publishCount, requireHotspotDisclosure } from '../disclosure/index.ts';
import { assertDistrictInMunicipality } from '../incidents/incident-filter-sql.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { listNearRepeatEvents } from './near-repeat.queries.ts';

/** Burglary-type categories where near-repeat victimisation is documented (Bowers & Johnson; Townsley et al.). */
export const NEAR_REPEAT_CATEGORIES = ['inbrott_bostad', 'fordonsbrott', 'cykelstold'] as const;
/** At most this many events per test (pairs within the widest band are enumerated per permutation). */
export const MAX_EVENTS = 20_000;
export const DEFAULT_SPACE_BANDS = [100, 200, 400];
/** Widest space band edge, metres: near-repeat spread is measured in hundreds of metres, and pairs grow with its square. */
export const MAX_SPACE_BAND_M = 2000;
/** Smallest first space band edge, metres, for every role but police: the 100 m grid planners' points are snapped to (a band near 0 asks "same spot?"). */
export const MIN_SPACE_BAND_M = 100;
/** Most pairs within the widest space band per test (held in memory, tabulated per permutation). */
export const MAX_CLOSE_PAIRS = 2_000_000;
/** Most close pairs × iterations per test: about a second of event-loop time. */
export const MAX_KNOX_WORK = 50_000_000;
export const DEFAULT_TIME_BANDS = [7, 14, 28];

/** Parses a comma list of strictly increasing band edges, or throws a 400 naming `field`. */
export function parseBands(value: string | undefined, field: string, fallback: number[], max: number): number[] {
  if (value === undefined) return fallback;
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length < 1 || parts.length > 8) throw badRequest(field, 'give 1–8 comma-separated band edges');
  const edges = parts.map((p) => (/^\d+(\.\d+)?$/.test(p) ? Number(p) : Number.NaN));
  edges.forEach((e, k) => {
    if (!Number.isFinite(e) || e > max || (k > 0 && e <= edges[k - 1])) throw badRequest(field, `edges must be numbers 0–${max}, strictly increasing`);
  });
  return edges;
}

export interface NearRepeatOptions {
  spaceBands: number[];
  timeBands: number[];
  iterations: number;
  seed: number;
}

function bandLabels(edges: number[], unit: string): string[] {
  return [...edges.map((e, k) => (k === 0 ? `0–${e} ${unit}` : `${edges[k - 1]}–${e} ${unit}`)), `> ${edges.at(-1)} ${unit}`];
}

/**
 * Knox near-repeat test (as Ratcliffe's Near Repeat Calculator) for one burglary-type category:
 * pairs of incidents by distance band and time-gap band, observed against `iterations` Monte
 * Carlo permutations of the times (seeded, so an answer is reproducible). A cell is flagged when
 * its one-sided p ≤ 0.05 and the Knox ratio exceeds 1.
 */
export async function getNearRepeat(db: Db, filters: IncidentFilters, role: Role, options: NearRepeatOptions) {
  const access = requireHotspotDisclosure(role, filters.categories);
  if (filters.categories.length !== 1 || !(NEAR_REPEAT_CATEGORIES as readonly string[]).includes(filters.categories[0])) {
    throw badRequest('category', `name exactly one burglary-type category: ${NEAR_REPEAT_CATEGORIES.join(', ')}`);
  }
  if (!(Number.isInteger(options.iterations) && options.iterations >= 19 && options.iterations <= 999)) throw badRequest('iterations', 'must be an integer 19–999');
  await assertDistrictInMunicipality(db, filters);
  const events = await listNearRepeatEvents(db, filters, MAX_EVENTS + 1);
  if (events.length > MAX_EVENTS) throw badRequest('from', `more than ${MAX_EVENTS} events: narrow the period or choose a district`);
  if (options.spaceBands.some((e) => !(e <= MAX_SPACE_BAND_M))) throw badRequest('space_bands', `edges must be at most ${MAX_SPACE_BAND_M} m`);
  if (role !== 'police' && !(options.spaceBands[0] >= MIN_SPACE_BAND_M)) throw badRequest('space_bands', `the first edge must be at least ${MIN_SPACE_BAND_M} m for your role`);
  let knox;
  try {
    knox = knoxTest(events, {
      spaceBands: options.spaceBands, timeBands: options.timeBands, iterations: options.iterations, random: mulberry32(options.seed),
      maxClosePairs: MAX_CLOSE_PAIRS, maxWork: MAX_KNOX_WORK,
    });
  } catch (e) {
    if (!(e instanceof KnoxLimitError)) throw e;
    if (e.limit === 'close_pairs') throw badRequest('space_bands', `too many pairs within the widest band (over ${MAX_CLOSE_PAIRS}): use narrower bands, a shorter period or a district`);
    throw badRequest('iterations', `too much work (close pairs × iterations over ${MAX_KNOX_WORK}): use fewer iterations, narrower bands or a shorter period`);
  }
  const category = filters.categories[0];
  // Disclosure control: where counts are suppressed, the event count is rounded (hidden when 1–4, and then
  // the whole table with it), and pair counts are not published (n(n − 1)/2 and every table sum give n back).
  const suppressed = access.suppressed;
  const events_ = publishCount(events.length, suppressed);
  const hidden = events_ === null;
  const grid = <T>(g: T[][]): T[][] => (hidden ? [] : g);
  const nullGrid = (g: number[][]) => (hidden ? [] : suppressed ? g.map((row) => row.map(() => null)) : g);
  return {
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    category,
    category_name: CATEGORY_BY_CODE.get(category)!.sv,
    district: filters.districtId,
    events: events_,
    pairs: suppressed ? null : knox.pairs,
    iterations: knox.iterations,
    seed: options.seed,
    space_bands_m: options.spaceBands,
    time_bands_days: options.timeBands,
    rows: bandLabels(options.spaceBands, 'm'),
    columns: bandLabels(options.timeBands, 'days'),
    observed: nullGrid(knox.observed),
    expected: nullGrid(knox.expected),
    ratio: grid(suppressed ? knox.ratio.map((row) => row.map((v) => (v === null ? null : Math.round(v * 10) / 10))) : knox.ratio),
    p: grid(knox.p),
    significant: grid(knox.p.map((row, r) => row.map((p, c) => p <= 0.05 && (knox.ratio[r][c] ?? 0) > 1))),
    method: 'Knox test: every pair of incidents counted by distance band (rows) and days between them (columns), compared with Monte Carlo permutations of the incident times; p = (1 + #simulated ≥ observed)/(iterations + 1); flagged when p ≤ 0.05 and observed/expected > 1.',
  };
}
