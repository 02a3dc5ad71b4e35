import { addYears, daysBetween, addDays } from '../../../shared/time.ts';
import { protectCounts, type SuppressionReason } from '../../../shared/suppression.ts';
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
  /** True when the count is hidden: "<5" (`suppression: 'small'`) or to protect one (`'complementary'`). */
  suppressed: boolean;
  suppression: SuppressionReason | null;
}

/**
 * Counts, rates per 1000 inhabitants and change against the comparison period per district
 * (SPEC §5). Where the viewer's access suppresses small counts, counts of 1–4 in either period are
 * hidden with the change that would reveal them, a complementary cell is hidden so no lone small count
 * can be recovered by difference, and published counts are rounded to 5 (shared/suppression.ts).
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
  // Independent reads: on a server they run side by side on two pooled connections.
  const [rows, unlocatedCount] = await Promise.all([
    countIncidentsByDistrict(db, {
      municipality: filters.municipality, from: filters.from, to: filters.to, prevFrom: previous.from, prevTo: previous.to,
      categories: filters.categories, sources: filters.sources, kind: filters.districtId ? null : level, withinDistrictId: filters.districtId,
    }),
    countUnlocatedIncidents(db, filters),
  ]);
  // Small counts are protected against difference attacks: siblings under one parent, and the whole answer
  // with the unlocated count, are groups whose totals can be learnt elsewhere (shared/suppression.ts).
  const UNLOCATED = -1;
  const cellsOf = (pick: (r: (typeof rows)[number]) => number) => [
    ...rows.map((r) => ({ key: r.id, count: pick(r), groups: [`parent:${r.parent_id ?? 'root'}:${r.kind}`, `all:${r.kind}`] })),
    ...[...new Set(rows.map((r) => r.kind))].map((kind, i) => ({ key: UNLOCATED - i, count: unlocatedCount, groups: [`all:${kind}`] })),
  ];
  const now = protectCounts(cellsOf((r) => r.count), filters.suppress);
  const prev = protectCounts(cellsOf((r) => r.previous_count), filters.suppress);
  const districts: DistrictStat[] = rows.map((r) => {
    const cur = now.get(r.id)!;
    const before = prev.get(r.id)!;
    const hidden = cur.count === null || before.count === null;
    // With suppression, rates and changes come from the published (rounded) counts so they reveal no more.
    const test = filters.suppress ? poissonChangeTest(cur.count ?? 0, before.count ?? 0) : poissonChangeTest(r.count, r.previous_count);
    const rate = r.population && cur.count !== null ? (cur.count / r.population) * 1000 : null;
    return {
      id: r.id, name: r.name, kind: r.kind, parent_id: r.parent_id, population: r.population,
      count: cur.count,
      rate_per_1000: rate,
      previous_count: before.count,
      change_pct: hidden ? null : test.change_pct,
      change_significant: hidden ? null : test.significant,
      p_value: hidden ? null : test.p,
      suppressed: cur.count === null,
      suppression: cur.suppression,
    };
  });
  // Unlocated is one cell of every level's whole-answer group; hidden when any of them hides it.
  const unlocatedProtected = [...new Set(rows.map((r) => r.kind))].map((_, i) => now.get(UNLOCATED - i)!);
  const unlocatedHidden = unlocatedProtected.some((p) => p.count === null) || (filters.suppress && !rows.length && unlocatedCount > 0 && unlocatedCount < 5);
  const unlocatedValue = unlocatedHidden ? null : (unlocatedProtected[0]?.count ?? (filters.suppress ? Math.round(unlocatedCount / 5) * 5 : unlocatedCount));
  return {
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    comparison: { compare: options.compare, from: previous.from, to: previous.to },
    level,
    categories: filters.categories,
    districts,
    unlocated: unlocatedValue,
    unlocated_suppressed: unlocatedHidden,
  };
}
