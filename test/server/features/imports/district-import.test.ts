import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDistricts } from '../../../../server/features/imports/district-import.service.ts';
import { rollbackImportBatch } from '../../../../server/features/imports/import-batches.service.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';

/** A square in SWEREF 99 TM, offsets in metres from the fixture origin. */
const square = (x: number, y: number, s: number) => [[[ORIGIN.e + x, ORIGIN.n + y], [ORIGIN.e + x + s, ORIGIN.n + y], [ORIGIN.e + x + s, ORIGIN.n + y + s], [ORIGIN.e + x, ORIGIN.n + y + s], [ORIGIN.e + x, ORIGIN.n + y]]];
const feature = (properties: Record<string, unknown>, coordinates: unknown) => ({ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates } });
const file = (features: unknown[]) => bytesOf(Buffer.from(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:3006' } }, features })));

for (const backend of testBackends()) {
  describe(`district import (${backend})`, () => {
    let t: TestDatabase;
    const m = '0999';

    beforeAll(async () => {
      t = await createTestDatabase(backend);
      await createMunicipality(t.db, m);
      await createIncidents(t.db, m, [{ at: '2024-05-01T10:00:00+02:00', x: 500, y: 500, ref: 'in-west' }, { at: '2024-05-01T10:00:00+02:00', x: 1500, y: 500, ref: 'in-east' }]);
    });
    afterAll(async () => t?.destroy());

    const run = (features: unknown[], extra: Partial<Parameters<typeof importDistricts>[1]> = {}) =>
      importDistricts(t.db, { municipality: m, bytes: file(features), fileName: 'd.geojson', createdBy: 'test', ...extra });
    const districts = async () =>
      (await sql<{ id: number; name: string; kind: string; parent: string | null; population: number | null; by_gender: Record<string, number> | null }>`
        SELECT d.id, d.name, d.kind, p.name AS parent, d.population, d.population_by_gender AS by_gender
          FROM district d LEFT JOIN district p ON p.municipality_code = d.municipality_code AND p.id = d.parent_id
         WHERE d.municipality_code = ${m} ORDER BY d.name`.execute(t.db)).rows;
    const districtOf = async (ref: string) =>
      (await sql<{ name: string | null }>`SELECT d.name FROM incident i LEFT JOIN district d ON d.municipality_code = i.municipality_code AND d.id = i.district_id WHERE i.source_ref = ${ref}`.execute(t.db)).rows[0].name;

    it('imports a hierarchy with population and assigns existing incidents', async () => {
      const summary = await run([
        feature({ namn: 'Hela', kind: 'kommundel', population: 3000 }, square(0, 0, 2000)),
        feature({ namn: 'Väst', kind: 'stadsdel', parent: 'Hela', population_kvinna: 600, population_man: 590 }, square(0, 0, 1000)),
        feature({ namn: 'Öst', kind: 'stadsdel', population: 1800 }, square(1000, 0, 1000)),
      ]);
      expect(summary).toMatchObject({ accepted: 3, rejected: 0, written: true, reassigned: { incidents: 2 } });
      expect(await districts()).toEqual([
        expect.objectContaining({ name: 'Hela', kind: 'kommundel', parent: null, population: 3000 }),
        expect.objectContaining({ name: 'Väst', parent: 'Hela', population: 1190, by_gender: { kvinna: 600, man: 590 } }),
        expect.objectContaining({ name: 'Öst', parent: 'Hela' }),
      ]);
      expect(await districtOf('in-west')).toBe('Väst');
      expect(await districtOf('in-east')).toBe('Öst');
    });

    it('re-importing the same file changes nothing', async () => {
      const summary = await run([feature({ namn: 'Öst', kind: 'stadsdel', population: 1800 }, square(1000, 0, 1000))]);
      expect(summary).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    });

    it('moving a boundary reassigns incidents, and rolling back restores them', async () => {
      const moved = await run([feature({ namn: 'Väst', kind: 'stadsdel', parent: 'Hela' }, square(0, 0, 1600)), feature({ namn: 'Öst', kind: 'stadsdel' }, square(1600, 0, 400))]);
      expect(moved).toMatchObject({ updated: 2 });
      expect(await districtOf('in-east')).toBe('Väst');
      await rollbackImportBatch(t.db, moved.batch!);
      expect(await districtOf('in-east')).toBe('Öst');
      expect((await districts()).find((d) => d.name === 'Väst')).toMatchObject({ population: 1190 });
    });

    it('repairs a self-intersecting ring and says so', async () => {
      const bowtie = [[[ORIGIN.e + 3000, ORIGIN.n], [ORIGIN.e + 4000, ORIGIN.n + 1000], [ORIGIN.e + 4000, ORIGIN.n], [ORIGIN.e + 3000, ORIGIN.n + 1000], [ORIGIN.e + 3000, ORIGIN.n]]];
      const summary = await run([feature({ namn: 'Fjärilen' }, bowtie)], { kind: 'omrade' });
      expect(summary).toMatchObject({ accepted: 1, repaired: 1 });
      expect(summary.message).toMatch(/ST_MakeValid/);
    });

    it('rejects a geometry with no area, naming the feature', async () => {
      const line = [[[ORIGIN.e, ORIGIN.n], [ORIGIN.e + 10, ORIGIN.n], [ORIGIN.e + 20, ORIGIN.n], [ORIGIN.e, ORIGIN.n]]];
      const summary = await run([feature({ namn: 'Platt' }, line)]);
      expect(summary).toMatchObject({ written: false, rejected: 1 });
      expect(summary.errors[0]).toMatchObject({ row: 1, field: 'geometry', message: expect.stringMatching(/objekt 1 \("Platt"\)/) });
    });

    it('rejects a parent that exists nowhere', async () => {
      const summary = await run([feature({ namn: 'Barn', parent: 'Ingenstans' }, square(0, 0, 100))]);
      expect(summary.errors[0]).toMatchObject({ field: 'parent', message: expect.stringMatching(/Ingenstans/) });
    });

    it('rejects features without a name or with points, nothing written', async () => {
      const before = (await districts()).length;
      const summary = await run([feature({}, square(0, 0, 100)), { type: 'Feature', properties: { namn: 'Punkt' }, geometry: { type: 'Point', coordinates: [ORIGIN.e, ORIGIN.n] } }]);
      expect(summary.errors.map((e) => e.row)).toEqual([1, 2]);
      expect((await districts()).length).toBe(before);
    });
  });
}
