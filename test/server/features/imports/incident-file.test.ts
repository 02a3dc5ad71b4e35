import { describe, expect, it } from 'vitest';
import { ImportFileError, RowErrorList } from '../../../../server/features/imports/import-errors.ts';
import { readIncidentFile, type IncidentFileOptions } from '../../../../server/features/imports/incident-file.ts';
import type { IncidentRowResult, ParsedIncident } from '../../../../server/features/imports/incident-rows.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { collect, cp1252, NOW, testResolver } from './import-test-data.ts';

function options(overrides: Partial<IncidentFileOptions> = {}): IncidentFileOptions {
  return { categories: testResolver(), defaultSource: 'police', nowMs: NOW, ...overrides };
}

async function read(content: string | Buffer, overrides: Partial<IncidentFileOptions> = {}): Promise<IncidentRowResult[]> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return collect(readIncidentFile(bytesOf(bytes), options(overrides)));
}

function accepted(results: IncidentRowResult[]): ParsedIncident[] {
  return results.flatMap((r) => (r.ok ? [r.incident] : []));
}

function errorsOf(results: IncidentRowResult[]) {
  return results.flatMap((r) => (r.ok ? [] : r.errors));
}

describe('incident CSV', () => {
  it('reads the canonical columns', async () => {
    const [incident] = accepted(
      await read('id,category,occurred_at,occurred_until,n,e,source,place,description\nP-1,misshandel,2024-05-01T22:10,2024-05-01T23:00,6580000,674000,police,Torget,Slag mot huvudet\n'),
    );
    expect(incident).toMatchObject({
      row: 1,
      source_id: 'P-1',
      source: 'police',
      category: 'misshandel',
      source_category: null,
      occurred_at: '2024-05-01T20:10:00.000Z',
      occurred_until: '2024-05-01T21:00:00.000Z',
      point: { x: 674000, y: 6580000, srid: 3006 },
      place: 'Torget',
      description: 'Slag mot huvudet',
    });
    expect(incident.content_hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads Swedish aliases, semicolons, decimal comma and datum + tid in Windows-1252', async () => {
    const file = cp1252('Ärendenummer;Kategori;Datum;Tid;Lat;Lon;Källa;Plats;Beskrivning\r\nK-7;Bostadsinbrott;2024-02-03;14.30;59,3293;18,0686;kommun;Gärdet;Fönster krossat\r\n');
    const [incident] = accepted(await read(file));
    expect(incident).toMatchObject({
      source_id: 'K-7',
      source: 'municipality',
      category: 'inbrott_bostad',
      occurred_at: '2024-02-03T13:30:00.000Z',
      point: { x: 18.0686, y: 59.3293, srid: 4326 },
      place: 'Gärdet',
    });
  });

  it('reads a tab-separated file with a BOM and diarienummer', async () => {
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('diarienummer\tkategori\ttidpunkt\n2024/17\tklotter\t2024-03-01 08:00\n', 'utf8')]);
    expect(accepted(await read(file))[0]).toMatchObject({ source_id: '2024/17', category: 'klotter' });
  });

  it('keeps a row without coordinates as unlocated', async () => {
    const [incident] = accepted(await read('id;kategori;tidpunkt;n;e\n1;stold;2024-01-01 10:00;;\n'));
    expect(incident.point).toBeNull();
  });

  it('translates a source code through the municipality mapping and keeps the code', async () => {
    const results = await read('id;kategori;tidpunkt\n1;0311;2024-01-01 10:00\n', { categories: testResolver([{ source: 'police', source_code: '0311', category: 'misshandel' }]) });
    expect(accepted(results)[0]).toMatchObject({ category: 'misshandel', source_category: '0311' });
  });

  it('does not apply another source’s mapping', async () => {
    const results = await read('id;kategori;tidpunkt\n1;0311;2024-01-01 10:00\n', {
      defaultSource: 'housing',
      categories: testResolver([{ source: 'police', source_code: '0311', category: 'misshandel' }]),
    });
    expect(errorsOf(results)).toEqual([expect.objectContaining({ row: 1, field: 'category' })]);
  });

  it('rejects an unknown category naming row and field', async () => {
    const errors = errorsOf(await read('id;kategori;tidpunkt\n1;stold;2024-01-01 10:00\n2;fylla;2024-01-01 10:00\n'));
    expect(errors).toEqual([{ row: 2, field: 'category', message: expect.stringMatching(/okänd kategori "fylla"/) }]);
  });

  it('rejects an unknown source and takes Swedish source words', async () => {
    const results = await read('id;kategori;tidpunkt;källa\n1;stold;2024-01-01 10:00;polisen\n2;stold;2024-01-01 10:00;grannen\n');
    expect(accepted(results)[0].source).toBe('police');
    expect(errorsOf(results)).toEqual([expect.objectContaining({ row: 2, field: 'source' })]);
  });

  it('rejects an id repeated later in the file, keeping the first', async () => {
    const results = await read('id;kategori;tidpunkt\nA;stold;2024-01-01 10:00\nB;hot;2024-01-01 10:00\nA;hot;2024-01-02 10:00\n');
    expect(accepted(results).map((i) => i.row)).toEqual([1, 2]);
    expect(errorsOf(results)).toEqual([{ row: 3, field: 'id', message: expect.stringMatching(/rad 1/) }]);
  });

  it('allows the same id from different sources', async () => {
    const results = await read('id;kategori;tidpunkt;source\nA;stold;2024-01-01 10:00;police\nA;stold;2024-01-01 10:00;housing\n');
    expect(accepted(results)).toHaveLength(2);
  });

  it.each([
    ['1900-01-01 00:00', 'occurred_at'],
    ['1899-12-30', 'occurred_at'],
    ['2100-06-01 12:00', 'occurred_at'],
    ['igår', 'occurred_at'],
  ])('rejects the date %j', async (date, field) => {
    const errors = errorsOf(await read(`id,category,occurred_at\n1,stold,${date}\n`));
    expect(errors).toEqual([expect.objectContaining({ row: 1, field })]);
  });

  it('rejects an end before the start', async () => {
    const errors = errorsOf(await read('id,category,occurred_at,occurred_until\n1,stold,2024-01-02 10:00,2024-01-01 10:00\n'));
    expect(errors).toEqual([expect.objectContaining({ field: 'occurred_until' })]);
  });

  it.each([
    ['NaN', '18.0'],
    ['Infinity', '18.0'],
    ['1e999', '18.0'],
    ['59,3,2', '18.0'],
    ['95', '18.0'],
    ['59.3', '-181'],
  ])('rejects lat %j lon %j', async (lat, lon) => {
    const errors = errorsOf(await read(`id;category;occurred_at;lat;lon\n1;stold;2024-01-01 10:00;${lat};${lon}\n`));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].row).toBe(1);
    expect(['lat', 'lon']).toContain(errors[0].field);
  });

  it('rejects SWEREF coordinates far outside Sweden in both axis orders', async () => {
    const errors = errorsOf(await read('id;category;occurred_at;n;e\n1;stold;2024-01-01 10:00;99999999999;5\n'));
    expect(errors).toEqual([expect.objectContaining({ field: 'n', message: expect.stringMatching(/utanför Sverige/) })]);
  });

  it('passes swapped SWEREF axes on to the municipality check', async () => {
    const [incident] = accepted(await read('id;category;occurred_at;n;e\n1;stold;2024-01-01 10:00;674000;6580000\n'));
    expect(incident.point).toEqual({ x: 6580000, y: 674000, srid: 3006 });
  });

  it('rejects half a coordinate pair', async () => {
    const errors = errorsOf(await read('id;category;occurred_at;n;e\n1;stold;2024-01-01 10:00;6580000;\n'));
    expect(errors).toEqual([expect.objectContaining({ field: 'e', message: expect.stringMatching(/saknas/) })]);
  });

  it('stores formula-looking cells as text, untouched', async () => {
    const [incident] = accepted(await read('id,category,occurred_at,place,description\n"=cmd|\' /C calc\'!A0",stold,2024-01-01 10:00,@SUM(A1),+1+1\n'));
    expect(incident).toMatchObject({ source_id: "=cmd|' /C calc'!A0", place: '@SUM(A1)', description: '+1+1' });
  });

  it('rejects a description over the limit', async () => {
    const errors = errorsOf(await read(`id,category,occurred_at,description\n1,stold,2024-01-01 10:00,${'x'.repeat(4001)}\n`));
    expect(errors).toEqual([expect.objectContaining({ field: 'description' })]);
  });

  it('reports every problem in a row', async () => {
    const errors = errorsOf(await read('id,category,occurred_at,lat,lon\n,fylla,1900-01-01,NaN,1\n'));
    expect(errors.map((e) => e.field).sort()).toEqual(['category', 'id', 'lat', 'occurred_at']);
  });

  it('rejects a row with extra non-empty columns', async () => {
    const errors = errorsOf(await read('id;category;occurred_at\n1;stold;2024-01-01 10:00;extra\n'));
    expect(errors[0]).toMatchObject({ row: 1, field: '', message: expect.stringMatching(/kolumner/) });
  });

  it('accepts trailing empty columns from Excel', async () => {
    expect(accepted(await read('id;category;occurred_at;;\n1;stold;2024-01-01 10:00;;\n'))).toHaveLength(1);
  });

  it('says the delimiter is wrong when rows do not split', async () => {
    const errors = errorsOf(await read('id;category;occurred_at\n1,stold,2024-01-01 10:00\n'));
    expect(errors[0].message).toMatch(/avgränsaren/);
  });

  it('rejects a header with an unsupported delimiter as a file error', async () => {
    const error = await read('id|category|occurred_at\n1|stold|2024-01-01\n').catch((e) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect(error.message).toMatch(/avgränsare/);
  });

  it('rejects a file without required columns', async () => {
    await expect(read('namn;plats\nx;y\n')).rejects.toMatchObject({ code: 'MISSING_COLUMNS' });
  });

  it('requires --source when the file has no source column', async () => {
    await expect(read('id;category;occurred_at\n1;stold;2024-01-01\n', { defaultSource: undefined })).rejects.toMatchObject({ code: 'MISSING_SOURCE' });
  });

  it('rejects both tidpunkt and datum', async () => {
    await expect(read('id;category;tidpunkt;datum\n')).rejects.toMatchObject({ code: 'DUPLICATE_COLUMN' });
  });

  it('gives a header-only file no rows', async () => {
    expect(await read('id;kategori;tidpunkt\r\n')).toEqual([]);
  });

  it('rejects an empty file', async () => {
    await expect(read('')).rejects.toMatchObject({ code: 'EMPTY_FILE' });
  });

  it('rejects binary garbage', async () => {
    await expect(read(Buffer.from([1, 2, 3, 0, 0, 0, 255, 254, 7, 8, 9, 0]))).rejects.toMatchObject({ code: 'NOT_TEXT' });
  });

  it('gives equal hashes for equal rows and different hashes after a change', async () => {
    const a = accepted(await read('id;category;occurred_at;place\n1;stold;2024-01-01 10:00;Torget\n'))[0];
    const b = accepted(await read('id;category;occurred_at;place\n1;stold;2024-01-01 10:00;Torget\n'))[0];
    const c = accepted(await read('id;category;occurred_at;place\n1;stold;2024-01-01 10:00;Torget 2\n'))[0];
    expect(a.content_hash).toBe(b.content_hash);
    expect(a.content_hash).not.toBe(c.content_hash);
  });

  it('rejects 10,000 bad rows while a summary lists only the first 100', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `${i};okänd;2024-01-01 10:00`).join('\n');
    const errors = new RowErrorList();
    for await (const result of readIncidentFile(bytesOf(Buffer.from(`id;category;occurred_at\n${rows}\n`)), options())) {
      if (!result.ok) errors.addRow(result.errors);
    }
    expect(errors.rejectedRows).toBe(10_000);
    expect(errors.listed).toHaveLength(100);
    expect(errors.omitted).toBe(9_900);
    expect(errors.listed[99].row).toBe(100);
  });
});

