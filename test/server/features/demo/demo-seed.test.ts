import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../server/config.ts';
import { prepareDatabase } from '../../../../server/main.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`demo seed (${backend})`, () => {
    let database: TestDatabase;
    const log: string[] = [];
    const config = loadConfig({ DEMO: '1' });

    beforeAll(async () => {
      database = await createTestDatabase(backend);
      await prepareDatabase(database, config, (l) => log.push(l));
    }, 180_000);
    afterAll(async () => database?.destroy());

    const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(database.db)).rows[0];

    it('seeds one demo municipality with 3 kommundelar and 12 stadsdelar', async () => {
      const m = await database.db.selectFrom('municipality').selectAll().execute();
      expect(m).toHaveLength(1);
      expect(m[0].is_demo).toBe(true);
      const kinds = await one(sql<{ k: number; s: number }>`SELECT count(*) FILTER (WHERE kind = 'kommundel')::int AS k, count(*) FILTER (WHERE kind = 'stadsdel')::int AS s FROM district`);
      expect(kinds).toEqual({ k: 3, s: 12 });
    });

    it('makes each kommundel the sum of its stadsdelar, in population and area', async () => {
      const rows = await sql<{ name: string; population: number; children: number; area: number; child_area: number }>`
        SELECT k.name, k.population, sum(s.population)::int AS children, ST_Area(k.geom) AS area, sum(ST_Area(s.geom)) AS child_area
          FROM district k JOIN district s ON s.parent_id = k.id
         WHERE k.kind = 'kommundel' GROUP BY k.id, k.name, k.population, k.geom`.execute(database.db);
      expect(rows.rows).toHaveLength(3);
      for (const r of rows.rows) {
        expect(r.children).toBe(r.population);
        expect(r.child_area / r.area).toBeCloseTo(1, 6);
      }
    });

    it('stores valid district polygons that tile the town without gaps or overlaps (PostGIS as the judge)', async () => {
      const invalid = await sql<{ external_id: string; reason: string }>`
        SELECT external_id, ST_IsValidReason(geom) AS reason FROM district WHERE NOT ST_IsValid(geom)`.execute(database.db);
      expect(invalid.rows).toEqual([]);
      const r = await one(sql<{ overlap: number; sum: number; union_area: number; holes: number; parts: number }>`
        WITH s AS (SELECT id, geom FROM district WHERE kind = 'stadsdel')
        SELECT (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM s a JOIN s b ON a.id < b.id AND ST_Intersects(a.geom, b.geom))::float8 AS overlap,
               (SELECT sum(ST_Area(geom)) FROM s)::float8 AS sum,
               ST_Area(u)::float8 AS union_area, ST_NumInteriorRings(ST_GeometryN(u, 1))::int AS holes, ST_NumGeometries(u)::int AS parts
          FROM (SELECT ST_Union(geom) AS u FROM s) x`);
      // Neighbours share their boundary vertex for vertex: no overlap beyond rounding, and the
      // union is one polygon without holes whose area is the sum of the parts.
      expect(r.overlap).toBeLessThan(1);
      expect(r.parts).toBe(1);
      expect(r.holes).toBe(0);
      expect(r.union_area / r.sum).toBeCloseTo(1, 6);
      const basemap = await one(sql<{ invalid: number; total: number }>`
        SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom))::int AS invalid, count(*)::int AS total FROM basemap_feature`);
      expect(basemap.total).toBeGreaterThan(80);
      expect(basemap.invalid).toBe(0);
    });

    it('assigns every located incident to a stadsdel and keeps unlocated ones', async () => {
      const r = await one(sql<{ total: number; unlocated: number; without_district: number; in_kommundel: number }>`
        SELECT count(*)::int AS total, count(*) FILTER (WHERE i.geom IS NULL)::int AS unlocated,
               count(*) FILTER (WHERE i.geom IS NOT NULL AND i.district_id IS NULL)::int AS without_district,
               count(*) FILTER (WHERE d.kind = 'kommundel')::int AS in_kommundel
          FROM incident i LEFT JOIN district d ON d.id = i.district_id`);
      expect(r.total).toBe(40_000);
      expect(r.unlocated).toBeGreaterThan(400);
      expect(r.without_district).toBe(0);
      expect(r.in_kommundel).toBe(0);
    });

    it('stores the survey and marks with moderation pending for comments', async () => {
      const r = await one(sql<{ responses: number; marks: number; unmoderated: number; commented: number }>`
        SELECT (SELECT count(*) FROM survey_response)::int AS responses, (SELECT count(*) FROM survey_mark)::int AS marks,
               (SELECT count(*) FROM survey_mark WHERE comment IS NOT NULL AND comment_status = 'pending')::int AS unmoderated,
               (SELECT count(*) FROM survey_mark WHERE comment IS NOT NULL)::int AS commented`);
      expect(r).toMatchObject({ responses: 2000, marks: 600 });
      expect(r.unmoderated).toBe(r.commented);
    });

    it('does not seed again on a second start', async () => {
      await prepareDatabase(database, config, (l) => log.push(l));
      const r = await one(sql<{ n: number }>`SELECT count(*)::int AS n FROM incident`);
      expect(r.n).toBe(40_000);
      expect(log.filter((l) => l.startsWith('Seeded'))).toHaveLength(1);
    });

    it('starts empty with DEMO=0', async () => {
      const empty = await createTestDatabase(backend);
      try {
        await prepareDatabase(empty, loadConfig({ DEMO: '0' }), () => undefined);
        expect(await empty.db.selectFrom('municipality').selectAll().execute()).toEqual([]);
      } finally {
        await empty.destroy();
      }
    });
  });
}
