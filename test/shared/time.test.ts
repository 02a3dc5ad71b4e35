import { describe, expect, it } from 'vitest';
import { addYears, daysBetween, isPartialMonth, nextMonthStart, presetPeriod, stockholmToday } from '../../shared/time.ts';
import { periodOf } from '../../client/state/filters.ts';

describe('period presets on awkward dates', () => {
  it('last12 on 31 December covers exactly twelve months, not twenty-four', () => {
    expect(presetPeriod('last12', '2026-12-31')).toEqual({ from: '2026-01-01', to: '2027-01-01' });
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });

  it('last12 on 28 February of a leap year never asks for 29 February of a common year', () => {
    // Tomorrow is 2028-02-29; one year back is 2027-02-28 (the old code built the invalid 2027-02-29).
    expect(presetPeriod('last12', '2028-02-28')).toEqual({ from: '2027-02-28', to: '2028-02-29' });
  });

  it('last12 on 29 February starts on 1 March a year earlier', () => {
    expect(presetPeriod('last12', '2028-02-29')).toEqual({ from: '2027-03-01', to: '2028-03-01' });
  });

  it('last12 on 28 February of a common year ends on 1 March', () => {
    expect(presetPeriod('last12', '2027-02-28')).toEqual({ from: '2026-03-01', to: '2027-03-01' });
  });

  it('every preset on every day of a leap and a common year gives real dates and a sane length', () => {
    const valid = (d: string) => new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
    for (let day = new Date(Date.UTC(2027, 0, 1)); day < new Date(Date.UTC(2029, 0, 1)); day.setUTCDate(day.getUTCDate() + 1)) {
      const today = day.toISOString().slice(0, 10);
      const p = presetPeriod('last12', today);
      expect(valid(p.from) && valid(p.to), today).toBe(true);
      expect(daysBetween(p.from, p.to), today).toBeGreaterThanOrEqual(365);
      expect(daysBetween(p.from, p.to), today).toBeLessThanOrEqual(366);
      expect(daysBetween(...Object.values(presetPeriod('last30', today)) as [string, string])).toBe(30);
    }
  });

  it('last30 across the DST changes is 30 calendar days', () => {
    expect(presetPeriod('last30', '2026-03-29')).toEqual({ from: '2026-02-28', to: '2026-03-30' });
    expect(presetPeriod('last30', '2026-10-25')).toEqual({ from: '2026-09-26', to: '2026-10-26' });
  });

  it('this year and last year on New Year\'s Eve', () => {
    expect(presetPeriod('thisYear', '2026-12-31')).toEqual({ from: '2026-01-01', to: '2027-01-01' });
    expect(presetPeriod('lastYear', '2026-12-31')).toEqual({ from: '2025-01-01', to: '2026-01-01' });
  });

  it('the client uses the shared presets', () => {
    expect(periodOf('last12', '2026-12-31')).toEqual(presetPeriod('last12', '2026-12-31'));
  });
});

describe('Stockholm today around midnight and DST', () => {
  it.each([
    ['2026-03-28T23:30:00Z', '2026-03-29'], // 00:30 CET, the night clocks go forward
    ['2026-03-29T21:59:00Z', '2026-03-29'], // 23:59 CEST
    ['2026-03-29T22:00:00Z', '2026-03-30'], // 00:00 CEST
    ['2026-10-24T22:30:00Z', '2026-10-25'], // 00:30 CEST, the night clocks go back
    ['2026-10-25T22:59:00Z', '2026-10-25'], // 23:59 CET
    ['2026-12-31T23:00:00Z', '2027-01-01'], // midnight CET on New Year
    ['2026-12-31T22:59:59Z', '2026-12-31'],
  ])('%s is %s in Stockholm', (instant, date) => {
    expect(stockholmToday(new Date(instant))).toBe(date);
  });
});

describe('date helpers', () => {
  it('addYears clamps 29 February', () => {
    expect(addYears('2028-02-29', -1)).toBe('2027-02-28');
    expect(addYears('2028-02-29', -4)).toBe('2024-02-29');
  });
  it('nextMonthStart rolls over the year', () => {
    expect(nextMonthStart('2026-12-15')).toBe('2027-01-01');
    expect(nextMonthStart('2026-01-31')).toBe('2026-02-01');
  });
  it('a month is partial when the period starts or ends inside it', () => {
    const p = { from: '2025-11-23', to: '2026-11-23' };
    expect(isPartialMonth('2025-11', p)).toBe(true);
    expect(isPartialMonth('2025-12', p)).toBe(false);
    expect(isPartialMonth('2026-10', p)).toBe(false);
    expect(isPartialMonth('2026-11', p)).toBe(true);
    expect(isPartialMonth('2026-11', { from: '2026-01-01', to: '2026-12-01' })).toBe(false);
  });
});
