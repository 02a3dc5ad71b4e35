import { addYears, daysBetween, addDays } from '../../../shared/time.ts';
import { isSuppressedCount } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { badRequest } from '../../infra/errors.ts';
import { poissonChangeTest } from '../../stats/poisson-change.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { countIncidentsByDistrict, countUnlocatedIncidents, districtExists, listDistrictKinds } from './districts.queries.ts';

export type Comparison = 'previous' | 'year';

/** The comparison period: the equal-length period just before, or the same dates a year earlier. */
export function comparisonPeriod(from: string, to: string, compare: Comparison): { from: string; to: string } {
  if (compare === 'year') return { from: addYears(from, -1), to: addYears(to, -1) };
  const days = daysBetween(from, to);
  return { from: addDays(from, -days), to: from };
}

export interface DistrictStat {
  id: number;
  name: string;
  kind: string;
  parent_id: number | null;
  population: number | null;
  count: number | null;
  rate_per_1000: number | null;
  previous_count: number | null;
  change_pct: number | null;
  change_significant: boolean | null;
  p_value: number | null;
  suppressed: boolean;
}

/**
 * Counts, rates per 1000 inhabitants and change against the comparison period per district
 * (SPEC §5). Where the viewer's access suppresses small counts, a count of 1–4 in either period
 * hides that count and the change that would reveal it.
 */
export async function getDistrictStats(db: Db, filters: IncidentFilters, options: { compare: Comparison; level?: string }) {
  const kinds = await listDistrictKinds(db, filters.municipality);
  if (options.level && !kinds.includes(options.level)) {
    throw badRequest('level', `no districts of kind "${options.level}" (there are: ${kinds.join(', ') || 'none'})`);
  }
  if (filters.districtId !== null && !(await districtExists(db, filters.municipality, filters.districtId))) {
    throw badRequest('district', `no district ${filters.districtId} in municipality ${filters.municipality}`);
  }
  const level = options.level ?? kinds.at(-1) ?? null;
  const previous = comparisonPeriod(filters.from, filters.to, options.compare);
  const rows = await countIncidentsByDistrict(db, {
    municipality: filters.municipality, from: filters.from, to: filters.to, prevFrom: previous.from, prevTo: previous.to,
    categories: filters.categories, sources: filters.sources, kind: filters.districtId ? null : level, withinDistrictId: filters.districtId,
  });
  const districts: DistrictStat[] = rows.map((r) => {
    const test = poissonChangeTest(r.count, r.previous_count);
    const hideNow = isSuppressedCount(r.count, filters.suppress);
    const hidePrev = isSuppressedCount(r.previous_count, filters.suppress);
    const rate = r.population ? (r.count / r.population) * 1000 : null;
    return {
      id: r.id, name: r.name, kind: r.kind, parent_id: r.parent_id, population: r.population,
      count: hideNow ? null : r.count,
      rate_per_1000: hideNow || rate === null ? null : rate,
      previous_count: hidePrev ? null : r.previous_count,
      change_pct: hideNow || hidePrev ? null : test.change_pct,
      change_significant: hideNow || hidePrev ? null : test.significant,
      p_value: hideNow || hidePrev ? null : test.p,
      suppressed: hideNow,
    };
  });
  const unlocatedCount = await countUnlocatedIncidents(db, filters);
  const unlocatedHidden = isSuppressedCount(unlocatedCount, filters.suppress);
  return {
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    comparison: { compare: options.compare, from: previous.from, to: previous.to },
    level,
    categories: filters.categories,
    districts,
    unlocated: unlocatedHidden ? null : unlocatedCount,
    unlocated_suppressed: unlocatedHidden,
  };
}
