import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups, splitPeriodByMonth } from '../../../../server/features/incidents/incident-rollups.ts';
import { rollbackImportBatch } from '../../../../server/features/imports/import-batches.service.ts';
import { importIncidents } from '../../../../server/features/imports/incident-import.service.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { PUBLIC_VIEWER } from '../../../../server/features/auth/viewer.ts';
import { getDistrictStats } from '../../../../server/features/districts/district-stats.service.ts';
import { resolveIncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { getTimePatterns } from '../../../../server/features/time-patterns/time-patterns.service.ts';
import type { Db } from '../../../../server/infra/db.ts';
import { mulberry32 } from '../../../../server/stats/random.ts';
import { addDays } from '../../../../shared/time.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';
import { NOW } from '../imports/import-test-data.ts';

/** Rollup rows recomputed from the raw incidents, next to the stored ones (zero rows ignored). */
async function rollupDifference(db: Db): Promise<{ month: string[]; how: string[] }> {
  const rawMonth = await sql<{ k: string }>`
    SELECT concat_ws('|', municipality_code, local_month, coalesce(district_id, 0), category_code, source, geom IS NOT NULL, count(*)) AS k
      FROM incident GROUP BY municipality_code, local_month, coalesce(district_id, 0), category_code, source, geom IS NOT NULL`.execute(db);
  const storedMonth = await sql<{ k: string }>`
    SELECT concat_ws('|', municipality_code, month, district_key, category_code, source, located, n) AS k FROM incident_month_rollup WHERE n <> 0`.execute(db);
  const rawHow = await sql<{ k: string }>`
    SELECT concat_ws('|', municipality_code, local_month, category_code, source, local_how, count(*)) AS k
      FROM incident GROUP BY municipality_code, local_month, category_code, source, local_how`.execute(db);
  const storedHow = await sql<{ k: string }>`
    SELECT concat_ws('|', municipality_code, month, category_code, source, how, n) AS k FROM incident_how_rollup WHERE n <> 0`.execute(db);
  const diff = (a: { k: string }[], b: { k: string }[]) => {
    const sa = new Set(a.map((r) => r.k));
    const sb = new Set(b.map((r) => r.k));
    return [...[...sa].filter((k) => !sb.has(k)).map((k) => `raw only ${k}`), ...[...sb].filter((k) => !sa.has(k)).map((k) => `rollup only ${k}`)];
  };
  return { month: diff(rawMonth.rows, storedMonth.rows), how: diff(rawHow.rows, storedHow.rows) };
}

const ne = (dx: number, dy: number) => `${ORIGIN.n + dy};${ORIGIN.e + dx}`;

describe('splitPeriodByMonth', () => {
  it('reads whole months from rollups and the days around them raw', () => {
    expect(splitPeriodByMonth('2025-01-01', '2026-01-01')).toEqual({ months: { first: 2025 * 12, end: 2026 * 12 }, edges: [] });
    expect(splitPeriodByMonth('2025-01-15', '2025-04-10')).toEqual({
      months: { first: 2025 * 12 + 1, end: 2025 * 12 + 3 },
      edges: [{ from: '2025-01-15', to: '2025-02-01' }, { from: '2025-04-01', to: '2025-04-10' }],
    });
    expect(splitPeriodByMonth('2025-01-15', '2025-02-10')).toEqual({ months: null, edges: [{ from: '2025-01-15', to: '2025-02-10' }] });
  });
});

for (const backend of testBackends()) {
  describe(`incident rollups stay exactly consistent (${backend})`, () => {
    let t: TestDatabase;
    let m: string;
    let west: number;

    beforeAll(async () => {
      t = await createTestDatabase(backend);
      m = await createMunicipality(t.db, '0999');
      west = await createDistrict(t.db, { municipality: m, name: 'Väster', kind: 'stadsdel', population: 1000, x: 0, y: 0, size: 2000 });
      await createDistrict(t.db, { municipality: m, name: 'Öster', kind: 'stadsdel', population: 2000, x: 2000, y: 0, size: 2000 });
      const random = mulberry32(9);
      const categories = ['stold', 'misshandel', 'narkotika', 'klotter'];
      await createIncidents(t.db, m, Array.from({ length: 400 }, (_, k) => ({
        category: categories[k % 4],
        source: k % 3 === 0 ? 'municipality' : 'police',
        at: new Date(Date.UTC(2024, 0, 1) + random() * 600 * 86_400_000).toISOString(),
        ...(k % 10 === 0 ? {} : { x: random() * 4200 - 100, y: random() * 2000 }),
      })));
    });
    afterAll(async () => t?.destroy());

    it('after inserts', async () => {
      expect(await rollupDifference(t.db)).toEqual({ month: [], how: [] });
    });

    it('after updates of category, time, place and district, and after deletes', async () => {
      await sql`UPDATE incident SET category_code = 'hot' WHERE id % 7 = 0`.execute(t.db);
      await sql`UPDATE incident SET occurred_at = occurred_at + interval '20 days' WHERE id % 5 = 0`.execute(t.db);
      await sql`UPDATE incident SET geom = NULL, district_id = NULL WHERE id % 11 = 0`.execute(t.db);
      await sql`UPDATE incident SET district_id = ${west} WHERE id % 13 = 0 AND geom IS NOT NULL`.execute(t.db);
      await sql`DELETE FROM incident WHERE id % 17 = 0`.execute(t.db);
      expect(await rollupDifference(t.db)).toEqual({ month: [], how: [] });
    });

    it('after a rolled-back transaction', async () => {
      await t.db.transaction().execute(async (trx) => {
        await sql`DELETE FROM incident WHERE id % 3 = 0`.execute(trx);
        await createIncidents(trx, m, [{ at: '2025-05-05T10:00:00+02:00', x: 10, y: 10 }]);
        throw new Error('abort');
      }).catch(() => undefined);
      expect(await rollupDifference(t.db)).toEqual({ month: [], how: [] });
    });

    it('after an import, a re-import with changes and the rollback of both batches', async () => {
      const run = (csv: string) => importIncidents(t.db, {
        municipality: m, bytes: bytesOf(Buffer.from(csv, 'utf8')), fileName: 'rollup.csv', source: 'police',
        allowRejects: false, createdBy: 'test', nowMs: NOW,
      });
      const first = await run(`id;kategori;tidpunkt;n;e\nX1;stold;2024-05-01 10:00;${ne(100, 100)}\nX2;misshandel;2024-05-31 23:30;${ne(3000, 100)}\nX3;klotter;2024-06-01 00:30;\n`);
      expect(await rollupDifference(t.db)).toEqual({ month: [], how: [] });
      const second = await run(`id;kategori;tidpunkt;n;e\nX1;hot;2024-07-01 10:00;${ne(3100, 100)}\nX2;misshandel;2024-05-31 23:30;${ne(3000, 100)}\nX4;stold;2024-08-01 10:00;${ne(50, 50)}\n`);
      expect(second.updated).toBe(1);
      expect(await rollupDifference(t.db)).toEqual({ month: [], how: [] });
      await rollbackImportBatch(t.db, second.batch!);
      expect(await rollupDifference(t.db)).toEqual({ month: [], how: [] });
      await rollbackImportBatch(t.db, first.batch!);
      expect(await rollupDifference(t.db)).toEqual({ month: [], how: [] });
    });

    it('rebuilds with refreshRollups after the rollups were emptied', async () => {
      await sql`DELETE FROM incident_month_rollup`.execute(t.db);
      await sql`DELETE FROM incident_how_rollup`.execute(t.db);
      await refreshRollups(t.db, m);
      expect(await rollupDifference(t.db)).toEqual({ month: [], how: [] });
    });

    it('gives the same statistics through the rollups as the raw incidents for random periods (property)', async () => {
      const police = { ...PUBLIC_VIEWER, role: 'police' as const };
      const random = mulberry32(21);
      for (let k = 0; k < 8; k++) {
        const from = addDays('2024-01-01', Math.floor(random() * 400));
        const to = addDays(from, 1 + Math.floor(random() * 200));
        const filters = await resolveIncidentFilters(t.db, { from, to }, police);
        const raw = await sql<{ district_id: number | null; located: boolean; n: number }>`
          SELECT district_id, geom IS NOT NULL AS located, count(*)::int AS n FROM incident
           WHERE occurred_at >= (${from}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
             AND occurred_at <  (${to}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
           GROUP BY 1, 2`.execute(t.db);
        const total = raw.rows.reduce((s, r) => s + r.n, 0);
        const time = await getTimePatterns(t.db, filters, null);
        expect(time.total, `${from}–${to}`).toBe(total);
        expect(time.unlocated).toBe(raw.rows.filter((r) => !r.located).reduce((s, r) => s + r.n, 0));
        const stats = await getDistrictStats(t.db, filters, { compare: 'previous' });
        for (const d of stats.districts) {
          expect(d.count, `${d.name} ${from}–${to}`).toBe(raw.rows.filter((r) => r.district_id === d.id).reduce((s, r) => s + r.n, 0));
        }
        // The district-scoped path reads raw incidents only; both must agree on the weekday-hour matrix.
        const west = await getTimePatterns(t.db, { ...filters, districtId: stats.districts[0].id }, null);
        expect(west.total).toBe(stats.districts[0].count);
      }
    });
  });
}
