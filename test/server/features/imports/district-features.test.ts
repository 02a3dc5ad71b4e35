import { describe, expect, it } from 'vitest';
import { readDistrictFile, type DistrictFileOptions } from '../../../../server/features/imports/district-features.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';

const square = (x: number, y: number, size: number) => [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]];

function feature(properties: Record<string, unknown>, geometry: unknown = { type: 'Polygon', coordinates: square(18, 59, 0.01) }) {
  return { type: 'Feature', properties, geometry };
}

function read(features: unknown[], options: DistrictFileOptions = {}, crs?: string) {
  const json = JSON.stringify({ type: 'FeatureCollection', ...(crs ? { crs: { type: 'name', properties: { name: crs } } } : {}), features });
  return readDistrictFile(bytesOf(Buffer.from(json)), options);
}

describe('readDistrictFile', () => {
  it('reads names, kind, parent and population by gender and age', async () => {
    const { districts, errors } = await read([
      feature({ namn: 'Norr', kind: 'kommundel', population: 12000 }),
      feature({ namn: 'Centrum', typ: 'stadsdel', parent: 'Norr', population_kvinna: 500, population_man: 480, 'population_16-19': 60, 'population_80+': 40 }),
    ]);
    expect(errors).toEqual([]);
    expect(districts[0]).toMatchObject({ feature: 1, name: 'Norr', kind: 'kommundel', population: 12000, parent: null, srid: 4326 });
    expect(districts[1]).toMatchObject({
      name: 'Centrum',
      kind: 'stadsdel',
      parent: 'Norr',
      population: 980,
      population_by_gender: { kvinna: 500, man: 480 },
      population_by_age: { '16-19': 60, '80+': 40 },
    });
  });

  it('uses --name-field, --kind and --population-field', async () => {
    const { districts } = await read([feature({ OMR_NAMN: 'Söder', BEF: '3 400' })], { nameField: 'OMR_NAMN', kind: 'stadsdel', populationField: 'BEF' });
    expect(districts[0]).toMatchObject({ name: 'Söder', kind: 'stadsdel', population: 3400 });
  });

  it('says when --name-field does not exist', async () => {
    await expect(read([feature({ namn: 'x' })], { nameField: 'NAMN_X' })).rejects.toMatchObject({ code: 'MISSING_COLUMNS' });
  });

  it('rejects a feature without a name, naming its number', async () => {
    const { errors } = await read([feature({ namn: 'A' }), feature({ population: 3 })]);
    expect(errors).toEqual([expect.objectContaining({ row: 2, field: 'name', message: expect.stringMatching(/objekt 2 saknar namn/) })]);
  });

  it('rejects a non-polygon geometry naming the feature', async () => {
    const { errors } = await read([feature({ namn: 'Linjen' }, { type: 'LineString', coordinates: [[18, 59], [18.1, 59.1]] })]);
    expect(errors[0]).toMatchObject({ row: 1, field: 'geometry', message: expect.stringMatching(/objekt 1 \("Linjen"\).*LineString/) });
  });

  it('rejects a repeated name', async () => {
    const { errors } = await read([feature({ namn: 'A' }), feature({ namn: 'a' })]);
    expect(errors[0]).toMatchObject({ row: 2, field: 'name' });
  });

  it('rejects a bad population', async () => {
    const { errors } = await read([feature({ namn: 'A', population: -5 }), feature({ namn: 'B', population_kvinna: 'många' })]);
    expect(errors.map((e) => e.row)).toEqual([1, 2]);
  });

  it('closes an open ring and reads MultiPolygons', async () => {
    const open = [[[18, 59], [18.1, 59], [18.1, 59.1], [18, 59.1]]];
    const { districts } = await read([feature({ namn: 'M' }, { type: 'MultiPolygon', coordinates: [open, square(19, 59, 0.1)] })]);
    expect(districts[0].geometry.type).toBe('MultiPolygon');
    expect((districts[0].geometry.coordinates as number[][][][])[0][0]).toHaveLength(5);
  });

  it('reads SWEREF 99 TM when declared', async () => {
    const { districts } = await read([feature({ namn: 'S' }, { type: 'Polygon', coordinates: square(670000, 6580000, 1000) })], {}, 'urn:ogc:def:crs:EPSG::3006');
    expect(districts[0].srid).toBe(3006);
  });

  it('rejects an unknown kind', async () => {
    const { errors } = await read([feature({ namn: 'A', kind: 'kvarter' })]);
    expect(errors[0]).toMatchObject({ field: 'kind' });
  });

  it('rejects an empty collection', async () => {
    await expect(read([])).rejects.toMatchObject({ code: 'EMPTY_FILE' });
  });
});
