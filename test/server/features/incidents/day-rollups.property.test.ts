import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countIncidentsByDistrict, countUnlocatedIncidents } from '../../../../server/features/districts/districts.queries.ts';
import { refreshRollups } from '../../../../server/features/incidents/incident-rollups.ts';
import { rollbackImportBatch } from '../../../../server/features/imports/import-batches.service.ts';
import { importIncidents } from '../../../../server/features/imports/incident-import.service.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { countIncidentsByTime } from '../../../../server/features/time-patterns/time-patterns.queries.ts';
import type { Db } from '../../../../server/infra/db.ts';
import { mulberry32 } from '../../../../server/stats/random.ts';
import { addDays } from '../../../../shared/time.ts';
import { createDistrict, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';

const CATEGORIES = ['stold', 'misshandel', 'narkotika', 'klotter', 'hot'];
const SOURCES = ['police', 'municipality', 'housing'];

/** Daily rollup rows recomputed from the raw incidents next to the stored ones (zero rows ignored). */
async function dayRollupDifference(db: Db): Promise<string[]> {
  const raw = await sql<{ k: string }>`
    SELECT concat_ws('|', municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, coalesce(district_id, 0), category_code, source, geom IS NOT NULL, count(*)) AS k
      FROM incident GROUP BY municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, coalesce(district_id, 0), category_code, source, geom IS NOT NULL`.execute(db);
  const stored = await sql<{ k: string }>`
    SELECT concat_ws('|', municipality_code, day, district_key, category_code, source, located, n) AS k FROM incident_day_rollup WHERE n <> 0`.execute(db);
  const rawHow = await sql<{ k: string }>`
    SELECT concat_ws('|', municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, category_code, source, local_how, count(*)) AS k
      FROM incident GROUP BY municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, category_code, source, local_how`.execute(db);
  const storedHow = await sql<{ k: string }>`
    SELECT concat_ws('|', municipality_code, day, category_code, source, how, n) AS k FROM incident_day_how_rollup WHERE n <> 0`.execute(db);
  const diff = (a: { k: string }[], b: { k: string }[]) => {
    const sa = new Set(a.map((r) => r.k));
    const sb = new Set(b.map((r) => r.k));
    return [...[...sa].filter((k) => !sb.has(k)).map((k) => `raw only ${k}`), ...[...sb].filter((k) => !sa.has(k)).map((k) => `rollup only ${k}`)];
  };
  return [...diff(raw.rows, stored.rows), ...diff(rawHow.rows, storedHow.rows)];
}

/** A CSV of `n` incidents in random time order (2024-01-01 … 2025-08), mixed sources, 10 % unlocated. */
function shuffledCsv(random: () => number, n: number, prefix: string): string {
  const lines = ['id;kategori;tidpunkt;källa;n;e'];
  for (let k = 0; k < n; k++) {
    const at = new Date(Date.UTC(2024, 0, 1) + random() * 600 * 86_400_000);
    // Local wall-clock text without offset: the importer reads it as Europe/Stockholm.
    const local = at.toISOString().slice(0, 16).replace('T', ' ');
    const located = random() >= 0.1;
    const x = random() * 4000, y = random() * 2000;
    lines.push(`${prefix}${k};${CATEGORIES[Math.floor(random() * CATEGORIES.length)]};${local};${SOURCES[Math.floor(random() * SOURCES.length)]};` +
      (located ? `${ORIGIN.n + y};${ORIGIN.e + x}` : ';'));
  }
  return `${lines.join('\n')}\n`;
}

for (const backend of testBackends()) {
  describe(`daily rollups answer like the raw rows after shuffled imports (${backend})`, () => {
    let t: TestDatabase;
    let m: string;
    const districts: number[] = [];
    const batches: number[] = [];
    const random = mulberry32(1511);

    const importCsv = async (csv: string) => {
      const summary = await importIncidents(t.db, {
        municipality: m, bytes: bytesOf(Buffer.from(csv, 'utf8')), fileName: 'shuffled.csv', source: 'police',
        allowRejects: false, createdBy: 'test', nowMs: Date.UTC(2025, 9, 1),
      });
      expect(summary.rejected, JSON.stringify(summary.errors.slice(0, 3))).toBe(0);
      return summary;
    };

    /** Compares every rollup-backed answer with raw counts for random periods, categories, sources and districts. */
    const checkRandomPeriods = async (rounds: number) => {
      for (let k = 0; k < rounds; k++) {
        const from = addDays('2024-01-01', Math.floor(random() * 560));
        const to = addDays(from, 1 + Math.floor(random() * 300));
        const prevFrom = addDays(from, -365);
        const prevTo = addDays(to, -365);
        const categories = CATEGORIES.filter(() => random() < 0.6);
        if (!categories.length) categories.push('stold');
        const sources = random() < 0.5 ? null : SOURCES.filter(() => random() < 0.6);
        const srcs = sources && sources.length ? sources : null;
        const label = `${from}–${to} ${categories.join(',')} ${srcs?.join(',') ?? 'all'}`;
        const rawIn = async (f: string, tt: string) => (await sql<{ district_id: number | null; located: boolean; how: number; month: number; category_code: string; n: number }>`
          SELECT district_id, geom IS NOT NULL AS located, local_how AS how, local_month AS month, category_code, count(*)::int AS n FROM incident
           WHERE municipality_code = ${m}
             AND occurred_at >= (${f}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
             AND occurred_at <  (${tt}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
             AND category_code = ANY(${categories}::text[])
             ${srcs ? sql`AND source = ANY(${srcs}::text[])` : sql``}
           GROUP BY 1, 2, 3, 4, 5`.execute(t.db)).rows;
        const cur = await rawIn(from, to);
        const prev = await rawIn(prevFrom, prevTo);
        const sum = (rows: typeof cur, keep: (r: (typeof cur)[number]) => boolean) => rows.filter(keep).reduce((s, r) => s + r.n, 0);

        const byDistrict = await countIncidentsByDistrict(t.db, {
          municipality: m, from, to, prevFrom, prevTo, categories, sources: srcs, kind: null, withinDistrictId: null,
        });
        for (const d of byDistrict) {
          expect(d.count, `${label} district ${d.id}`).toBe(sum(cur, (r) => r.district_id === d.id));
          expect(d.previous_count, `${label} previous, district ${d.id}`).toBe(sum(prev, (r) => r.district_id === d.id));
        }
        const unlocated = await countUnlocatedIncidents(t.db, { municipality: m, from, to, categories, sources: srcs });
        expect(unlocated, label).toBe(sum(cur, (r) => !r.located));

        const filters = { municipality: m, from, to, categories, sources: srcs, districtId: null, suppress: false };
        const time = await countIncidentsByTime(t.db, filters, null, { snapped: false });
        const how = new Map(time.how.map((r) => [r.how, r.n]));
        for (let h = 0; h < 168; h++) expect(how.get(h) ?? 0, `${label} hour of week ${h}`).toBe(sum(cur, (r) => r.how === h));
        const months = new Map(time.months.map((r) => [`${r.month}|${r.category_code}`, r.n]));
        for (const r of cur) expect(months.get(`${r.month}|${r.category_code}`), `${label} month ${r.month}`).toBe(sum(cur, (x) => x.month === r.month && x.category_code === r.category_code));
        expect(time.months.reduce((s, r) => s + r.n, 0)).toBe(sum(cur, () => true));
        expect(time.unlocated, label).toBe(sum(cur, (r) => !r.located));
      }
    };

    beforeAll(async () => {
      t = await createTestDatabase(backend);
      m = await createMunicipality(t.db, '0999');
      districts.push(await createDistrict(t.db, { municipality: m, name: 'Väster', kind: 'stadsdel', population: 1000, x: 0, y: 0, size: 2000 }));
      districts.push(await createDistrict(t.db, { municipality: m, name: 'Öster', kind: 'stadsdel', population: 2000, x: 2000, y: 0, size: 2000 }));
    });
    afterAll(async () => t?.destroy());

    it('after two shuffled imports from mixed sources', async () => {
      batches.push((await importCsv(shuffledCsv(random, 500, 'A')))!.batch!);
      batches.push((await importCsv(shuffledCsv(random, 300, 'B')))!.batch!);
      expect(await dayRollupDifference(t.db)).toEqual([]);
      await checkRandomPeriods(12);
    });

    it('after a re-import that moves rows in time, place and category', async () => {
      const summary = await importCsv(shuffledCsv(mulberry32(77), 200, 'A'));
      expect(summary.updated).toBeGreaterThan(0);
      batches.push(summary.batch!);
      expect(await dayRollupDifference(t.db)).toEqual([]);
      await checkRandomPeriods(8);
    });

    it('after direct updates, a district boundary change and deletes', async () => {
      await sql`UPDATE incident SET occurred_at = occurred_at + interval '3 days 5 hours' WHERE id % 4 = 0`.execute(t.db);
      await sql`UPDATE incident SET district_id = ${districts[0]} WHERE id % 9 = 0 AND geom IS NOT NULL`.execute(t.db);
      // A boundary change re-assigns incidents to districts (and unassigns those now outside every district).
      await sql`UPDATE incident SET district_id = NULL WHERE district_id = ${districts[1]} AND id % 3 = 0`.execute(t.db);
      await sql`DELETE FROM incident WHERE id % 13 = 0`.execute(t.db);
      expect(await dayRollupDifference(t.db)).toEqual([]);
      await checkRandomPeriods(8);
    });

    it('after rolling back the batches, newest first', async () => {
      for (const batch of [...batches].reverse()) {
        await rollbackImportBatch(t.db, batch);
        expect(await dayRollupDifference(t.db)).toEqual([]);
      }
      await checkRandomPeriods(4);
    });

    it('refreshRollups rebuilds the daily rollups from the raw rows', async () => {
      await importCsv(shuffledCsv(random, 200, 'C'));
      await sql`DELETE FROM incident_day_rollup`.execute(t.db);
      await sql`DELETE FROM incident_day_how_rollup`.execute(t.db);
      await refreshRollups(t.db, m);
      expect(await dayRollupDifference(t.db)).toEqual([]);
      await checkRandomPeriods(4);
    });
  });
}
