const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** 01:00 UTC on the last Sunday of `month` (0-based) in `year`: when EU summer time starts or ends. */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/**
 * The UTC offset of Europe/Stockholm in minutes at an instant (ms since the epoch): +120 from
 * 01:00 UTC on the last Sunday of March until 01:00 UTC on the last Sunday of October, else +60.
 * Computed here rather than through Intl so the demo does not depend on the host's tz database.
 */
export function stockholmOffsetMinutes(instantMs: number): 60 | 120 {
  const year = new Date(instantMs).getUTCFullYear();
  const start = lastSundayAt0100Utc(year, 2);
  const end = lastSundayAt0100Utc(year, 9);
  return instantMs >= start && instantMs < end ? 120 : 60;
}

/**
 * The instant (ms since the epoch) of a Europe/Stockholm wall-clock time (month 1-based).
 * Ambiguous times (02:00–02:59 on the last Sunday of October happen twice) resolve to the
 * first, summer-time occurrence; non-existent times (02:00–02:59 on the last Sunday of March)
 * are read with the winter offset and so land an hour later (02:30 → 03:30+02:00). This is
 * the "compatible" disambiguation of Temporal and of most databases.
 */
export function stockholmLocalToInstant(year: number, month: number, day: number, hour: number, minute: number, second = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const asSummer = wall - 2 * HOUR_MS;
  if (stockholmOffsetMinutes(asSummer) === 120) return asSummer;
  return wall - HOUR_MS;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** ISO 8601 in Europe/Stockholm local time with its offset, e.g. `2025-06-07T23:15:00+02:00`. */
export function formatStockholm(instantMs: number): string {
  const offset = stockholmOffsetMinutes(instantMs);
  const local = new Date(instantMs + offset * MINUTE_MS);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `+${pad(offset / 60)}:00`
  );
}

/** The Stockholm calendar day of an instant, as whole days since 1970-01-01. */
export function stockholmDayNumber(instantMs: number): number {
  return Math.floor((instantMs + stockholmOffsetMinutes(instantMs) * MINUTE_MS) / DAY_MS);
}

/** A calendar day (days since 1970-01-01) as year, 1-based month, day, ISO weekday (0 = Monday) and day of year (1-based). */
export function calendarDay(dayNumber: number): { year: number; month: number; day: number; weekday: number; dayOfYear: number } {
  const d = new Date(dayNumber * DAY_MS);
  const year = d.getUTCFullYear();
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    // 1970-01-01 was a Thursday (ISO weekday 3 counting Monday as 0).
    weekday: (((dayNumber + 3) % 7) + 7) % 7,
    dayOfYear: dayNumber - Math.floor(Date.UTC(year, 0, 1) / DAY_MS) + 1,
  };
}

/** `YYYY-MM-DD` of a calendar day (days since 1970-01-01). */
export function formatDay(dayNumber: number): string {
  const { year, month, day } = calendarDay(dayNumber);
  return `${year}-${pad(month)}-${pad(day)}`;
}

export { DAY_MS, HOUR_MS, MINUTE_MS };
