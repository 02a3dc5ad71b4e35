/** Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (incl. full-width forms). */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
const PLAIN_NUMBER = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/;

/** True when a spreadsheet would treat the text as a formula (`=cmd|' /C calc'!A0`, `+1+1`, `@SUM(...)`). */
export function looksLikeSpreadsheetFormula(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}

/**
 * Makes a text cell safe for a CSV export opened in a spreadsheet: a cell that would start a formula
 * gets a leading apostrophe, so it shows as text and never runs (OWASP "CSV injection"). Plain numbers
 * such as "-12,5" are left alone.
 */
export function neutraliseSpreadsheetFormula(text: string): string {
  return looksLikeSpreadsheetFormula(text) ? `'${text}` : text;
}

/**
 * How the file is read: `sv` is what Swedish Excel expects on a double-click (list separator `;`,
 * decimal comma), `en` the RFC 4180 comma file with a decimal point. Both are UTF-8 with a BOM (so
 * Excel reads å, ä, ö) and CRLF line ends.
 */
export type CsvDialect = 'sv' | 'en';

export type CsvCell = string | number | boolean | null | undefined;

/** One field in the dialect: numbers with the dialect's decimal mark, text formula-neutralised, quoted when needed. */
export function excelCsvField(value: CsvCell, dialect: CsvDialect): string {
  if (value === null || value === undefined) return '';
  const separator = dialect === 'sv' ? ';' : ',';
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    // No thousands separator: Excel would take a space or dot in a number for text or a date.
    text = dialect === 'sv' ? String(value).replace('.', ',') : String(value);
    if (/e/i.test(text)) text = dialect === 'sv' ? value.toFixed(20).replace(/0+$/, '').replace('.', ',') : value.toFixed(20).replace(/0+$/, '');
  } else if (typeof value === 'boolean') {
    text = dialect === 'sv' ? (value ? 'ja' : 'nej') : String(value);
  } else {
    text = neutraliseSpreadsheetFormula(value);
  }
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (without the line end). */
export function excelCsvLine(cells: readonly CsvCell[], dialect: CsvDialect): string {
  return cells.map((c) => excelCsvField(c, dialect)).join(dialect === 'sv' ? ';' : ',');
}

/**
 * A whole CSV table: BOM, header, rows, CRLF after every line. The header row is the first line, so
 * QGIS, pandas and Excel all read it as column names; a file's statement (filters, cut-off, sources)
 * belongs in a sidecar, not above the header.
 */
export function excelCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], dialect: CsvDialect): string {
  return `\uFEFF${[excelCsvLine(header, dialect), ...rows.map((r) => excelCsvLine(r, dialect))].join('\r\n')}\r\n`;
}
