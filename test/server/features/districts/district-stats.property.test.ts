import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_VIEWER } from '../../../../server/features/auth/viewer.ts';
import { getDistrictStats } from '../../../../server/features/districts/district-stats.service.ts';
import { resolveIncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { mulberry32 } from '../../../../server/stats/random.ts';
import { createDistrict, createIncidents, createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`district statistics properties (${backend})`, () => {
    let t: TestApp;
    const police = { ...PUBLIC_VIEWER, role: 'police' as const };

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      // Two kommundelar of three stadsdelar each on a 3 × 2 km grid; random incidents over and beyond it.
      for (let r = 0; r < 2; r++) {
        const parent = await createDistrict(db, { municipality: m, name: `Kommundel ${r}`, kind: 'kommundel', x: 0, y: r * 1000, size: 1000 });
        await sql`UPDATE district SET geom = ST_Multi(ST_MakeEnvelope(650000, ${6600000 + r * 1000}, 653000, ${6601000 + r * 1000}, 3006)) WHERE id = ${parent}`.execute(db);
        for (let c = 0; c < 3; c++) {
          await createDistrict(db, { municipality: m, name: `Stadsdel ${r}${c}`, kind: 'stadsdel', parentId: parent, population: 500 + 100 * c, x: c * 1000, y: r * 1000, size: 1000 });
        }
      }
      const random = mulberry32(5);
      const categories = ['stold', 'misshandel', 'narkotika', 'vald_nara_relation'];
      await createIncidents(db, m, Array.from({ length: 500 }, (_, k) => ({
        category: categories[k % 4],
        at: new Date(Date.UTC(2024, 0, 1) + random() * 730 * 86_400_000).toISOString(),
        // A few fall outside every district (unlocated-in-district) and some have no coordinates at all.
        ...(k % 25 === 0 ? {} : { x: random() * 3200 - 100, y: random() * 2100 - 50 }),
      })));
    });
    afterAll(async () => t?.close());

    for (const period of [{ from: '2025-01-01', to: '2026-01-01' }, { from: '2024-03-15', to: '2024-09-01' }]) {
      it(`sums the finest districts' counts to the located total, and each kommundel to its stadsdelar (${period.from}–${period.to})`, async () => {
        const db = t.database.db;
        const filters = await resolveIncidentFilters(db, period, police);
        const fine = await getDistrictStats(db, filters, { compare: 'previous', level: 'stadsdel' });
        const coarse = await getDistrictStats(db, filters, { compare: 'year', level: 'kommundel' });
        const located = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM incident
           WHERE district_id IS NOT NULL
             AND occurred_at >= (${period.from}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
             AND occurred_at <  (${period.to}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`.execute(db);
        const sum = (ds: { count: number | null }[]) => ds.reduce((s, d) => s + d.count!, 0);
        expect(sum(fine.districts)).toBe(located.rows[0].n);
        expect(sum(coarse.districts)).toBe(located.rows[0].n);
        for (const k of coarse.districts) {
          expect(sum(fine.districts.filter((d) => d.parent_id === k.id))).toBe(k.count);
        }
      });
    }
  });
}
