import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDistrictStats } from '../../../../server/features/districts/district-stats.service.ts';
import type { IncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { CATEGORIES } from '../../../../shared/categories.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';

// A hand-made municipality (metre offsets from the fixture origin):
//   kommundel K 0..2000 × 0..2000 (pop 3000) holds stadsdel A 0..1000 × 0..1000 (pop 1000),
//   B 1000..2000 × 0..1000 (pop 2000) and C 0..1000 × 1000..2000 (no population);
//   K's upper right quarter belongs to no stadsdel, so incidents there count for K only.
// Period January 2025; "previous" is December 2024 (31 days each), "year" is January 2024.
const JAN = { from: '2025-01-01', to: '2025-02-01' };

async function seed(db: TestDatabase['db']) {
  const m = await createMunicipality(db);
  const k = await createDistrict(db, { municipality: m, name: 'K', kind: 'kommundel', population: 3000, x: 0, y: 0, size: 2000 });
  const a = await createDistrict(db, { municipality: m, name: 'A', parentId: k, population: 1000, x: 0, y: 0, size: 1000 });
  const b = await createDistrict(db, { municipality: m, name: 'B', parentId: k, population: 2000, x: 1000, y: 0, size: 1000 });
  const c = await createDistrict(db, { municipality: m, name: 'C', parentId: k, population: null, x: 0, y: 1000, size: 1000 });
  const inA = { x: 500, y: 500 }, inB = { x: 1500, y: 500 }, inC = { x: 500, y: 1500 }, inKOnly = { x: 1500, y: 1500 };
  await createIncidents(db, m, [
    ...times(8, { at: '2025-01-15T12:00:00+01:00', ...inA }),
    ...times(2, { at: '2025-01-16T12:00:00+01:00', source: 'municipality', ...inA }),
    ...times(2, { at: '2024-12-10T12:00:00+01:00', ...inA }),
    ...times(3, { at: '2024-01-20T12:00:00+01:00', ...inA }),
    ...times(6, { at: '2025-01-20T20:00:00+01:00', ...inB }),
    ...times(3, { at: '2025-01-21T22:00:00+01:00', category: 'misshandel', ...inB }),
    ...times(2, { at: '2024-12-20T20:00:00+01:00', ...inB }),
    // Stockholm-local period edges: 00:30 on 1 January is in January, 23:30 on 31 December is not,
    // 00:30 on 1 February is after the period.
    { at: '2024-12-31T23:30:00Z', ...inC },
    { at: '2024-12-31T22:30:00Z', ...inC },
    { at: '2025-01-31T23:30:00Z', ...inC },
    ...times(4, { at: '2025-01-05T03:00:00+01:00', ...inKOnly }),
    ...times(2, { at: '2025-01-07T10:00:00+01:00' }),
    { at: '2024-12-07T10:00:00+01:00' },
  ]);
  return { m, k, a, b, c };
}

const everyCategory = CATEGORIES.map((c) => c.code);

for (const backend of testBackends()) {
  describe(`district statistics (${backend})`, () => {
    let database: TestDatabase;
    let ids: Awaited<ReturnType<typeof seed>>;
    const filters = (over: Partial<IncidentFilters> = {}): IncidentFilters => ({
      municipality: ids.m, ...JAN, categories: everyCategory, sources: null, districtId: null, suppress: false, ...over,
    });
    const stat = (result: Awaited<ReturnType<typeof getDistrictStats>>, id: number) => result.districts.find((d) => d.id === id)!;

    beforeAll(async () => {
      database = await createTestDatabase(backend);
      ids = await seed(database.db);
    });
    afterAll(async () => database?.destroy());

    it('counts incidents per finest district in the half-open local-time period', async () => {
      const result = await getDistrictStats(database.db, filters(), { compare: 'previous' });
      expect(result.level).toBe('stadsdel');
      expect(result.districts.map((d) => [d.name, d.count, d.previous_count])).toEqual([['A', 10, 2], ['B', 9, 2], ['C', 1, 1]]);
    });

    it('computes rates per 1000 inhabitants, null without population', async () => {
      const result = await getDistrictStats(database.db, filters(), { compare: 'previous' });
      expect(stat(result, ids.a).rate_per_1000).toBeCloseTo(10, 12);
      expect(stat(result, ids.b).rate_per_1000).toBeCloseTo(4.5, 12);
      expect(stat(result, ids.c).rate_per_1000).toBeNull();
    });

    it('applies the exact conditional binomial test to the change (hand-computed p-values)', async () => {
      const result = await getDistrictStats(database.db, filters(), { compare: 'previous' });
      // A: a=10, b=2, n=12: P(X ≤ 2) = (1 + 12 + 66) / 4096, p = 2 · 79/4096 = 0.03857…
      expect(stat(result, ids.a)).toMatchObject({ change_pct: 400, change_significant: true });
      expect(stat(result, ids.a).p_value).toBeCloseTo(158 / 4096, 12);
      // B: a=9, b=2, n=11: P(X ≤ 2) = (1 + 11 + 55) / 2048, p = 134/2048 = 0.0654 — not significant.
      expect(stat(result, ids.b)).toMatchObject({ change_pct: 350, change_significant: false });
      expect(stat(result, ids.b).p_value).toBeCloseTo(134 / 2048, 12);
      // C: a=1, b=1: p = 1, change 0 %.
      expect(stat(result, ids.c)).toMatchObject({ change_pct: 0, change_significant: false, p_value: 1 });
    });

    it('rolls finer districts up into the kommundel', async () => {
      const result = await getDistrictStats(database.db, filters(), { compare: 'previous', level: 'kommundel' });
      expect(result.districts).toHaveLength(1);
      // 10 + 9 + 1 + 4 (K only) now, 2 + 2 + 1 before; p = 2·P(X ≤ 5 | 29, ½) = 0.000546112656593 (exact rational sum).
      expect(stat(result, ids.k)).toMatchObject({ count: 24, previous_count: 5, rate_per_1000: 8 });
      expect(stat(result, ids.k).p_value).toBeCloseTo(0.0005461126565933228, 15);
    });

    it('reports unlocated incidents apart from the districts', async () => {
      const result = await getDistrictStats(database.db, filters(), { compare: 'previous' });
      expect(result.unlocated).toBe(2);
      expect(result.districts.reduce((s, d) => s + (d.count ?? 0), 0)).toBe(20);
    });

    it('compares with the same period a year earlier', async () => {
      const result = await getDistrictStats(database.db, filters(), { compare: 'year' });
      expect(result.comparison).toEqual({ compare: 'year', from: '2024-01-01', to: '2024-02-01' });
      expect(stat(result, ids.a)).toMatchObject({ count: 10, previous_count: 3 });
      expect(stat(result, ids.a).p_value).toBeCloseTo(0.09228515625, 12);
    });

    it('filters by category and by source', async () => {
      const byCategory = await getDistrictStats(database.db, filters({ categories: ['misshandel'] }), { compare: 'previous' });
      expect(byCategory.districts.map((d) => d.count)).toEqual([0, 3, 0]);
      const bySource = await getDistrictStats(database.db, filters({ sources: ['municipality'] }), { compare: 'previous' });
      expect(bySource.districts.map((d) => d.count)).toEqual([2, 0, 0]);
    });

    it('limits to a district and its descendants', async () => {
      const result = await getDistrictStats(database.db, filters({ districtId: ids.k }), { compare: 'previous' });
      expect(result.districts.map((d) => d.name).sort()).toEqual(['A', 'B', 'C', 'K']);
      const onlyA = await getDistrictStats(database.db, filters({ districtId: ids.a }), { compare: 'previous' });
      expect(onlyA.districts.map((d) => d.name)).toEqual(['A']);
    });

    it('suppresses counts of 1–4 and the change that would reveal them', async () => {
      const result = await getDistrictStats(database.db, filters({ suppress: true }), { compare: 'previous' });
      expect(stat(result, ids.a)).toMatchObject({ count: 10, previous_count: null, change_pct: null, change_significant: null, suppressed: false });
      expect(stat(result, ids.c)).toMatchObject({ count: null, rate_per_1000: null, suppressed: true });
      expect(result).toMatchObject({ unlocated: null, unlocated_suppressed: true });
    });
  });
}
