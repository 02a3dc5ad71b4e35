/** A cell that a spreadsheet would run as a formula (= + - @, also tab and CR) gets a leading apostrophe. */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * One CSV field: text neutralised, then quoted when it holds a separator, quote or line break. Finite numbers
 * are written as they are: "-24.5" cannot run as a formula, and an apostrophe would turn the column into text.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = neutraliseCell(String(value));
  return /[",;\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV (RFC 4180, comma, CRLF) with a few "# key: value" lines first so the file states its filters, data cut-off
 * and sources (SPEC §7); a UTF-8 BOM lets Excel read å, ä, ö.
 */
export function toCsv(meta: [string, string][], header: string[], rows: unknown[][]): string {
  const lines = [
    ...meta.map(([k, v]) => csvField(`# ${k}: ${v}`)),
    header.map(csvField).join(','),
    ...rows.map((r) => r.map(csvField).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
