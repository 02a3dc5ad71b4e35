import { describe, expect, it } from 'vitest';
import { openCsvTable } from '../../../../server/features/imports/csv-reader.ts';
import { readIncidentFile } from '../../../../server/features/imports/incident-file.ts';
import { NOW, testResolver } from './import-test-data.ts';

/** Generates a CSV of `rows` incident rows lazily, 64 KiB at a time, without ever holding the file. */
async function* generatedCsv(rows: number, rowText: (i: number) => string): AsyncGenerator<Uint8Array> {
  yield Buffer.from('id;kategori;tidpunkt;n;e;plats;beskrivning\n');
  let batch: string[] = [];
  let size = 0;
  for (let i = 0; i < rows; i++) {
    const line = rowText(i);
    batch.push(line);
    size += line.length;
    if (size > 64 * 1024) {
      yield Buffer.from(batch.join(''), 'utf8');
      batch = [];
      size = 0;
    }
  }
  if (batch.length) yield Buffer.from(batch.join(''), 'utf8');
}

const row = (i: number) =>
  `P-${i};stold;2024-0${1 + (i % 9)}-1${i % 10} 1${i % 10}:30;${6580000 + (i % 5000)};${674000 + (i % 3000)};Storgatan ${i % 200}, Åby;"Cykel stulen från ställ vid stationen; låset uppklippt, ""vittne"" såg två personer"\n`;

function heapMb(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

describe('bounded memory', () => {
  it('reads a 300 MB CSV stream with heap growth far below the file size', async () => {
    const before = heapMb();
    let peak = before;
    let count = 0;
    const table = await openCsvTable(generatedCsv(1_500_000, row));
    for await (const record of table.records) {
      count++;
      if (record.fields.length !== 7) throw new Error(`row ${record.row}: ${record.fields.length} fields`);
      if (count % 100_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024);
    }
    expect(count).toBe(1_500_000);
    // The file is ~300 MB; the reader holds one chunk and one record.
    expect(peak - before).toBeLessThan(80);
  });

  it('parses 200,000 incident rows holding only the repeated-id index', async () => {
    const before = heapMb();
    let peak = before;
    let accepted = 0;
    for await (const result of readIncidentFile(generatedCsv(200_000, row), { categories: testResolver(), defaultSource: 'police', nowMs: NOW, format: 'csv' })) {
      if (result.ok) accepted++;
      if ((accepted & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024);
    }
    expect(accepted).toBe(200_000);
    expect(peak - before).toBeLessThan(150);
  });
});
