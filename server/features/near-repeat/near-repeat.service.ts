import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import { hotspotAccess, isSuppressedCount, type Role } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import { knoxTest } from '../../stats/knox.ts';
import { mulberry32 } from '../../stats/random.ts';
import { assertDistrictInMunicipality } from '../incidents/incident-filter-sql.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { listNearRepeatEvents } from './near-repeat.queries.ts';

/** Burglary-type categories where near-repeat victimisation is documented (Bowers & Johnson; Townsley et al.). */
export const NEAR_REPEAT_CATEGORIES = ['inbrott_bostad', 'fordonsbrott', 'cykelstold'] as const;
/** At most this many events per test (pairs within the widest band are enumerated per permutation). */
export const MAX_EVENTS = 20_000;
export const DEFAULT_SPACE_BANDS = [100, 200, 400];
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
  const access = hotspotAccess(role);
  if (!access) throw new AppError(403, 'FORBIDDEN', 'Your role may not run sub-district analyses (SPEC §6: hotspot cells)');
  if (filters.categories.length !== 1 || !(NEAR_REPEAT_CATEGORIES as readonly string[]).includes(filters.categories[0])) {
    throw badRequest('category', `name exactly one burglary-type category: ${NEAR_REPEAT_CATEGORIES.join(', ')}`);
  }
  if (!(Number.isInteger(options.iterations) && options.iterations >= 19 && options.iterations <= 999)) throw badRequest('iterations', 'must be an integer 19–999');
  await assertDistrictInMunicipality(db, filters);
  const events = await listNearRepeatEvents(db, filters, MAX_EVENTS + 1);
  if (events.length > MAX_EVENTS) throw badRequest('from', `more than ${MAX_EVENTS} events: narrow the period or choose a district`);
  const knox = knoxTest(events, { spaceBands: options.spaceBands, timeBands: options.timeBands, iterations: options.iterations, random: mulberry32(options.seed) });
  const category = filters.categories[0];
  return {
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    category,
    category_name: CATEGORY_BY_CODE.get(category)!.sv,
    district: filters.districtId,
    events: isSuppressedCount(events.length, access.suppressed) ? null : events.length,
    pairs: knox.pairs,
    iterations: knox.iterations,
    seed: options.seed,
    space_bands_m: options.spaceBands,
    time_bands_days: options.timeBands,
    rows: bandLabels(options.spaceBands, 'm'),
    columns: bandLabels(options.timeBands, 'days'),
    observed: knox.observed,
    expected: knox.expected,
    ratio: knox.ratio,
    p: knox.p,
    significant: knox.p.map((row, r) => row.map((p, c) => p <= 0.05 && (knox.ratio[r][c] ?? 0) > 1)),
    method: 'Knox test: every pair of incidents counted by distance band (rows) and days between them (columns), compared with Monte Carlo permutations of the incident times; p = (1 + #simulated ≥ observed)/(iterations + 1); flagged when p ≤ 0.05 and observed/expected > 1.',
  };
}
