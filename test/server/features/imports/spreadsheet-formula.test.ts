import { describe, expect, it } from 'vitest';
import { formatCsvField, neutraliseSpreadsheetFormula } from '../../../../server/features/imports/spreadsheet-formula.ts';

describe('neutraliseSpreadsheetFormula', () => {
  it.each(["=cmd|' /C calc'!A0", '+1+1', '-2+3', '@SUM(A1:A2)', '\t=1', '＝1'])('prefixes %j with an apostrophe', (cell) => {
    expect(neutraliseSpreadsheetFormula(cell)).toBe(`'${cell}`);
  });

  it.each(['Torget', '-12,5', '+46', '-0.5', '', 'a=b'])('leaves %j alone', (cell) => {
    expect(neutraliseSpreadsheetFormula(cell)).toBe(cell);
  });

  it('quotes a neutralised field for CSV', () => {
    expect(formatCsvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });
});
