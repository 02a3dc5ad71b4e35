import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAreaIncidents, type AreaRef } from '../../../../server/features/citizen-promises/citizen-promises.queries.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/**
 * A promise's baselines and follow-ups count incidents in its area per period: districts from the monthly and
 * daily rollups, drawn areas from the 500 m cells (server/features/citizen-promises/citizen-promises.queries.ts).
 * Checked against one plain query over the raw rows (the incident's own district, or ST_Covers of its point or
 * of its cell centre), for incidents in shuffled time order, unlocated ones with a district among them,
 * periods with day edges, and areas cutting through cells.
 */
const CATEGORIES = ['stold', 'skadegorelse', 'misshandel'];
const M = '0999';
const PERIODS = [
  { from: '2024-03-17', to: '2025-02-09' },
  { from: '2025-02-09', to: '2025-11-01' },
  { from: '2025-06-03', to: '2025-06-21' },
];

for (const backend of testBackends()) {
  describe(`promise area counts from rollups and cells agree with the raw rows (${backend})`, () => {
    let t: TestApp;
    const ids: Record<string, number> = {};
    const areas: Record<string, string> = {};

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      await createMunicipality(db, M);
      ids.west = await createDistrict(db, { municipality: M, name: 'Väst', kind: 'kommundel', x: 0, y: 0, size: 2000 });
      ids.westInner = await createDistrict(db, { municipality: M, name: 'Väst inre', kind: 'stadsdel', parentId: ids.west, x: 0, y: 0, size: 1000 });
      ids.east = await createDistrict(db, { municipality: M, name: 'Öst', kind: 'kommundel', x: 2000, y: 0, size: 2000 });
      let seed = 5;
      const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      const rows = Array.from({ length: 800 }, (_, i) => {
        const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 730) * 86_400_000).toISOString().slice(0, 10);
        const onEdge = i % 4 === 0;
        return {
          at: `${day}T${String(i % 24).padStart(2, '0')}:10:00+01:00`, category: CATEGORIES[i % 3],
          x: onEdge ? 500 * Math.floor(rnd() * 8) : rnd() * 3999, y: onEdge ? 500 * Math.floor(rnd() * 4) : rnd() * 1999,
        };
      });
      await createIncidents(db, M, rows);
      // Unlocated incidents that still name a district must not count: a promise's area counts located ones.
      await createIncidents(db, M, [{ at: '2025-03-03T10:00:00+01:00', category: 'stold' }]);
      await sql`UPDATE incident SET district_id = ${ids.westInner} WHERE geom IS NULL`.execute(db);
      const ewkb = async (wkt: string) => (await sql<{ h: string }>`SELECT encode(ST_AsEWKB(ST_Multi(ST_GeomFromText(${wkt}, 3006))), 'hex') AS h`.execute(db)).rows[0].h;
      const at = (x: number, y: number) => `${ORIGIN.e + x} ${ORIGIN.n + y}`;
      areas.concave = await ewkb(`POLYGON((${at(230, 120)},${at(3270, 120)},${at(3270, 1880)},${at(2740, 1880)},${at(2740, 640)},${at(230, 640)},${at(230, 120)}))`);
      areas.small = await ewkb(`POLYGON((${at(1400, 900)},${at(1700, 900)},${at(1700, 1150)},${at(1400, 1150)},${at(1400, 900)}))`);
      areas.huge = await ewkb(`POLYGON((${at(-40_000, -40_000)},${at(40_000, -40_000)},${at(40_000, 40_000)},${at(-40_000, 40_000)},${at(-40_000, -40_000)}))`);
    });
    afterAll(async () => t?.close());

    const tally = (rows: { period: number; category_code: string; n: number }[]) =>
      Object.fromEntries(rows.filter((r) => r.n).map((r) => [`${r.period}:${r.category_code}`, r.n]).sort());

    /** The raw rows' answer: `inside` is a condition on incident `i`. */
    const direct = async (inside: ReturnType<typeof sql>) => {
      const rows = await Promise.all(PERIODS.map((p, k) => sql<{ period: number; category_code: string; n: number }>`
        SELECT ${k}::int AS period, category_code, count(*)::int AS n FROM incident i
         WHERE i.municipality_code = ${M} AND i.geom IS NOT NULL AND ${inside}
           AND (i.occurred_at AT TIME ZONE 'Europe/Stockholm')::date >= ${p.from}::date
           AND (i.occurred_at AT TIME ZONE 'Europe/Stockholm')::date < ${p.to}::date
         GROUP BY 2`.execute(t.database.db)));
      return tally(rows.flatMap((r) => r.rows));
    };
    const counted = async (area: AreaRef) => {
      // One call per period, as periods may overlap (the third lies inside the second).
      const rows = await Promise.all(PERIODS.map(async (p, k) => (await countAreaIncidents(t.database.db, area, CATEGORIES, [p])).map((r) => ({ ...r, period: k }))));
      return tally(rows.flat());
    };

    it('counts districts with their subtree from the rollups, located incidents only', async () => {
      for (const district of ['west', 'westInner', 'east']) {
        const subtree = district === 'west' ? [ids.west, ids.westInner] : [ids[district]];
        const want = await direct(sql`i.district_id = ANY(${subtree}::bigint[])`);
        expect(Object.keys(want).length).toBeGreaterThan(3);
        expect(await counted({ kind: 'districts', municipality: M, districtIds: [ids[district]] })).toEqual(want);
      }
      expect(await counted({ kind: 'districts', municipality: M, districtIds: [ids.west, ids.east] }))
        .toEqual(await direct(sql`i.district_id IS NOT NULL`));
    });

    it('counts drawn areas exactly (police) and by cell centre (below police), small, concave and larger than the listed cells', async () => {
      for (const name of ['concave', 'small', 'huge']) {
        const g = sql`${areas[name]}::geometry`;
        const exact = await direct(sql`ST_Covers(${g}, i.geom)`);
        const centred = await direct(sql`ST_Covers(${g}, ST_SetSRID(ST_MakePoint(floor(ST_X(i.geom) / 500) * 500 + 250, floor(ST_Y(i.geom) / 500) * 500 + 250), 3006))`);
        expect(Object.keys(exact).length, name).toBeGreaterThan(0);
        expect(await counted({ kind: 'geometry', municipality: M, ewkb: areas[name] }), name).toEqual(exact);
        expect(await counted({ kind: 'geometry', municipality: M, ewkb: areas[name], onGrid: true }), name).toEqual(centred);
      }
    });

    it('answers several periods in one call as one call per period does', async () => {
      const area: AreaRef = { kind: 'geometry', municipality: M, ewkb: areas.concave };
      const together = (await countAreaIncidents(t.database.db, area, CATEGORIES, PERIODS.slice(0, 2)));
      const apart = (await Promise.all(PERIODS.slice(0, 2).map(async (p, k) => (await countAreaIncidents(t.database.db, area, CATEGORIES, [p])).map((r) => ({ ...r, period: k }))))).flat();
      expect(tally(together)).toEqual(tally(apart));
      const districts: AreaRef = { kind: 'districts', municipality: M, districtIds: [ids.west] };
      const dTogether = await countAreaIncidents(t.database.db, districts, CATEGORIES, PERIODS.slice(0, 2));
      const dApart = (await Promise.all(PERIODS.slice(0, 2).map(async (p, k) => (await countAreaIncidents(t.database.db, districts, CATEGORIES, [p])).map((r) => ({ ...r, period: k }))))).flat();
      expect(tally(dTogether)).toEqual(tally(dApart));
    });
  });
}
