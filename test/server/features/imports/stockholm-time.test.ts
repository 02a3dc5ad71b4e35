import { describe, expect, it } from 'vitest';
import { endOfStockholmDay, stockholmDate, stockholmLocalToUtc, stockholmOffsetMs } from '../../../../server/features/imports/stockholm-time.ts';

const local = (year: number, month: number, day: number, hour: number, minute = 0) => ({ year, month, day, hour, minute, second: 0, millisecond: 0 });
const iso = (ms: number) => new Date(ms).toISOString();

describe('stockholmLocalToUtc', () => {
  it('reads winter time as UTC+1', () => {
    expect(iso(stockholmLocalToUtc(local(2024, 1, 15, 12)).utcMs)).toBe('2024-01-15T11:00:00.000Z');
  });

  it('reads summer time as UTC+2', () => {
    expect(iso(stockholmLocalToUtc(local(2024, 7, 1, 12)).utcMs)).toBe('2024-07-01T10:00:00.000Z');
  });

  it('moves a time in the spring gap forward by an hour (02:30 → 03:30 summer time)', () => {
    const result = stockholmLocalToUtc(local(2024, 3, 31, 2, 30));
    expect(result.kind).toBe('nonexistent');
    expect(iso(result.utcMs)).toBe('2024-03-31T01:30:00.000Z');
  });

  it('reads 03:00 on the spring change day as the first summer-time instant', () => {
    const result = stockholmLocalToUtc(local(2024, 3, 31, 3, 0));
    expect(result.kind).toBe('normal');
    expect(iso(result.utcMs)).toBe('2024-03-31T01:00:00.000Z');
  });

  it('takes the first occurrence of an ambiguous autumn time (summer time)', () => {
    const result = stockholmLocalToUtc(local(2024, 10, 27, 2, 30));
    expect(result.kind).toBe('ambiguous');
    expect(iso(result.utcMs)).toBe('2024-10-27T00:30:00.000Z');
  });

  it('reads 03:00 on the autumn change day as winter time', () => {
    expect(iso(stockholmLocalToUtc(local(2024, 10, 27, 3, 0)).utcMs)).toBe('2024-10-27T02:00:00.000Z');
  });

  it('knows there was no summer time in 1970', () => {
    expect(iso(stockholmLocalToUtc(local(1970, 7, 1, 12)).utcMs)).toBe('1970-07-01T11:00:00.000Z');
  });
});

describe('stockholm days', () => {
  it('gives the local date of a late UTC evening in summer', () => {
    expect(stockholmDate(Date.UTC(2024, 5, 30, 22, 30))).toBe('2024-07-01');
  });

  it('ends the day at local midnight', () => {
    expect(iso(endOfStockholmDay(Date.UTC(2024, 0, 15, 12)))).toBe('2024-01-15T23:00:00.000Z');
  });

  it('has offsets of one and two hours', () => {
    expect(stockholmOffsetMs(Date.UTC(2024, 0, 1))).toBe(3_600_000);
    expect(stockholmOffsetMs(Date.UTC(2024, 6, 1))).toBe(7_200_000);
  });
});
