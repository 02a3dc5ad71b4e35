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
 * such as "-12,5" are left alone. Imports store cells unchanged; every CSV exporter must call this.
 */
export function neutraliseSpreadsheetFormula(text: string): string {
  return looksLikeSpreadsheetFormula(text) ? `'${text}` : text;
}

/** Quotes one CSV field (RFC 4180) after neutralising formulas; for exporters writing `,`-separated files. */
export function formatCsvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : neutraliseSpreadsheetFormula(value);
  return /[",\r\n;\t]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
