import { neutraliseSpreadsheetFormula } from '../../../shared/excel-csv.ts';

// The rule lives in shared/ so the map client's exports apply the same one.
export { looksLikeSpreadsheetFormula, neutraliseSpreadsheetFormula } from '../../../shared/excel-csv.ts';

/** Quotes one CSV field (RFC 4180) after neutralising formulas; for exporters writing `,`-separated files. */
export function formatCsvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : neutraliseSpreadsheetFormula(value);
  return /[",\r\n;\t]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
