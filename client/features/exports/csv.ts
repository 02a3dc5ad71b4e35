import { excelCsv, excelCsvField, neutraliseSpreadsheetFormula, type CsvCell, type CsvDialect } from '../../../shared/excel-csv.ts';
import { storedZip } from '../../../shared/zip.ts';

/** A cell that a spreadsheet would run as a formula (= + - @, also tab and CR) gets a leading apostrophe. */
export function neutraliseCell(value: string): string {
  return neutraliseSpreadsheetFormula(value);
}

/** One RFC 4180 (comma) CSV field; see shared/excel-csv.ts for the Swedish-Excel dialect. */
export function csvField(value: unknown): string {
  return excelCsvField(value as CsvCell, 'en');
}

/** The CSV dialect for an interface language: Swedish Excel (`;`, decimal comma) for Swedish, RFC 4180 for English. */
export function dialectOf(lang: 'sv' | 'en'): CsvDialect {
  return lang === 'sv' ? 'sv' : 'en';
}

/** CSV with the header on the first line (BOM, CRLF), in the dialect; the statement goes in a sidecar. */
export function toCsv(header: string[], rows: CsvCell[][], dialect: CsvDialect = 'en'): string {
  return excelCsv(header, rows, dialect);
}

/**
 * A CSV and its metadata sidecar (filters, cut-off, sources as JSON) as one ZIP, so the statement
 * travels with the table without lines above the header that QGIS and pandas trip over.
 */
export function csvPackage(baseName: string, csv: string, metadata: Record<string, unknown>): Uint8Array {
  const encoder = new TextEncoder();
  return storedZip([
    { name: `${baseName}.csv`, data: encoder.encode(csv) },
    { name: `${baseName}.metadata.json`, data: encoder.encode(`${JSON.stringify(metadata, null, 2)}\n`) },
  ]);
}