describe('incident GeoJSON', () => {
  const point = (coordinates: number[] | null, properties: Record<string, unknown>) => ({
    type: 'Feature',
    geometry: coordinates ? { type: 'Point', coordinates } : null,
    properties,
  });
  const collection = (features: unknown[], crs?: string) =>
    JSON.stringify({ type: 'FeatureCollection', ...(crs ? { crs: { type: 'name', properties: { name: crs } } } : {}), features });

  it('reads WGS84 points as lon/lat', async () => {
    const [incident] = accepted(await read(collection([point([18.07, 59.33], { id: 'G1', kategori: 'hot', tidpunkt: '2024-01-01T10:00' })])));
    expect(incident).toMatchObject({ row: 1, source_id: 'G1', category: 'hot', point: { x: 18.07, y: 59.33, srid: 4326 } });
  });

  it.each(['EPSG:3006', 'urn:ogc:def:crs:EPSG::3006'])('reads SWEREF 99 TM when the file declares %s', async (crs) => {
    const [incident] = accepted(await read(collection([point([674000, 6580000], { id: 1, category: 'hot', occurred_at: '2024-01-01T10:00' })], crs)));
    expect(incident.point).toEqual({ x: 674000, y: 6580000, srid: 3006 });
    expect(incident.source_id).toBe('1');
  });

  it('keeps a feature with null geometry as unlocated', async () => {
    const [incident] = accepted(await read(collection([point(null, { id: 'x', category: 'hot', occurred_at: '2024-01-01T10:00' })])));
    expect(incident.point).toBeNull();
  });

  it('rejects a non-point geometry naming the feature', async () => {
    const results = await read(collection([{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] }, properties: { id: 1 } }]));
    expect(errorsOf(results)).toEqual([expect.objectContaining({ row: 1, field: 'geometry' })]);
  });

  it('rejects metre coordinates in a file that declares no CRS', async () => {
    await expect(read(collection([point([674000, 6580000], { id: 1 })]))).rejects.toMatchObject({ code: 'CRS_MISMATCH' });
  });

  it('uses --crs for a file that declares no CRS', async () => {
    const [incident] = accepted(await read(collection([point([674000, 6580000], { id: 1, category: 'hot', occurred_at: '2024-01-01T10:00' })]), { crs: 3006 }));
    expect(incident.point?.srid).toBe(3006);
  });

  it('rejects an unsupported CRS', async () => {
    await expect(read(collection([], 'EPSG:3857'))).rejects.toMatchObject({ code: 'UNSUPPORTED_CRS' });
  });

  it('rejects invalid JSON', async () => {
    await expect(read('{"type": "FeatureCollection", "features": [')).rejects.toMatchObject({ code: 'INVALID_JSON' });
  });

  it('rejects JSON that is not a FeatureCollection', async () => {
    await expect(read('{"type": "Feature"}')).rejects.toMatchObject({ code: 'NOT_FEATURE_COLLECTION' });
  });
});

describe('GeoJSON size limit', () => {
  it('rejects a GeoJSON file over the limit with a clear message', async () => {
    const { readFeatureCollection } = await import('../../../../server/features/imports/geojson-file.ts');
    const big = JSON.stringify({ type: 'FeatureCollection', features: Array.from({ length: 200 }, (_, i) => ({ type: 'Feature', geometry: null, properties: { id: i } })) });
    const error = await readFeatureCollection(bytesOf(Buffer.from(big), 256), { maxBytes: 1024 }).catch((e) => e);
    expect(error).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(error.message).toMatch(/CSV/);
  });
});
