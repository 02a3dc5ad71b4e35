import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPointRange, parseCrsName } from '../../../../server/features/imports/coordinates.ts';
import { importIncidents } from '../../../../server/features/imports/incident-import.service.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { createDistrict, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';
import { NOW } from './import-test-data.ts';

describe('CRS names for imports', () => {
  it('accepts every SWEREF 99 local zone and RT 90 2.5 gon V by EPSG code in its usual spellings', () => {
    for (let code = 3007; code <= 3018; code++) {
      for (const name of [`EPSG:${code}`, `urn:ogc:def:crs:EPSG::${code}`, `http://www.opengis.net/def/crs/EPSG/0/${code}`]) expect(parseCrsName(name), name).toBe(code);
    }
    expect(parseCrsName('EPSG:3021')).toBe(3021);
  });
  it('accepts the zone and RT 90 names as GIS people write them', () => {
    expect(parseCrsName('SWEREF 99 18 00')).toBe(3011);
    expect(parseCrsName('sweref99 1330')).toBe(3008);
    expect(parseCrsName('RT 90 2.5 gon V')).toBe(3021);
    expect(parseCrsName('RT90 2,5 gon väst')).toBe(3021);
  });
  it('refuses codes it cannot place in Sweden', () => {
    for (const bad of ['EPSG:3019', 'EPSG:3020', 'EPSG:3857', 'EPSG:30060', 'RT 38']) expect(parseCrsName(bad), bad).toBeUndefined();
  });
  it('range-checks local-zone and RT 90 metres against their own bounds', () => {
    expect(checkPointRange(1, { x: 153_000, y: 6_580_000, srid: 3011 })).toEqual([]);
    expect(checkPointRange(1, { x: 1_628_000, y: 6_580_000, srid: 3021 })).toEqual([]);
    // A SWEREF 99 TM easting is far outside a local zone's, and vice versa for RT 90.
    expect(checkPointRange(1, { x: 650_000, y: 6_580_000, srid: 3011 })[0].message).toMatch(/SWEREF 99 lokal zon/);
    expect(checkPointRange(1, { x: 650_000, y: 6_580_000, srid: 3021 })[0].message).toMatch(/RT 90/);
  });
});

for (const backend of testBackends()) {
  describe(`incident import in SWEREF 99 local zones and RT 90 (${backend})`, () => {
    let t: TestDatabase;
    let m: string;
    let district: number;
    const target = { e: ORIGIN.e + 500, n: ORIGIN.n + 500 };

    beforeAll(async () => {
      t = await createTestDatabase(backend);
      m = await createMunicipality(t.db, '0999');
      district = await createDistrict(t.db, { municipality: m, name: 'Mitt', kind: 'stadsdel', x: 0, y: 0, size: 1000 });
    });
    afterAll(async () => t?.destroy());

    /** The target point expressed in `srid` (x = easting, y = northing), by PostGIS itself. */
    const inSrid = async (srid: number) => (await sql<{ x: number; y: number }>`
      SELECT ST_X(p)::float8 AS x, ST_Y(p)::float8 AS y
        FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${target.e}::float8, ${target.n}::float8), 3006), ${srid}::int) AS p) q`.execute(t.db)).rows[0];

    // The zones whose meridians lie near the fixture (17.6° E); a zone is used within about ±1.5° of its own.
    for (const srid of [3010, 3011, 3014, 3015, 3021]) {
      it(`stores n/e given in EPSG:${srid} at the same place in SWEREF 99 TM (within 1 m) and assigns the district`, async () => {
        const p = await inSrid(srid);
        const ref = `Z${srid}`;
        const csv = `id;kategori;tidpunkt;n;e\n${ref};stold;2024-05-01 10:00;${String(p.y).replace('.', ',')};${String(p.x).replace('.', ',')}\n`;
        const summary = await importIncidents(t.db, {
          municipality: m, bytes: bytesOf(Buffer.from(csv, 'utf8')), fileName: 'zon.csv', source: 'police',
          allowRejects: false, createdBy: 'test', nowMs: NOW, crs: srid as 3011,
        });
        expect(summary).toMatchObject({ accepted: 1, rejected: 0 });
        const { rows } = await sql<{ e: number; n: number; district_id: number }>`
          SELECT ST_X(geom)::float8 AS e, ST_Y(geom)::float8 AS n, district_id FROM incident WHERE source_ref = ${ref}`.execute(t.db);
        expect(Math.hypot(rows[0].e - target.e, rows[0].n - target.n)).toBeLessThan(1);
        expect(rows[0].district_id).toBe(district);
      });
    }

    it('tells swapped local-zone axes apart from points outside the municipality', async () => {
      const p = await inSrid(3011);
      const csv = `id;kategori;tidpunkt;n;e\nS1;stold;2024-05-01 10:00;${p.x};${p.y}\n`;
      const summary = await importIncidents(t.db, {
        municipality: m, bytes: bytesOf(Buffer.from(csv, 'utf8')), fileName: 'swap.csv', source: 'police',
        allowRejects: false, createdBy: 'test', nowMs: NOW, crs: 3011,
      });
      expect(summary).toMatchObject({ accepted: 0, rejected: 1 });
      expect(summary.errors[0].message).toMatch(/omkastade/);
    });
  });
}
