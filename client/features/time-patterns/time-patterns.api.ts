import { getJson } from '../../api/http.ts';

/** Time patterns of incidents (GET /api/stats/time): weekday × hour (Monday first, Stockholm time) and monthly counts. */
export interface TimePatterns {
  weekday_hour: number[][];
  monthly: { month: string; count: number | null }[];
  /** Counts per calendar month 1–12 over all years (the årshjul); computed from `monthly` when the API has none. */
  byCalendarMonth: number[];
  /** Incidents per category in the period (from the årshjul's category rows), largest first; empty when the API has none. */
  categoryTotals: { code: string; name_sv: string | null; count: number }[];
  /** The period asked for (null when the answer has none): tells which months are only partly covered. */
  period: { from: string; to: string } | null;
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

/** Reads the time route's answer (a 7×24 matrix, monthly rows, the årshjul as counts per category and calendar month). */
export function normaliseTimePatterns(body: Record<string, unknown>): TimePatterns {
  const wh = Array.isArray(body.weekday_hour) ? (body.weekday_hour as unknown[][]).map((r) => r.map((v) => (typeof v === 'number' ? v : 0))) : [];
  const monthly = Array.isArray(body.monthly) ? (body.monthly as { month: string; count: number | null }[]) : [];
  const arshjul = body.arshjul as { categories?: { code: string; name_sv?: string; counts: (number | null)[] }[] } | undefined;
  const cats = Array.isArray(arshjul?.categories) ? arshjul!.categories : [];
  const wheel = cats.length
    ? Array.from({ length: 12 }, (_, m) => cats.reduce((s, c) => s + (typeof c.counts[m] === 'number' ? c.counts[m]! : 0), 0))
    : calendarMonthTotals(monthly);
  const categoryTotals = cats
    .map((c) => ({ code: c.code, name_sv: c.name_sv ?? null, count: c.counts.reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0) }))
    .sort((a, b) => b.count - a.count);
  const p = body.period as { from?: unknown; to?: unknown } | undefined;
  const period = typeof p?.from === 'string' && typeof p?.to === 'string' ? { from: p.from, to: p.to } : null;
  return { weekday_hour: wh, monthly, byCalendarMonth: wheel, categoryTotals, period };
}

/** Time patterns for the filters (and a district). */
export async function fetchTimePatterns(params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<TimePatterns> {
  return normaliseTimePatterns(await getJson<Record<string, unknown>>('/api/stats/time', params, signal));
}
