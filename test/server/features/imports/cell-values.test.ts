import { describe, expect, it } from 'vitest';
import { parseDateAndTime, parseDecimal, parseIncidentTime } from '../../../../server/features/imports/cell-values.ts';
import { NOW } from './import-test-data.ts';

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }) => (r.ok ? r.value : r.message);
const iso = (text: string) => {
  const r = parseIncidentTime(text, NOW);
  return r.ok ? new Date(r.value.utcMs).toISOString() : `error: ${r.message}`;
};

describe('parseDecimal', () => {
  it.each([
    ['59.3293', 59.3293],
    ['59,3293', 59.3293],
    ['6580123', 6580123],
    ['6 580 123', 6580123],
    ['6\u00a0580\u00a0123,5', 6580123.5],
    ['-12,5', -12.5],
    [' 18,0686 ', 18.0686],
  ])('reads %j', (text, expected) => expect(value(parseDecimal(text))).toBe(expected));

  it.each(['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '1e999', '6,58E+06', '12,34,5', '1.2.3', 'abc', '12a', '--1', '0x1F', ''])('rejects %j', (text) => {
    expect(parseDecimal(text).ok).toBe(false);
  });

  it('explains exponent notation', () => {
    expect(value(parseDecimal('6,58E+06'))).toMatch(/exponentform/);
  });
});

describe('parseIncidentTime', () => {
  it('reads a local time without offset as Stockholm time', () => expect(iso('2024-01-15T12:00')).toBe('2024-01-15T11:00:00.000Z'));
  it('accepts a space between date and time', () => expect(iso('2024-06-15 22:15:30')).toBe('2024-06-15T20:15:30.000Z'));
  it('honours a Z', () => expect(iso('2024-06-15T22:15:00Z')).toBe('2024-06-15T22:15:00.000Z'));
  it('honours an offset', () => expect(iso('2024-06-15T22:15:00+02:00')).toBe('2024-06-15T20:15:00.000Z'));
  it('honours a compact offset', () => expect(iso('2024-06-15T22:15:00-0130')).toBe('2024-06-15T23:45:00.000Z'));
  it('reads fractions of a second', () => expect(iso('2024-06-15T22:15:00.250Z')).toBe('2024-06-15T22:15:00.250Z'));
  it('reads a date alone as local midnight', () => expect(iso('2024-06-15')).toBe('2024-06-14T22:00:00.000Z'));
  it('moves a time in the spring gap forward', () => expect(iso('2024-03-31 02:30')).toBe('2024-03-31T01:30:00.000Z'));
  it('takes the first occurrence of an autumn overlap', () => expect(iso('2024-10-27 02:30')).toBe('2024-10-27T00:30:00.000Z'));

  it('rejects Excel’s empty date 1899-12-30 as an empty cell', () => expect(iso('1899-12-30 00:00')).toMatch(/error: .*tom Excel-cell/));
  it('rejects Excel’s 1900-01-00 as no date', () => expect(iso('1900-01-00')).toMatch(/error: .*inget giltigt datum/));
  it('rejects 1900-01-01', () => expect(iso('1900-01-01')).toMatch(/error/));
  it('rejects 1949-12-31', () => expect(iso('1949-12-31 12:00')).toMatch(/error: .*före 1950/));
  it('accepts 1950-01-01', () => expect(iso('1950-01-01 00:00')).toBe('1949-12-31T23:00:00.000Z'));
  it('rejects year 2100 as in the future', () => expect(iso('2100-01-01 00:00')).toMatch(/error: .*framtiden/));
  it('accepts the evening of the import day', () => expect(iso('2024-11-20 23:59')).toBe('2024-11-20T22:59:00.000Z'));
  it('rejects the day after the import day', () => expect(iso('2024-11-21 00:00')).toMatch(/framtiden/));
  it('rejects 31 April', () => expect(iso('2024-04-31')).toMatch(/inget giltigt datum/));
  it('rejects 29 February in a common year', () => expect(iso('2023-02-29')).toMatch(/inget giltigt datum/));
  it('rejects hour 24', () => expect(iso('2024-04-01 24:00')).toMatch(/klockslag/));
  it('explains an Excel serial number', () => expect(iso('45352')).toMatch(/Excel-datumnummer/));
  it('explains an ambiguous d/m/y date', () => expect(iso('05/03/2024')).toMatch(/tvetydigt/));
  it('rejects an empty cell', () => expect(iso('')).toMatch(/saknas/));
});

describe('parseDateAndTime', () => {
  const at = (d: string, t: string) => {
    const r = parseDateAndTime(d, t, NOW);
    return r.ok ? new Date(r.value.utcMs).toISOString() : `error: ${r.message}`;
  };
  it('reads HH:MM', () => expect(at('2024-02-01', '14:30')).toBe('2024-02-01T13:30:00.000Z'));
  it('reads HH.MM', () => expect(at('2024-02-01', '14.30')).toBe('2024-02-01T13:30:00.000Z'));
  it('reads HHMM', () => expect(at('20240201', '0930')).toBe('2024-02-01T08:30:00.000Z'));
  it('reads seconds', () => expect(at('2024-02-01', '9:30:15')).toBe('2024-02-01T08:30:15.000Z'));
  it('reads an empty time as midnight', () => expect(at('2024-02-01', '')).toBe('2024-01-31T23:00:00.000Z'));
  it('rejects a bad time', () => expect(at('2024-02-01', 'kväll')).toMatch(/error: tiden/));
  it('rejects an empty date', () => expect(at('', '12:00')).toMatch(/datum saknas/));
});
