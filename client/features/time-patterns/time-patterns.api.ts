import { getJson } from '../../api/http.ts';

/** Time patterns of incidents (GET /api/stats/time): weekday × hour (Monday first, Stockholm time) and monthly counts. */
export interface TimePatterns {
  weekday_hour: number[][];
  monthly: { month: string; count: number | null }[];
  /** Counts per calendar month 1–12 over all years (the årshjul); computed from `monthly` when the API has none. */
  byCalendarMonth: number[];
}

/** Sums monthly counts by calendar month (January first): the årshjul. */
export function calendarMonthTotals(monthly: { month: string; count: number | null }[]): number[] {
  const totals = new Array<number>(12).fill(0);
  for (const m of monthly) {
    const i = Number(m.month.slice(5, 7)) - 1;
    if (i >= 0 && i < 12 && typeof m.count === 'number') totals[i] += m.count;
  }
  return totals;
}

/** Reads the time route's answer leniently (a 7×24 matrix, monthly rows, optional year wheel). */
export function normaliseTimePatterns(body: Record<string, unknown>): TimePatterns {
  const wh = Array.isArray(body.weekday_hour) ? (body.weekday_hour as unknown[][]).map((r) => r.map((v) => (typeof v === 'number' ? v : 0))) : [];
  const monthly = Array.isArray(body.monthly) ? (body.monthly as { month: string; count: number | null }[]) : [];
  const wheelSource = (body.year_wheel ?? body.arshjul ?? body.annual_cycle) as unknown;
  const wheel = Array.isArray(wheelSource) && wheelSource.length === 12
    ? wheelSource.map((v) => (typeof v === 'number' ? v : typeof (v as { count?: unknown })?.count === 'number' ? (v as { count: number }).count : 0))
    : calendarMonthTotals(monthly);
  return { weekday_hour: wh, monthly, byCalendarMonth: wheel };
}

/** Time patterns for the filters (and a district). */
export async function fetchTimePatterns(params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<TimePatterns> {
  return normaliseTimePatterns(await getJson<Record<string, unknown>>('/api/stats/time', params, signal));
}
