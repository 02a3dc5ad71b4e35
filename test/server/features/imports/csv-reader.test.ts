import { describe, expect, it } from 'vitest';
import { detectDelimiter, openCsvTable } from '../../../../server/features/imports/csv-reader.ts';
import { ImportFileError } from '../../../../server/features/imports/import-errors.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { collect, cp1252, utf8File } from './import-test-data.ts';

async function readAll(text: string | Buffer, chunkSize?: number, limits?: Parameters<typeof openCsvTable>[1]) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const table = await openCsvTable(bytesOf(bytes, chunkSize), limits);
  return { ...table, rows: await collect(table.records) };
}

describe('detectDelimiter', () => {
  it('picks semicolon when it dominates', () => expect(detectDelimiter('id;kategori;tidpunkt')).toBe(';'));
  it('picks tab', () => expect(detectDelimiter('id\tkategori\ttidpunkt')).toBe('\t'));
  it('picks comma', () => expect(detectDelimiter('id,kategori,tidpunkt')).toBe(','));
  it('ignores delimiters inside quotes', () => expect(detectDelimiter('"a,b,c";d;e')).toBe(';'));
});

describe('openCsvTable', () => {
  it('reads a comma file with LF', async () => {
    const t = await readAll('id,kategori\n1,stold\n2,hot\n');
    expect(t.delimiter).toBe(',');
    expect(t.header).toEqual(['id', 'kategori']);
    expect(t.rows).toEqual([
      { row: 1, fields: ['1', 'stold'] },
      { row: 2, fields: ['2', 'hot'] },
    ]);
  });

  it('reads a semicolon file with CRLF and no final newline', async () => {
    const t = await readAll('id;kategori\r\n1;stold\r\n2;hot');
    expect(t.delimiter).toBe(';');
    expect(t.rows.map((r) => r.fields)).toEqual([['1', 'stold'], ['2', 'hot']]);
  });

  it('reads a tab file', async () => {
    const t = await readAll('id\tplats\n1\tÅby torg\n');
    expect(t.rows[0].fields).toEqual(['1', 'Åby torg']);
  });

  it('trims and lower-cases header names, dropping a stray BOM character', async () => {
    const t = await readAll('\ufeff ID ; Kategori \n1;x\n');
    expect(t.header).toEqual(['id', 'kategori']);
  });

  it('unquotes RFC 4180 fields with delimiters, doubled quotes and newlines', async () => {
    const t = await readAll('id,beskrivning,plats\n1,"Han sa ""stopp"", sen sprang han\r\nmot parken",Torget\n2,x,y\n');
    expect(t.rows[0].fields).toEqual(['1', 'Han sa "stopp", sen sprang han\r\nmot parken', 'Torget']);
    expect(t.rows[1]).toEqual({ row: 2, fields: ['2', 'x', 'y'] });
  });

  it('parses identically when every chunk is one byte', async () => {
    const text = 'id;beskrivning\r\n1;"a ""b"" c;d"\r\n2;"å\r\nä"\r\n3;ö\r\n';
    const whole = await readAll(text);
    const bytewise = await readAll(text, 1);
    expect(bytewise.rows).toEqual(whole.rows);
    expect(bytewise.rows.map((r) => r.fields[1])).toEqual(['a "b" c;d', 'å\r\nä', 'ö']);
  });

  it('keeps a quote in the middle of a field as text, as Excel does', async () => {
    const t = await readAll('id,plats\n1,Kalle "Kula" Gatan\n');
    expect(t.rows[0].fields[1]).toBe('Kalle "Kula" Gatan');
  });

  it('counts blank lines in row numbers but yields no record for them', async () => {
    const t = await readAll('id,x\n1,a\n\n3,c\n\n');
    expect(t.rows).toEqual([
      { row: 1, fields: ['1', 'a'] },
      { row: 3, fields: ['3', 'c'] },
    ]);
  });

  it('reads a Windows-1252 file', async () => {
    const t = await readAll(cp1252('id;plats\n1;Gärdet\n'));
    expect(t.rows[0].fields[1]).toBe('Gärdet');
    expect(t.text.encoding).toBe('windows-1252');
  });

  it('names the data row where a UTF-8 file turns into Windows-1252', async () => {
    const bytes = Buffer.concat([Buffer.from('id;plats\n1;Gärdet\n2;"Ö\nvre"\n', 'utf8'), cp1252('3;Åby\n')]);
    const table = await openCsvTable(bytesOf(bytes, 5));
    const error = await collect(table.records).catch((e) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect(error).toMatchObject({ code: 'MIXED_ENCODING', row: 3 });
  });

  it('rejects an empty file', async () => {
    await expect(readAll('')).rejects.toMatchObject({ code: 'EMPTY_FILE' });
  });

  it('rejects a file of blank lines as empty', async () => {
    await expect(readAll('\r\n\r\n')).rejects.toMatchObject({ code: 'EMPTY_FILE' });
  });

  it('gives a header-only file no records', async () => {
    const t = await readAll('id;kategori;tidpunkt\r\n');
    expect(t.header).toEqual(['id', 'kategori', 'tidpunkt']);
    expect(t.rows).toEqual([]);
  });

  it('rejects a duplicated column name', async () => {
    await expect(readAll('id;ID\n1;2\n')).rejects.toMatchObject({ code: 'DUPLICATE_COLUMN' });
  });

  it('stops an unclosed quote at the field limit, naming the row', async () => {
    const text = `id,beskrivning\n1,ok\n2,"aldrig stängd\n${'x,y\n'.repeat(2000)}`;
    const error = await readAll(text, 1024, { maxFieldChars: 1000, maxRecordChars: 10_000, maxColumns: 10 }).catch((e) => e);
    expect(error).toMatchObject({ code: 'FIELD_TOO_LONG', row: 2 });
    expect(error.message).toMatch(/citattecken/);
  });

  it('rejects an unclosed quote at the end of the file, naming the row', async () => {
    const error = await readAll('id,beskrivning\n1,ok\n2,"aldrig stängd\n').catch((e) => e);
    expect(error).toMatchObject({ code: 'UNCLOSED_QUOTE', row: 2 });
  });

  it('rejects a record with too many columns', async () => {
    const error = await readAll(`a,b\n1,2\n${'x,'.repeat(20)}\n`, undefined, { maxFieldChars: 100, maxRecordChars: 1000, maxColumns: 10 }).catch((e) => e);
    expect(error).toMatchObject({ code: 'TOO_MANY_COLUMNS', row: 2 });
  });

  it('rejects an overlong header line', async () => {
    const error = await readAll(`${'a'.repeat(5000)}`, 256, { maxFieldChars: 100, maxRecordChars: 1000, maxColumns: 10 }).catch((e) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect(error.row).toBe(0);
  });

  it('streams from a chunked UTF-8 source', async () => {
    const table = await openCsvTable(utf8File('id\n' + Array.from({ length: 1000 }, (_, i) => `${i}\n`).join(''), 100));
    const rows = await collect(table.records);
    expect(rows).toHaveLength(1000);
    expect(rows[999]).toEqual({ row: 1000, fields: ['999'] });
  });
});
