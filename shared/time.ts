/** Today's date in Europe/Stockholm as 'YYYY-MM-DD'. */
export function stockholmToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Adds days to a 'YYYY-MM-DD' date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Adds calendar years to a 'YYYY-MM-DD' date; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, 1));
  const lastDay = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a), both 'YYYY-MM-DD'. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Whether a string is a real calendar date 'YYYY-MM-DD'. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Period presets of the filter form; `custom` uses explicit dates. */
export const PERIOD_PRESETS = ['last30', 'last12', 'thisYear', 'lastYear', 'custom'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

/**
 * The half-open period [from, to) a preset stands for, as of `today` (a Stockholm date). Built by calendar
 * arithmetic on whole dates so that neither DST changes nor month ends can stretch it: `last12` is exactly one
 * calendar year back from tomorrow (on 31 December that is 1 January of this year, not of last year; from
 * 29 February tomorrow's 1 March goes back to 1 March, and from 28 February of a leap year tomorrow's 29
 * February becomes 28 February of the year before, never a non-existent date).
 */
export function presetPeriod(
  preset: PeriodPreset, today: string = stockholmToday(), custom?: { from: string | null; to: string | null },
): { from: string; to: string } {
  const tomorrow = addDays(today, 1);
  const year = Number(today.slice(0, 4));
  switch (preset) {
    case 'last30': return { from: addDays(tomorrow, -30), to: tomorrow };
    case 'last12': return { from: addYears(tomorrow, -1), to: tomorrow };
    case 'thisYear': return { from: `${year}-01-01`, to: tomorrow };
    case 'lastYear': return { from: `${year - 1}-01-01`, to: `${year}-01-01` };
    case 'custom':
      if (custom?.from && custom.to && isIsoDate(custom.from) && isIsoDate(custom.to) && custom.from < custom.to) return { from: custom.from, to: custom.to };
      return presetPeriod('last12', today);
  }
}

/** The first day of the month after a 'YYYY-MM-…' date, as 'YYYY-MM-01'. */
export function nextMonthStart(date: string): string {
  const y = Number(date.slice(0, 4)), m = Number(date.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * Whether a month ('YYYY-MM') is only partly covered by the half-open period [from, to) — typically the
 * current month, which would otherwise plunge in a monthly series as if it were complete.
 */
export function isPartialMonth(month: string, period: { from: string; to: string }): boolean {
  const start = `${month.slice(0, 7)}-01`;
  return start < period.from || nextMonthStart(start) > period.to;
}
